//! A window of an RGBA frame as one grey byte a pixel, each the average of a square block of the
//! frame's pixels: shrinking by whole blocks costs one pass and smooths sensor noise on the way.

/// A rectangle of the frame, in frame pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Window {
    pub x: usize,
    pub y: usize,
    pub width: usize,
    pub height: usize,
}

impl Window {
    /// The smallest window holding both.
    pub fn union(self, other: Window) -> Window {
        let (x, y) = (self.x.min(other.x), self.y.min(other.y));
        let right = (self.x + self.width).max(other.x + other.width);
        let bottom = (self.y + self.height).max(other.y + other.height);
        Window { x, y, width: right - x, height: bottom - y }
    }
}

/// Grey pixels, row by row. The buffers are kept between frames: a scanner reads many a second.
#[derive(Debug, Default)]
pub(super) struct Grey {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
    sums: Vec<u32>,
}

/// Luma weights (ITU-R BT.601) in 1/256ths: they add up to 256.
const RED: u32 = 77;
const GREEN: u32 = 150;
const BLUE: u32 = 29;

impl Grey {
    #[cfg(test)]
    pub fn new(width: usize, height: usize, pixels: Vec<u8>) -> Grey {
        Grey { width, height, pixels, sums: Vec::new() }
    }

    /// Fills `self` with `window` of the frame shrunk `step` times; the window's last
    /// `width % step` columns and `height % step` rows are left out. The window must lie inside
    /// the frame, whose `rgba` holds `frame_width` pixels a row.
    pub fn sample(&mut self, rgba: &[u8], frame_width: usize, window: Window, step: usize) {
        let (width, height) = (window.width / step, window.height / step);
        self.width = width;
        self.height = height;
        self.pixels.clear();
        self.pixels.reserve(width * height);
        let rows = |y: usize| {
            let start = (y * frame_width + window.x) * 4;
            &rgba[start..start + width * step * 4]
        };
        if step == 1 {
            for y in window.y..window.y + height {
                self.pixels.extend(rows(y).chunks_exact(4).map(|pixel| (luma(pixel) >> 8) as u8));
            }
            return;
        }
        // Dividing by a multiplication: (sum * 2³² / divisor) / 2³².
        let reciprocal = (1u64 << 32) / (step * step * 256) as u64;
        self.sums.clear();
        self.sums.resize(width, 0);
        for out_y in 0..height {
            self.sums.fill(0);
            for y in window.y + out_y * step..window.y + (out_y + 1) * step {
                for (sum, block) in self.sums.iter_mut().zip(rows(y).chunks_exact(step * 4)) {
                    *sum += block.chunks_exact(4).map(luma).sum::<u32>();
                }
            }
            self.pixels.extend(self.sums.iter().map(|&sum| ((u64::from(sum) * reciprocal) >> 32) as u8));
        }
    }
}

/// A pixel's luma in 1/256ths.
fn luma(pixel: &[u8]) -> u32 {
    RED * u32::from(pixel[0]) + GREEN * u32::from(pixel[1]) + BLUE * u32::from(pixel[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(width: usize, height: usize, pixel: impl Fn(usize, usize) -> [u8; 4]) -> Vec<u8> {
        let pixel = &pixel;
        (0..height).flat_map(|y| (0..width).flat_map(move |x| pixel(x, y))).collect()
    }

    #[test]
    fn grey_pixels_keep_their_level_and_colours_weigh_as_the_eye_sees_them() {
        let rgba = frame(3, 1, |x, _| [[200, 200, 200, 255], [255, 0, 0, 255], [0, 255, 0, 255]][x]);
        let mut grey = Grey::default();
        grey.sample(&rgba, 3, Window { x: 0, y: 0, width: 3, height: 1 }, 1);
        assert_eq!(grey.pixels, [200, 76, 149]);
    }

    #[test]
    fn a_shrunk_window_averages_each_block_and_drops_the_ragged_edge() {
        // Columns alternate 0 and 200; the window starts at (1, 1) and is 5 × 3.
        let rgba = frame(8, 6, |x, y| if y == 0 || x == 0 { [9, 9, 9, 255] } else { [(x % 2 * 200) as u8; 4] });
        let mut grey = Grey::default();
        grey.sample(&rgba, 8, Window { x: 1, y: 1, width: 5, height: 3 }, 2);
        assert_eq!((grey.width, grey.height), (2, 1));
        assert_eq!(grey.pixels, [100, 100]);
    }

    #[test]
    fn the_buffers_are_reused_from_one_frame_to_the_next() {
        let mut grey = Grey::default();
        let big = frame(64, 64, |_, _| [50; 4]);
        grey.sample(&big, 64, Window { x: 0, y: 0, width: 64, height: 64 }, 1);
        let capacity = grey.pixels.capacity();
        grey.sample(&big, 64, Window { x: 0, y: 0, width: 64, height: 64 }, 2);
        assert_eq!((grey.pixels.len(), grey.pixels.capacity()), (32 * 32, capacity));
    }
}
