//! Words on the card: measured, wrapped or made smaller until they fit, then drawn centred.
use super::canvas::Canvas;
use ab_glyph::{point, Font, FontRef, GlyphId, PxScale, ScaleFont};

// DejaVu Sans, Sans Bold and Sans Mono Bold, under the Bitstream Vera licence (fonts/LICENSE):
// built in so that a card looks the same whatever fonts the server has, or lacks.
const REGULAR: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("fonts/DejaVuSans-Bold.ttf");
const MONO_BOLD: &[u8] = include_bytes!("fonts/DejaVuSansMono-Bold.ttf");

/// Lines are this many times the font size apart.
const LEADING: f32 = 1.25;
/// How much smaller text gets at each try to fit it.
const STEP: f32 = 2.0;

#[derive(Clone, Copy, Debug)]
pub enum Face {
    Regular,
    Bold,
    MonoBold,
}

pub struct Fonts {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
    mono_bold: FontRef<'static>,
}

impl Fonts {
    pub fn load() -> Option<Fonts> {
        Some(Fonts {
            regular: FontRef::try_from_slice(REGULAR).ok()?,
            bold: FontRef::try_from_slice(BOLD).ok()?,
            mono_bold: FontRef::try_from_slice(MONO_BOLD).ok()?,
        })
    }

    fn get(&self, face: Face) -> &FontRef<'static> {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
            Face::MonoBold => &self.mono_bold,
        }
    }
}

/// How a piece of text wants to look, and how far it may give way to fit.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub face: Face,
    pub size: f32,
    pub min_size: f32,
    pub max_lines: usize,
    pub ink: u8,
}

/// Text laid out in lines that fit: what gets drawn.
#[derive(Debug)]
pub struct Lines {
    style: Style,
    pub size: f32,
    pub lines: Vec<String>,
}

impl Lines {
    /// The text at the largest size at which it takes at most `max_lines` lines of `width`
    /// without breaking a word; at the smallest size, words are broken and what still does not
    /// fit ends in "…". So a long venue name never runs off the card.
    pub fn fit(fonts: &Fonts, text: &str, style: Style, width: f32) -> Lines {
        let font = fonts.get(style.face);
        let mut size = style.size;
        loop {
            let (mut lines, broke_a_word) = wrap(font, size, text, width);
            let fits = lines.len() <= style.max_lines && !broke_a_word;
            if fits || size <= style.min_size {
                if lines.len() > style.max_lines {
                    lines.truncate(style.max_lines);
                    if let Some(last) = lines.last_mut() {
                        *last = with_ellipsis(font, size, last, width);
                    }
                }
                return Lines { style, size, lines };
            }
            size = (size - STEP).max(style.min_size);
        }
    }

    pub fn height(&self) -> f32 {
        self.lines.len() as f32 * self.size * LEADING
    }

    /// Draws each line centred across the canvas, the first line's box starting at `top`.
    pub fn draw(&self, fonts: &Fonts, canvas: &mut Canvas, top: f32) {
        let font = fonts.get(self.style.face);
        let scaled = font.as_scaled(PxScale::from(self.size));
        // The glyphs' own height, centred in the taller line box.
        let inset = (self.size * LEADING - (scaled.ascent() - scaled.descent())) / 2.0;
        for (i, line) in self.lines.iter().enumerate() {
            let baseline = top + i as f32 * self.size * LEADING + inset + scaled.ascent();
            let mut x = (canvas.width as f32 - measure(font, self.size, line)) / 2.0;
            let mut previous: Option<GlyphId> = None;
            for c in line.chars() {
                let id = scaled.glyph_id(c);
                if let Some(p) = previous {
                    x += scaled.kern(p, id);
                }
                let glyph = id.with_scale_and_position(self.size, point(x, baseline));
                if let Some(outline) = font.outline_glyph(glyph) {
                    let corner = outline.px_bounds().min;
                    outline.draw(|gx, gy, coverage| {
                        let (px, py) = (corner.x as i64 + gx as i64, corner.y as i64 + gy as i64);
                        canvas.blend(px, py, self.style.ink, coverage);
                    });
                }
                x += scaled.h_advance(id);
                previous = Some(id);
            }
        }
    }
}

