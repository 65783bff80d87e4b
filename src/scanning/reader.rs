//! Finding and decoding the QR codes in one camera frame.
use super::grey::{Grey, Window};
use super::resample;
use super::threshold::Threshold;
use rqrr::BitGrid;

/// At most this many pixels are searched in one detailed pass: a 640×480 frame whole, a 1280×720
/// frame at half size. rqrr's time grows with the pixels it thresholds and floods, and a phone
/// must keep up with its camera.
const PASS_PIXELS: usize = 640 * 480;

/// The modules across the smallest code: a pass with fewer pixels could not hold one.
const SMALLEST: usize = 21;

/// Why a frame gave no text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoRead {
    /// The usual answer while the camera looks for a code.
    #[error("no QR code in view")]
    NothingFound,
    /// The three corner squares were found but the code did not decode: too blurred, too
    /// oblique or partly covered. Worth saying "hold still" for.
    #[error("a QR code is in view but could not be read")]
    Unreadable,
    /// A bug in the caller rather than a bad picture.
    #[error("a {width}×{height} RGBA frame has {expected} bytes, not {found}")]
    WrongSize { width: u32, height: u32, expected: u64, found: u64 },
}

/// Reads QR codes from camera frames, keeping its buffers from one frame to the next.
#[derive(Debug, Default)]
pub struct FrameReader {
    grey: Grey,
    threshold: Threshold,
    /// Whether the last code was read in a detailed pass rather than the coarse one: consecutive
    /// frames show the code at about the same size, so the detailed passes go first next time.
    detail_first: bool,
    /// Of the detailed passes, whether the last code was read in the whole frame.
    whole_first: bool,
}

/// One search: a window of the frame, shrunk `step` times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pass {
    window: Window,
    step: usize,
}

/// What one pass found: the texts it read, and the window (in frame pixels) around the codes it
/// located but could not read.
#[derive(Debug, Default)]
struct Found {
    texts: Vec<String>,
    unread: Option<Window>,
}

impl FrameReader {
    pub fn new() -> FrameReader {
        FrameReader::default()
    }

    /// The text of every QR code read in the frame (at least one), given its pixels as a
    /// canvas's `ImageData` holds them: RGBA, row by row from the top left, 4 bytes a pixel.
    ///
    /// The whole frame is searched first at half the detail of the detailed passes, a quarter
    /// of their pixels: a code held up to the camera is found and usually read there. A code
    /// found but not read is searched again in a window around it at full detail; a frame where
    /// the coarse pass found nothing gets the detailed passes (`passes`), for small codes.
    pub fn read(&mut self, rgba: &[u8], width: u32, height: u32) -> Result<Vec<String>, NoRead> {
        let expected = u64::from(width) * u64::from(height) * 4;
        if rgba.len() as u64 != expected {
            return Err(NoRead::WrongSize { width, height, expected, found: rgba.len() as u64 });
        }
        let (width, height) = (width as usize, height as usize);
        let mut detailed = passes(width, height);
        let Some(whole) = detailed[0].map(|_| Window { x: 0, y: 0, width, height }) else {
            return Err(NoRead::NothingFound);
        };
        if self.whole_first && detailed[1].is_some() {
            detailed.swap(0, 1);
        }
        let coarse = Pass { window: whole, step: 2 * step_for(width, height) };
        let order = if self.detail_first { [None, Some(coarse)] } else { [Some(coarse), None] };
        let mut seen_a_code = false;
        for coarse in order {
            let Some(coarse) = coarse else {
                for pass in detailed.into_iter().flatten() {
                    let found = self.search(rgba, width, pass);
                    seen_a_code |= found.unread.is_some();
                    if !found.texts.is_empty() {
                        (self.detail_first, self.whole_first) = (true, pass.window == whole);
                        return Ok(found.texts);
                    }
                }
                continue;
            };
            let mut found = self.search(rgba, width, coarse);
            if let Some(around) = found.unread {
                seen_a_code = true;
                let closer = Pass { window: around, step: step_for(around.width, around.height) };
                found.texts.extend(self.search(rgba, width, closer).texts);
                found.texts.dedup();
            }
            if !found.texts.is_empty() {
                self.detail_first = false;
                return Ok(found.texts);
            }
            if seen_a_code {
                break;
            }
        }
        Err(if seen_a_code { NoRead::Unreadable } else { NoRead::NothingFound })
    }

    fn search(&mut self, rgba: &[u8], frame_width: usize, pass: Pass) -> Found {
        if pass.window.width / pass.step < SMALLEST || pass.window.height / pass.step < SMALLEST {
            return Found::default();
        }
        self.grey.sample(rgba, frame_width, pass.window, pass.step);
        self.threshold.apply(&self.grey);
        let (grey, threshold) = (&self.grey, &self.threshold);
        let width = grey.width;
        let mut image =
            rqrr::PreparedImage::prepare_from_bitmap(width, grey.height, |x, y| threshold.dark[y * width + x]);
        let mut found = Found::default();
        for grid in image.detect_grids() {
            match grid.decode() {
                Ok((_, text)) => found.texts.push(text),
                Err(_) => match resample::decode(grey, &grid.bounds, grid.grid.size()) {
                    Some(text) => found.texts.push(text),
                    None => {
                        let around = around(&grid.bounds, pass);
                        found.unread = Some(found.unread.map_or(around, |seen| seen.union(around)));
                    }
                },
            }
        }
        found
    }
}

