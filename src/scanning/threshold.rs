//! Black and white from grey: a pixel is dark when it is darker than the pixels around it, so a
//! reflection over half the code or a dim room moves the threshold with the light. The mean of
//! the square around each pixel comes from a summed-area table, so its size costs nothing.
use super::grey::Grey;

/// Dark means at most 95 % of the surrounding mean (as rqrr's own thresholding): below that,
/// paper in shadow and sensor noise would turn dark too.
const DARK_PERCENT: u32 = 95;

/// The pixels judged dark, and the table they were judged with; both kept between frames.
#[derive(Debug, Default)]
pub(super) struct Threshold {
    sums: Vec<u32>,
    pub dark: Vec<bool>,
}

impl Threshold {
    pub fn apply(&mut self, grey: &Grey) {
        let (width, height) = (grey.width, grey.height);
        let stride = width + 1;
        // sums[y * stride + x] holds the sum of the pixels above and left of (x, y).
        self.sums.clear();
        self.sums.resize(stride * (height + 1), 0);
        for (y, row) in grey.pixels.chunks_exact(width.max(1)).enumerate().take(height) {
            let mut across = 0;
            for (x, &pixel) in row.iter().enumerate() {
                across += u32::from(pixel);
                self.sums[(y + 1) * stride + x + 1] = self.sums[y * stride + x + 1] + across;
            }
        }
        // About a sixteenth of the picture either side: several modules of even a large code.
        let reach = (width.max(height) / 16).max(8);
        self.dark.clear();
        self.dark.reserve(width * height);
        for y in 0..height {
            let (top, bottom) = (y.saturating_sub(reach), (y + reach + 1).min(height));
            for x in 0..width {
                let (left, right) = (x.saturating_sub(reach), (x + reach + 1).min(width));
                let sum = self.sums[bottom * stride + right] + self.sums[top * stride + left]
                    - self.sums[top * stride + right]
                    - self.sums[bottom * stride + left];
                let count = ((right - left) * (bottom - top)) as u32;
                let pixel = u32::from(grey.pixels[y * width + x]);
                self.dark.push(pixel * count * 100 < sum * DARK_PERCENT);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ink_is_dark_and_paper_stays_light_under_a_strong_gradient() {
        // Paper brightening from 60 to 250 left to right, with an ink square (a third as bright)
        // in the bright half.
        let (width, height) = (200, 100);
        let paper = |x: usize| 60 + (190 * x / width) as u8;
        let ink = |x: usize, y: usize| (130..150).contains(&x) && (40..60).contains(&y);
        let pixels = (0..width * height)
            .map(|i| if ink(i % width, i / width) { paper(i % width) / 3 } else { paper(i % width) })
            .collect();
        let mut threshold = Threshold::default();
        threshold.apply(&Grey::new(width, height, pixels));
        // Within `reach` of the left edge the square is cut off on its dark side and paper there
        // may tip to dark; nothing is read at the very edge of a frame anyway.
        let reach = 12;
        let wrong: Vec<(usize, usize)> = (0..width * height)
            .map(|i| (i % width, i / width))
            .filter(|&(x, y)| x >= reach && threshold.dark[y * width + x] != ink(x, y))
            .collect();
        assert_eq!(wrong, []);
    }
}