/// The width of `text` on one line, kerning included.
fn measure(font: &FontRef, size: f32, text: &str) -> f32 {
    let scaled = font.as_scaled(PxScale::from(size));
    let mut width = 0.0;
    let mut previous: Option<GlyphId> = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            width += scaled.kern(p, id);
        }
        width += scaled.h_advance(id);
        previous = Some(id);
    }
    width
}

/// Greedy word wrap; a word wider than a whole line is broken between letters (and said so).
fn wrap(font: &FontRef, size: f32, text: &str, width: f32) -> (Vec<String>, bool) {
    let fits = |s: &str| measure(font, size, s) <= width;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut broke_a_word = false;
    for word in text.split_whitespace() {
        let joined = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if fits(&joined) {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            line.push(c);
            if !fits(&line) && line.chars().count() > 1 {
                broke_a_word = true;
                line.pop();
                lines.push(std::mem::replace(&mut line, c.to_string()));
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    (lines, broke_a_word)
}

/// `line` cut short enough to end in "…" within `width`.
fn with_ellipsis(font: &FontRef, size: f32, line: &str, width: f32) -> String {
    let mut kept: String = line.trim_end().to_string();
    loop {
        let candidate = format!("{kept}…");
        if kept.is_empty() || measure(font, size, &candidate) <= width {
            return candidate;
        }
        kept.pop();
        kept = kept.trim_end().to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIDTH: f32 = 600.0;

    fn style(max_lines: usize) -> Style {
        Style { face: Face::Bold, size: 48.0, min_size: 28.0, max_lines, ink: 0 }
    }

    fn fit(text: &str, max_lines: usize) -> (Lines, Fonts) {
        let fonts = Fonts::load().expect("the built-in fonts");
        (Lines::fit(&fonts, text, style(max_lines), WIDTH), fonts)
    }

    fn widest(lines: &Lines, fonts: &Fonts) -> f32 {
        lines.lines.iter().map(|l| measure(fonts.get(Face::Bold), lines.size, l)).fold(0.0, f32::max)
    }

    #[test]
    fn a_short_name_keeps_its_full_size_on_one_line() {
        let (lines, _) = fit("Harbor Museum", 3);
        assert_eq!((lines.size, lines.lines.clone()), (48.0, vec!["Harbor Museum".to_string()]));
    }

    #[test]
    fn a_long_name_wraps_between_words_before_it_shrinks() {
        let (lines, fonts) = fit("The Royal Harbor Museum of Light and Maritime History", 3);
        assert_eq!(lines.size, 48.0);
        assert!(lines.lines.len() > 1 && lines.lines.len() <= 3, "{lines:?}");
        assert_eq!(lines.lines.join(" "), "The Royal Harbor Museum of Light and Maritime History");
        assert!(widest(&lines, &fonts) <= WIDTH);
    }

    #[test]
    fn a_name_too_long_for_its_lines_shrinks_then_ends_in_an_ellipsis() {
        let name = "The Very Long Name of a Museum ".repeat(8);
        let (lines, fonts) = fit(&name, 2);
        assert_eq!(lines.size, 28.0, "as small as allowed");
        assert_eq!(lines.lines.len(), 2);
        assert!(lines.lines[1].ends_with('…'), "{lines:?}");
        assert!(widest(&lines, &fonts) <= WIDTH);
    }

    #[test]
    fn a_word_wider_than_the_card_is_broken_rather_than_cut_off() {
        let (lines, fonts) = fit(&"W".repeat(60), 3);
        assert_eq!(lines.size, 28.0);
        assert!(lines.lines.len() > 1, "{lines:?}");
        assert!(widest(&lines, &fonts) <= WIDTH);
    }

    #[test]
    fn one_line_text_gets_smaller_until_it_fits() {
        let (lines, fonts) = fit("Wednesday, September 30, 2026", 1);
        assert!(lines.size < 48.0 && lines.size > 28.0, "{}", lines.size);
        assert_eq!(lines.lines, vec!["Wednesday, September 30, 2026".to_string()]);
        assert!(widest(&lines, &fonts) <= WIDTH);
    }
}