/// The window of the frame around a code whose corners are `bounds` in `pass`'s pixels: a
/// sixth of the code's width more on every side, for its quiet zone and the light around it.
fn around(bounds: &[rqrr::Point; 4], pass: Pass) -> Window {
    let xs = bounds.map(|p| p.x.max(0) as usize);
    let ys = bounds.map(|p| p.y.max(0) as usize);
    let (left, right) = (xs.iter().min().copied().unwrap_or(0), xs.iter().max().copied().unwrap_or(0));
    let (top, bottom) = (ys.iter().min().copied().unwrap_or(0), ys.iter().max().copied().unwrap_or(0));
    let margin = (right - left).max(bottom - top) / 6 + 2;
    let Window { x, y, width, height } = pass.window;
    let left = x + left.saturating_sub(margin) * pass.step;
    let top = y + top.saturating_sub(margin) * pass.step;
    let right = (x + (right + margin) * pass.step).min(x + width);
    let bottom = (y + (bottom + margin) * pass.step).min(y + height);
    Window { x: left, y: top, width: right.saturating_sub(left), height: bottom.saturating_sub(top) }
}

/// A frame that fits one pass is searched whole. A larger one is searched first in its middle
/// quarter (half its width and height) and then whole, each shrunk only as far as the pass
/// requires: the middle gets about twice the detail of the whole.
fn passes(width: usize, height: usize) -> [Option<Pass>; 2] {
    if width == 0 || height == 0 {
        return [None, None];
    }
    let whole = Pass { window: Window { x: 0, y: 0, width, height }, step: step_for(width, height) };
    if whole.step == 1 {
        return [Some(whole), None];
    }
    let (half_width, half_height) = (width / 2, height / 2);
    let middle =
        Window { x: (width - half_width) / 2, y: (height - half_height) / 2, width: half_width, height: half_height };
    [Some(Pass { window: middle, step: step_for(half_width, half_height) }), Some(whole)]
}

/// The least shrinking that brings `width`×`height` within one pass.
fn step_for(width: usize, height: usize) -> usize {
    (1..).find(|step| (width / step) * (height / step) <= PASS_PIXELS).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vga_frame_is_searched_whole_in_one_pass() {
        let whole = Window { x: 0, y: 0, width: 640, height: 480 };
        assert_eq!(passes(640, 480), [Some(Pass { window: whole, step: 1 }), None]);
    }

    #[test]
    fn a_720p_frame_is_searched_in_its_middle_at_full_detail_then_whole_at_half_size() {
        let [middle, whole] = passes(1280, 720);
        assert_eq!(middle, Some(Pass { window: Window { x: 320, y: 180, width: 640, height: 360 }, step: 1 }));
        assert_eq!(whole, Some(Pass { window: Window { x: 0, y: 0, width: 1280, height: 720 }, step: 2 }));
    }

    #[test]
    fn a_1080p_frame_is_shrunk_so_that_each_pass_stays_within_its_budget() {
        let [Some(middle), Some(whole)] = passes(1920, 1080) else { panic!("two passes") };
        assert_eq!((middle.step, whole.step), (2, 3));
    }

    #[test]
    fn a_code_located_in_a_shrunk_pass_is_looked_at_again_around_it_in_frame_pixels() {
        // Corners at (100, 50) … (160, 110) in a pass over (40, 20) shrunk twice: the code covers
        // (240, 120) … (360, 240) of the frame; a sixth of its width more (+2) on each side.
        let pass = Pass { window: Window { x: 40, y: 20, width: 600, height: 400 }, step: 2 };
        let corners = [(100, 50), (160, 50), (160, 110), (100, 110)].map(|(x, y)| rqrr::Point { x, y });
        assert_eq!(around(&corners, pass), Window { x: 216, y: 96, width: 168, height: 168 });
    }

    #[test]
    fn the_window_around_a_code_at_the_edge_stays_inside_the_pass() {
        let pass = Pass { window: Window { x: 0, y: 0, width: 320, height: 240 }, step: 1 };
        let corners = [(-3, -2), (60, -2), (60, 61), (-3, 61)].map(|(x, y)| rqrr::Point { x, y });
        assert_eq!(around(&corners, pass), Window { x: 0, y: 0, width: 72, height: 73 });
    }

    #[test]
    fn an_empty_frame_is_not_searched() {
        assert_eq!(passes(0, 480), [None, None]);
        assert_eq!(FrameReader::new().read(&[], 0, 0), Err(NoRead::NothingFound));
    }

    #[test]
    fn a_frame_whose_bytes_do_not_match_its_size_is_refused() {
        let error = FrameReader::new().read(&[0; 10], 2, 2).expect_err("16 bytes expected");
        assert_eq!(error, NoRead::WrongSize { width: 2, height: 2, expected: 16, found: 10 });
    }
}
