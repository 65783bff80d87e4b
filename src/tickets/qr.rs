//! The QR code printed on a ticket and shown on its page: it carries the ticket's signed payload
//! (`signed`), which encodes in the QR alphanumeric mode.
use super::signed::SignedTicket;
use qrcode::render::svg;
use qrcode::{Color, EcLevel, QrCode};

/// Medium error correction survives a cracked phone screen without making the code dense.
pub(super) fn encode(ticket: &SignedTicket) -> Option<QrCode> {
    QrCode::with_error_correction_level(ticket.to_string().as_bytes(), EcLevel::M).ok()
}

/// An SVG QR code of the ticket, dark on white with the standard quiet zone.
pub fn svg(ticket: &SignedTicket) -> Option<String> {
    svg_of(&ticket.to_string())
}

/// An SVG QR code of any short text (a shop reservation's code), drawn as a ticket's is.
pub fn svg_of(text: &str) -> Option<String> {
    Some(
        QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .ok()?
            .render::<svg::Color>()
            .min_dimensions(240, 240)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    )
}

/// Pixels per module of the PNG: ~300 px across, sharp when printed at 3 cm.
const PNG_SCALE: usize = 8;
/// The quiet zone the QR standard asks for, in modules.
pub(super) const QUIET: usize = 4;

/// The same code as a 1-bit PNG, to save to a phone's photos or print.
pub fn png(ticket: &SignedTicket) -> Option<Vec<u8>> {
    let qr = encode(ticket)?;
    let modules = qr.width();
    let colors = qr.to_colors();
    let side = (modules + 2 * QUIET) * PNG_SCALE;
    let row_bytes = side.div_ceil(8);
    // 1 bit per pixel, 1 = white; start all white and darken the dark modules.
    let mut pixels = vec![0xffu8; row_bytes * side];
    for (i, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + QUIET, i / modules + QUIET);
        for y in my * PNG_SCALE..(my + 1) * PNG_SCALE {
            for x in mx * PNG_SCALE..(mx + 1) * PNG_SCALE {
                pixels[y * row_bytes + x / 8] &= !(0x80 >> (x % 8));
            }
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(&pixels).ok()?;
    writer.finish().ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{OrgId, SigningKeyId};
    use crate::tickets::code::TicketCode;
    use chrono::NaiveDate;
    use qrcode::Version;

    fn signed(orq: i64, key_id: i64) -> SignedTicket {
        let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let code = TicketCode::from_parts(2026, &[7; 16]);
        SignedTicket::sign(code, OrgId(orq), NaiveDate::from_ymd_opt(2026, 11, 28), SigningKeyId(key_id), &key)
    }

    fn ticket() -> SignedTicket {
        signed(1, 1)
    }

    #[test]
    fn a_typical_ticket_is_a_version_6_code_and_large_ids_stay_within_version_7() {
        assert_eq!(encode(&signed(1, 1)).map(|qr| qr.version()), Some(Version::Normal(6)));
        let large = signed(999_999_999, 999_999);
        assert_eq!(large.to_string().len(), 155);
        let version = encode(&large).map(|qr| qr.version());
        assert!(matches!(version, Some(Version::Normal(v)) if v <= 7), "{version:?}");
    }

    #[test]
    fn a_ticket_renders_as_an_svg_qr_code() {
        let svg = svg(&ticket()).expect("renders");
        assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.contains("<path") || svg.contains("<rect"));
    }

    #[test]
    fn the_png_has_a_quiet_zone_and_the_modules_of_the_code() {
        let bytes = png(&ticket()).expect("renders");
        let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size()];
        let frame = reader.next_frame(&mut buf).expect("one frame");
        let qr = encode(&ticket()).unwrap();
        let side = (qr.width() + 2 * QUIET) * PNG_SCALE;
        assert_eq!((frame.width as usize, frame.height as usize), (side, side));
        let dark = |x: usize, y: usize| buf[y * frame.line_size + x / 8] & (0x80 >> (x % 8)) == 0;
        // Every pixel matches its module: quiet zone light, then the code's own colours.
        for y in 0..side {
            for x in 0..side {
                let (mx, my) = (x / PNG_SCALE, y / PNG_SCALE);
                let module_dark = (QUIET..QUIET + qr.width()).contains(&mx)
                    && (QUIET..QUIET + qr.width()).contains(&my)
                    && qr[(mx - QUIET, my - QUIET)] == Color::Dark;
                assert_eq!(dark(x, y), module_dark, "pixel ({x}, {y})");
            }
        }
        // The top-left finder pattern's corner is dark.
        assert!(dark(QUIET * PNG_SCALE, QUIET * PNG_SCALE));
    }
}
