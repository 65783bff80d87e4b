//! The printable cards of an order: per ticket, its signed QR code as SVG (not reserved yet, so
//! without a date), its code and its product. A large batch prints in parts.
use super::order::tickets_of;
use super::signed::keys::active_key;
use super::signed::KeyError;
use crate::ids::{OrderId, OrgId};
use crate::store::Db;
use chrono::{DateTime, Utc};

/// Cards one sheet holds: 25 A4 pages of 8.
pub const CARDS_PER_PART: usize = 200;

pub struct PrintCard {
    pub code: String,
    pub product: String,
    /// An `<svg>` element, without an XML prolog, to put inline.
    pub qr_svg: String,
}

pub struct Sheet {
    pub organization: String,
    pub order_id: OrderId,
    pub cards: Vec<PrintCard>,
    /// This part (from 1) of `parts`.
    pub part: usize,
    pub parts: usize,
    pub total: usize,
}

/// Part `part` (from 1) of the order's cards; `None` when the organization has no such order or
/// the part is past its end.
pub async fn sheet(
    db: &Db,
    orq: OrgId,
    order_id: OrderId,
    part: usize,
    now: DateTime<Utc>,
) -> Result<Option<Sheet>, KeyError> {
    let tickets = tickets_of(db, orq, order_id).await?;
    let parts = tickets.len().div_ceil(CARDS_PER_PART);
    if part == 0 || part > parts {
        return Ok(None);
    }
    let Some(organization) = crate::org::organization(db, orq).await? else { return Ok(None) };
    let key = active_key(db, orq, now).await?;
    let cards = tickets
        .iter()
        .skip((part - 1) * CARDS_PER_PART)
        .take(CARDS_PER_PART)
        .filter_map(|t| {
            let code = super::code::TicketCode::parse(&t.code).ok()?;
            let svg = super::qr::svg(&key.sign(code, None))?;
            let qr_svg = svg.find("<svg").map_or(svg.clone(), |at| svg[at..].to_string());
            Some(PrintCard { code: t.code.clone(), product: t.product.clone(), qr_svg })
        })
        .collect();
    Ok(Some(Sheet { organization: organization.name, order_id, cards, part, parts, total: tickets.len() }))
}
