//! The printable sheet of QR cards as an HTML page: eight cards to an A4 page, with cut lines.
//! Its styles come from `/admin/orders/sheet.css` (the pages' CSP allows no inline styles).
use gatehouse::tickets::sheet::{PrintCard, Sheet};
use gatehouse::wording::escape_html as escape;
use std::fmt::Write;

pub const CSS: &str = include_str!("sheet.css");
const CARDS_PER_PAGE: usize = 8;

/// The code in the groups it is read out in: `TKT 2026 7K3Q9X M2D8HW 4RTVN`.
fn grouped(code: &str) -> String {
    code.split('-').map(|g| format!("<span>{}</span>", escape(g))).collect::<Vec<_>>().join(" ")
}

fn card(out: &mut String, organization: &str, card: &PrintCard) {
    let _ = write!(
        out,
        r#"<article class="card"><div class="qr" role="img" aria-label="QR code of ticket {code}">{svg}</div><div class="words"><p class="org">{org}</p><p class="product">{product}</p><p class="code" aria-label="Ticket code {code}">{grouped}</p><p class="hint">Book your visit online with this code, then show the QR code at the entrance.</p></div></article>"#,
        code = escape(&card.code),
        svg = card.qr_svg,
        org = escape(organization),
        product = escape(&card.product),
        grouped = grouped(&card.code),
    );
}

pub fn html(sheet: &Sheet) -> String {
    let order = sheet.order_id;
    let title = format!("Ticket cards, order {order}");
    let mut out = format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title><link rel="stylesheet" href="/admin/orders/sheet.css"></head><body><header class="toolbar"><h1>{title}</h1><p>{count} of {total} tickets (part {part} of {parts}). Print on A4 and cut along the dashed lines.</p><nav aria-label="Sheet parts"><a href="/admin/orders/{order}/tickets.csv">Download the CSV</a>"#,
        count = sheet.cards.len(),
        total = sheet.total,
        part = sheet.part,
        parts = sheet.parts,
    );
    if sheet.parts > 1 {
        for p in 1..=sheet.parts {
            let current = if p == sheet.part { r#" aria-current="page""# } else { "" };
            let _ = write!(out, r#" <a href="/admin/orders/{order}/cards?part={p}"{current}>Part {p}</a>"#);
        }
    }
    out.push_str("</nav></header><main>");
    for page in sheet.cards.chunks(CARDS_PER_PAGE) {
        out.push_str(r#"<section class="page">"#);
        for c in page {
            card(&mut out, &sheet.organization, c);
        }
        out.push_str("</section>");
    }
    out.push_str("</main></body></html>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse::ids::OrderId;

    fn sheet(cards: usize, product: &str) -> Sheet {
        let card = || PrintCard {
            code: "TKT-2026-AAAAAA-BBBBBB-CCCCC".into(),
            product: product.into(),
            qr_svg: "<svg></svg>".into(),
        };
        Sheet {
            organization: "Harbor & Co".into(),
            order_id: OrderId(4),
            cards: (0..cards).map(|_| card()).collect(),
            part: 1,
            parts: 1,
            total: cards,
        }
    }

    #[test]
    fn cards_are_eight_to_a_page() {
        let html = html(&sheet(17, "General admission"));
        assert_eq!(html.matches(r#"<section class="page">"#).count(), 3);
        assert_eq!(html.matches(r#"<article class="card">"#).count(), 17);
        assert!(html.contains("<span>TKT</span> <span>2026</span> <span>AAAAAA</span>"));
    }

    #[test]
    fn names_are_escaped() {
        let html = html(&sheet(1, "<script>alert(1)</script>"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;") && html.contains("Harbor &amp; Co"));
    }
}
