//! The ticket card: the one picture a visitor keeps on a phone or prints, with the venue, the
//! visit's date and time in words, the ticket code and its QR code. Drawn here rather than by the
//! browser so the saved picture is the same on every phone.
mod canvas;
mod text;

use super::signed::SignedTicket;
use super::{qr, ReservedSlot};
use crate::org::Venue;
use crate::wording;
use canvas::Canvas;
use qrcode::Color;
use text::{Face, Fonts, Lines, Style};

/// Portrait 2:3, a phone screen's shape; printed at 300 dpi it is 6 × 9 cm.
pub const WIDTH: u32 = 720;
pub const HEIGHT: u32 = 1080;
const MARGIN: u32 = 48;
/// Near-black text on white (16:1) and a grey that still passes WCAG AAA (8.9:1).
const INK: u8 = 0x1b;
const MUTED: u8 = 0x4a;
/// Light: the perforation is decoration, and must not look like part of the QR code.
const PERFORATION: u8 = 0xb0;
/// At most 18 px a module: the QR code with its quiet zone is then ~600 px across, most of the
/// card's width, so a scanner reads it off a small phone screen from arm's length.
const MAX_MODULE: u32 = 18;

/// What the card says, already in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub venue: String,
    /// "Saturday, November 28, 2026"
    pub date: String,
    /// "12:00 PM–2:00 PM"
    pub time: String,
    /// "New York time"
    pub zone: String,
}

enum Block<'a> {
    Text(&'a Lines),
    Gap(f32),
    Perforation,
    Qr,
}

impl Card {
    /// The card of a visit to `venue` in `slot`, worded as the ticket page words it.
    pub fn for_visit(venue: &Venue, slot: &ReservedSlot) -> Card {
        Card {
            venue: venue.name.clone(),
            date: wording::full_date(slot.date),
            time: wording::time_range(slot.start_time, slot.end_time),
            zone: wording::zone(&venue.time_zone),
        }
    }

    /// The card with the ticket's code and its QR code (the signed payload): a greyscale PNG,
    /// `WIDTH` × `HEIGHT`.
    pub fn png(&self, ticket: &SignedTicket) -> Option<Vec<u8>> {
        let fonts = Fonts::load()?;
        let qr = qr::encode(ticket)?;
        let code = ticket.code();
        let width = (WIDTH - 2 * MARGIN) as f32;
        let fit = |text: &str, face, size, min_size, max_lines, ink| {
            Lines::fit(&fonts, text, Style { face, size, min_size, max_lines, ink }, width)
        };
        let venue = fit(&self.venue, Face::Bold, 46.0, 28.0, 3, INK);
        let date = fit(&self.date, Face::Bold, 34.0, 22.0, 2, INK);
        let time = fit(&self.time, Face::Bold, 34.0, 22.0, 1, INK);
        let zone = fit(&self.zone, Face::Regular, 26.0, 18.0, 1, MUTED);
        let code_line = fit(code.as_str(), Face::MonoBold, 34.0, 20.0, 1, INK);
        let blocks = [
            Block::Text(&venue),
            Block::Gap(14.0),
            Block::Text(&date),
            Block::Text(&time),
            Block::Text(&zone),
            Block::Gap(24.0),
            Block::Perforation,
            Block::Qr,
            Block::Text(&code_line),
        ];

        // The QR code takes what the words leave, up to MAX_MODULE a module.
        let words: f32 = blocks.iter().map(|b| height(b, 0)).sum();
        let side = (qr.width() + 2 * qr::QUIET) as u32;
        let room = (HEIGHT - 2 * MARGIN).saturating_sub(words.ceil() as u32);
        let module = MAX_MODULE.min(room / side).min((WIDTH - 2 * MARGIN) / side);
        if module == 0 {
            return None;
        }

        let mut canvas = Canvas::white(WIDTH, HEIGHT);
        let total = words + (side * module) as f32;
        let mut y = (HEIGHT as f32 - total) / 2.0;
        for block in &blocks {
            match block {
                Block::Text(lines) => lines.draw(&fonts, &mut canvas, y),
                Block::Gap(_) => {}
                Block::Perforation => perforation(&mut canvas, y.round() as u32),
                Block::Qr => {
                    let (left, top) = ((WIDTH - side * module) / 2, y.round() as u32);
                    for (i, color) in qr.to_colors().iter().enumerate() {
                        if *color == Color::Dark {
                            let (mx, my) = ((i % qr.width() + qr::QUIET) as u32, (i / qr.width() + qr::QUIET) as u32);
                            canvas.fill(left + mx * module, top + my * module, module, module, 0);
                        }
                    }
                }
            }
            y += height(block, side * module);
        }
        canvas.png()
    }
}

