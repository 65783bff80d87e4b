//! The QR code printed on a ticket and shown on its page: it carries the ticket code.
use crate::ticket_code::TicketCode;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An SVG QR code of the ticket, dark on white with the standard quiet zone. Medium error
/// correction survives a cracked phone screen without making the code dense.
pub fn svg(code: &TicketCode) -> Option<String> {
    let qr = QrCode::with_error_correction_level(code.as_str().as_bytes(), EcLevel::M).ok()?;
    Some(
        qr.render::<svg::Color>()
            .min_dimensions(240, 240)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_code_renders_as_an_svg_qr_code() {
        let code = TicketCode::from_parts(2026, &[7; 16]);
        let svg = svg(&code).expect("renders");
        assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.contains("<path") || svg.contains("<rect"));
    }
}
