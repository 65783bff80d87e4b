//! A second look at a code rqrr located but could not decode. On a version 1 code (21 modules,
//! a bare ticket code) rqrr places the bottom-right corner by extending the edges of two corner
//! squares, and a little blur rounds those squares enough to skew the whole grid. Here the grid
//! is completed as a parallelogram from the three reliable corners instead, and each module read
//! from the grey pixels against its neighbourhood.
use super::grey::Grey;
use rqrr::{BitGrid, Point};

/// The modules of one code, dark or light.
struct Modules {
    size: usize,
    dark: Vec<bool>,
}

impl BitGrid for Modules {
    fn size(&self) -> usize {
        self.size
    }

    fn bit(&self, y: usize, x: usize) -> bool {
        self.dark[y * self.size + x]
    }
}

/// Modules either side taken into account when judging one: enough to hold light and dark.
const NEIGHBOURHOOD: usize = 3;

/// The skewed grid also stretches the top and left edges a few percent: each is tried this much
/// longer or shorter.
const STRETCHES: [f32; 5] = [1.0, 0.98, 1.02, 0.96, 1.04];

/// The text of the code at `bounds`, read from `grey` with its edges stretched in turn.
pub(super) fn decode(grey: &Grey, bounds: &[Point; 4], size: usize) -> Option<String> {
    STRETCHES
        .iter()
        .flat_map(|&across| STRETCHES.iter().map(move |&down| (across, down)))
        .find_map(|stretch| rqrr::Grid::new(resample(grey, bounds, size, stretch)).decode().ok().map(|(_, text)| text))
}

/// `bounds` as rqrr reports them: top left, top right, bottom right, bottom left, with the right
/// and bottom ones one module past the code (rqrr maps `size + 1`).
fn resample(grey: &Grey, bounds: &[Point; 4], size: usize, stretch: (f32, f32)) -> Modules {
    let [top_left, top_right, _, bottom_left] = bounds.map(|p| (p.x as f32, p.y as f32));
    let (span_across, span_down) = ((size + 1) as f32 * stretch.0, (size + 1) as f32 * stretch.1);
    let across = ((top_right.0 - top_left.0) / span_across, (top_right.1 - top_left.1) / span_across);
    let down = ((bottom_left.0 - top_left.0) / span_down, (bottom_left.1 - top_left.1) / span_down);
    let levels: Vec<f32> = (0..size * size)
        .map(|i| {
            let (u, v) = ((i % size) as f32 + 0.5, (i / size) as f32 + 0.5);
            grey.at(top_left.0 + across.0 * u + down.0 * v, top_left.1 + across.1 * u + down.1 * v)
        })
        .collect();
    let dark = (0..size * size)
        .map(|i| {
            let (x, y) = (i % size, i / size);
            let rows = y.saturating_sub(NEIGHBOURHOOD)..(y + NEIGHBOURHOOD + 1).min(size);
            let columns = x.saturating_sub(NEIGHBOURHOOD)..(x + NEIGHBOURHOOD + 1).min(size);
            let (low, high) = rows
                .flat_map(|row| levels[row * size + columns.start..row * size + columns.end].iter())
                .fold((f32::MAX, f32::MIN), |(low, high), &level| (low.min(level), high.max(level)));
            levels[i] < (low + high) / 2.0
        })
        .collect();
    Modules { size, dark }
}

impl Grey {
    /// The grey level at a point between pixel centres, interpolated; edges extend outwards.
    fn at(&self, x: f32, y: f32) -> f32 {
        let (x, y) = ((x - 0.5).max(0.0), (y - 0.5).max(0.0));
        let (x0, y0) = ((x as usize).min(self.width - 1), (y as usize).min(self.height - 1));
        let (x1, y1) = ((x0 + 1).min(self.width - 1), (y0 + 1).min(self.height - 1));
        let (fx, fy) = ((x - x0 as f32).min(1.0), (y - y0 as f32).min(1.0));
        let pixel = |x: usize, y: usize| f32::from(self.pixels[y * self.width + x]);
        let top = pixel(x0, y0) * (1.0 - fx) + pixel(x1, y0) * fx;
        let bottom = pixel(x0, y1) * (1.0 - fx) + pixel(x1, y1) * fx;
        top * (1.0 - fy) + bottom * fy
    }
}