fn height(block: &Block, qr_side: u32) -> f32 {
    match block {
        Block::Text(lines) => lines.height(),
        Block::Gap(gap) => *gap,
        Block::Perforation => 2.0,
        Block::Qr => qr_side as f32,
    }
}

/// A dashed line across the card, where a paper ticket would tear.
fn perforation(canvas: &mut Canvas, y: u32) {
    let (dash, gap) = (12, 8);
    let mut x = MARGIN;
    while x < WIDTH - MARGIN {
        canvas.fill(x, y, dash.min(WIDTH - MARGIN - x), 2, PERFORATION);
        x += dash + gap;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{OrgId, SigningKeyId};
    use crate::tickets::code::TicketCode;

    fn ticket() -> SignedTicket {
        let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let code = TicketCode::from_parts(2026, &[7; 16]);
        SignedTicket::sign(code, OrgId(1), chrono::NaiveDate::from_ymd_opt(2026, 11, 28), SigningKeyId(1), &key)
    }

    fn card(venue: &str) -> Card {
        Card {
            venue: venue.into(),
            date: "Saturday, November 28, 2026".into(),
            time: "12:00 PM–2:00 PM".into(),
            zone: "New York time".into(),
        }
    }

    /// The PNG's size and its pixels, one grey byte each.
    fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().expect("a PNG");
        let mut pixels = vec![0; reader.output_buffer_size()];
        let frame = reader.next_frame(&mut pixels).expect("one frame");
        assert_eq!((frame.color_type, frame.bit_depth), (png::ColorType::Grayscale, png::BitDepth::Eight));
        (frame.width, frame.height, pixels)
    }

    /// What a QR reader finds in the picture: the text of each code it reads.
    fn read_qr_codes(width: u32, height: u32, pixels: &[u8]) -> Vec<String> {
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(width as usize, height as usize, |x, y| {
            pixels[y * width as usize + x]
        });
        image.detect_grids().iter().map(|grid| grid.decode().expect("a readable QR code").1).collect()
    }

    #[test]
    fn the_card_is_a_portrait_png_of_its_size() {
        let (width, height, _) = decode(&card("Harbor Museum of Light").png(&ticket()).expect("renders"));
        assert_eq!((width, height), (WIDTH, HEIGHT));
    }

    #[test]
    fn the_qr_code_on_the_card_reads_back_as_the_signed_payload() {
        let (width, height, pixels) = decode(&card("Harbor Museum of Light").png(&ticket()).expect("renders"));
        assert_eq!(read_qr_codes(width, height, &pixels), vec![ticket().to_string()]);
    }

    #[test]
    fn a_very_long_venue_name_stays_inside_the_margins_and_leaves_the_qr_code_readable() {
        let name = "The Royal Harbor Museum of Light, Maritime History and Contemporary Art ".repeat(4);
        let (width, height, pixels) = decode(&card(&name).png(&ticket()).expect("renders"));
        let ink_at = |x: u32, y: u32| pixels[(y * width + x) as usize] < 0xf0;
        let edge = MARGIN / 2;
        let inked_edges: Vec<(u32, u32)> = (0..height)
            .flat_map(|y| (0..edge).chain(width - edge..width).map(move |x| (x, y)))
            .filter(|&(x, y)| ink_at(x, y))
            .collect();
        assert_eq!(inked_edges, vec![], "nothing is drawn in the margins");
        let top_quarter = (MARGIN..HEIGHT / 4).flat_map(|y| (0..width).map(move |x| (x, y)));
        assert!(top_quarter.filter(|&(x, y)| ink_at(x, y)).count() > 1000, "the name is drawn at the top");
        assert_eq!(read_qr_codes(width, height, &pixels), vec![ticket().to_string()]);
    }

    #[test]
    fn a_visit_is_worded_as_the_ticket_page_words_it() {
        let venue = Venue {
            id: crate::ids::VenueId(1),
            orq: crate::ids::OrgId(1),
            name: "Harbor Museum of Light".into(),
            time_zone: "America/New_York".into(),
            address: "1 Pier Street".into(),
        };
        let at = |h| chrono::NaiveTime::from_hms_opt(h, 0, 0).expect("a time");
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("a date");
        let starts_at = chrono::DateTime::UNIX_EPOCH;
        let slot = ReservedSlot {
            slot_id: crate::ids::SlotId(1),
            date,
            start_time: at(12),
            end_time: at(14),
            starts_at,
            ends_at: starts_at,
        };
        assert_eq!(Card::for_visit(&venue, &slot), card("Harbor Museum of Light"));
    }
}
