//! Camera frames made up for tests and the benchmark: a QR code printed on a background, placed
//! at any size, turn and tilt, then blurred, lit, glared and given sensor noise.
//! Self-contained (std and qrcode only) so that `examples/decode_bench.rs` can include it.
use qrcode::{Color, EcLevel, QrCode};

/// Modules of light margin the QR standard asks for around a code.
const QUIET: usize = 4;

/// A QR code as printed: its modules with the quiet zone, and the grey of ink and paper.
pub struct Code {
    side: usize,
    dark: Vec<bool>,
    pub ink: f32,
    pub paper: f32,
}

/// The code of `text` at the error correction tickets use (M), black on white.
pub fn code(text: &str) -> Code {
    let qr = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).expect("text fits a QR code");
    let (modules, colors) = (qr.width(), qr.to_colors());
    let side = modules + 2 * QUIET;
    let dark = (0..side * side)
        .map(|i| {
            let (x, y) = ((i % side).wrapping_sub(QUIET), (i / side).wrapping_sub(QUIET));
            x < modules && y < modules && colors[y * modules + x] == Color::Dark
        })
        .collect();
    Code { side, dark, ink: 20.0, paper: 235.0 }
}

impl Code {
    /// Modules across, the quiet zone included.
    pub fn side(&self) -> usize {
        self.side
    }

    /// The same code printed with other greys (low contrast, a dim screen).
    pub fn printed(self, ink: f32, paper: f32) -> Code {
        Code { ink, paper, ..self }
    }
}

/// Where a code lies in the frame: its centre, its side (quiet zone included) in pixels, how far
/// it is turned, and how much narrower its top edge looks than its bottom (seen at an angle).
#[derive(Clone, Copy, Debug)]
pub struct Placement {
    pub centre: (f32, f32),
    pub side: f32,
    pub turn_degrees: f32,
    pub tilt: f32,
}

/// A grey picture the size of a camera frame.
pub struct Scene {
    pub width: usize,
    pub height: usize,
    grey: Vec<f32>,
}

impl Scene {
    /// A table top lit from one side: a gentle gradient, nothing sharp.
    pub fn new(width: usize, height: usize) -> Scene {
        let grey = (0..width * height).map(|i| 110.0 + 70.0 * (i % width) as f32 / width as f32).collect();
        Scene { width, height, grey }
    }

    /// Draws the code where `at` says, sampling a raster of it bilinearly as a camera would.
    pub fn place(&mut self, code: &Code, at: Placement) {
        let scale = (at.side / code.side as f32).ceil().max(2.0) as usize;
        let raster_side = code.side * scale;
        let raster = |x: usize, y: usize| {
            if code.dark[(y / scale) * code.side + x / scale] {
                code.ink
            } else {
                code.paper
            }
        };
        let corners = at.corners();
        let to_frame = Homography::square_to(corners);
        let to_square = to_frame.inverse();
        let (left, top, right, bottom) = bounds(&corners, self.width, self.height);
        for y in top..bottom {
            for x in left..right {
                let (u, v) = to_square.map(x as f32 + 0.5, y as f32 + 0.5);
                if !(0.0..1.0).contains(&u) || !(0.0..1.0).contains(&v) {
                    continue;
                }
                let (sx, sy) = (u * raster_side as f32 - 0.5, v * raster_side as f32 - 0.5);
                self.grey[y * self.width + x] = bilinear(raster_side, sx, sy, raster);
            }
        }
    }

    /// Dark blocks like print and objects on the table: something to search that is no code.
    pub fn clutter(&mut self, count: usize, seed: u64) {
        let mut random = Random(seed | 1);
        for _ in 0..count {
            let (w, h) = (4 + random.below(self.width / 6), 4 + random.below(self.height / 6));
            let (x0, y0) = (random.below(self.width - w), random.below(self.height - h));
            let level = random.below(100) as f32;
            for y in y0..y0 + h {
                self.grey[y * self.width + x0..y * self.width + x0 + w].fill(level);
            }
        }
    }

    /// Out of focus: a box blur of `radius` pixels, three times over (close to a Gaussian).
    pub fn blur(&mut self, radius: usize) {
        for _ in 0..3 {
            self.grey = box_blur(&self.grey, self.width, self.height, radius, 1);
            self.grey = box_blur(&self.grey, self.width, self.height, radius, self.width);
        }
    }

    /// Sensor noise: each pixel moved by up to `amplitude` either way.
    pub fn noise(&mut self, amplitude: f32, seed: u64) {
        let mut random = Random(seed | 1);
        for value in &mut self.grey {
            *value += amplitude * (random.unit() * 2.0 - 1.0);
        }
    }

    /// All light scaled by `factor`: below 1 a dim room.
    pub fn light(&mut self, factor: f32) {
        self.grey.iter_mut().for_each(|value| *value *= factor);
    }

    /// A reflection: brightness pulled towards white by up to `strength` (0–1), strongest at
    /// `centre` and fading out over `radius` pixels.
    pub fn glare(&mut self, centre: (f32, f32), radius: f32, strength: f32) {
        for y in 0..self.height {
            for x in 0..self.width {
                let distance = ((x as f32 - centre.0).powi(2) + (y as f32 - centre.1).powi(2)).sqrt();
                let weight = strength * (1.0 - distance / radius).max(0.0);
                let value = &mut self.grey[y * self.width + x];
                *value += (255.0 - *value) * weight;
            }
        }
    }

    /// The frame as a canvas's `ImageData` holds it, faintly warm like indoor light.
    pub fn rgba(&self) -> Vec<u8> {
        let clamp = |v: f32| v.round().clamp(0.0, 255.0) as u8;
        self.grey.iter().flat_map(|&v| [clamp(v * 1.04), clamp(v), clamp(v * 0.9), 255]).collect()
    }
}

impl Placement {
    /// Upright, `side` pixels across, at the frame's centre.
    pub fn centred(width: usize, height: usize, side: f32) -> Placement {
        Placement { centre: (width as f32 / 2.0, height as f32 / 2.0), side, turn_degrees: 0.0, tilt: 0.0 }
    }

    pub fn turned(self, degrees: f32) -> Placement {
        Placement { turn_degrees: degrees, ..self }
    }

    pub fn tilted(self, tilt: f32) -> Placement {
        Placement { tilt, ..self }
    }

    pub fn at(self, x: f32, y: f32) -> Placement {
        Placement { centre: (x, y), ..self }
    }

    /// Top left, top right, bottom right, bottom left.
    fn corners(&self) -> [(f32, f32); 4] {
        let half = self.side / 2.0;
        let top = half * (1.0 - self.tilt);
        let (sin, cos) = self.turn_degrees.to_radians().sin_cos();
        [(-top, -half), (top, -half), (half, half), (-half, half)]
            .map(|(x, y)| (self.centre.0 + x * cos - y * sin, self.centre.1 + x * sin + y * cos))
    }
}

/// The pixels a quadrilateral may cover, inside the frame.
fn bounds(corners: &[(f32, f32); 4], width: usize, height: usize) -> (usize, usize, usize, usize) {
    let xs = corners.map(|c| c.0);
    let ys = corners.map(|c| c.1);
    let low = |v: [f32; 4]| v.into_iter().fold(f32::MAX, f32::min).floor().max(0.0) as usize;
    let high = |v: [f32; 4], limit: usize| (v.into_iter().fold(f32::MIN, f32::max).ceil().max(0.0) as usize).min(limit);
    (low(xs), low(ys), high(xs, width), high(ys, height))
}

fn bilinear(side: usize, x: f32, y: f32, at: impl Fn(usize, usize) -> f32) -> f32 {
    let clamp = |v: f32| (v.max(0.0) as usize).min(side - 1);
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let (xa, xb, ya, yb) = (clamp(x0), clamp(x0 + 1.0), clamp(y0), clamp(y0 + 1.0));
    let top = at(xa, ya) * (1.0 - fx) + at(xb, ya) * fx;
    let bottom = at(xa, yb) * (1.0 - fx) + at(xb, yb) * fx;
    top * (1.0 - fy) + bottom * fy
}

/// A moving average along rows (`stride` 1) or columns (`stride` = width), edges clamped.
fn box_blur(grey: &[f32], width: usize, height: usize, radius: usize, stride: usize) -> Vec<f32> {
    let (lines, length, line_stride) = if stride == 1 { (height, width, width) } else { (width, height, 1) };
    let mut out = vec![0.0; grey.len()];
    for line in 0..lines {
        let at = |i: isize| grey[line * line_stride + (i.clamp(0, length as isize - 1) as usize) * stride];
        let r = radius as isize;
        let mut sum: f32 = (-r..=r).map(at).sum();
        for i in 0..length as isize {
            out[line * line_stride + i as usize * stride] = sum / (2 * r + 1) as f32;
            sum += at(i + r + 1) - at(i - r);
        }
    }
    out
}

/// A projective map from the unit square to a quadrilateral (Heckbert, "Fundamentals of Texture
/// Mapping", 1989), as a 3×3 matrix acting on (u, v, 1).
struct Homography([[f32; 3]; 3]);

impl Homography {
    fn square_to([(x0, y0), (x1, y1), (x2, y2), (x3, y3)]: [(f32, f32); 4]) -> Homography {
        let (sx, sy) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
        let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
        let det = dx1 * dy2 - dx2 * dy1;
        let g = (sx * dy2 - dx2 * sy) / det;
        let h = (dx1 * sy - sx * dy1) / det;
        Homography([[x1 - x0 + g * x1, x3 - x0 + h * x3, x0], [y1 - y0 + g * y1, y3 - y0 + h * y3, y0], [g, h, 1.0]])
    }

    /// The inverse up to scale (the adjugate), which is all a projective map needs.
    fn inverse(&self) -> Homography {
        let m = &self.0;
        let cofactor = |r0: usize, r1: usize, c0: usize, c1: usize| m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
        Homography([
            [cofactor(1, 2, 1, 2), -cofactor(0, 2, 1, 2), cofactor(0, 1, 1, 2)],
            [-cofactor(1, 2, 0, 2), cofactor(0, 2, 0, 2), -cofactor(0, 1, 0, 2)],
            [cofactor(1, 2, 0, 1), -cofactor(0, 2, 0, 1), cofactor(0, 1, 0, 1)],
        ])
    }

    fn map(&self, x: f32, y: f32) -> (f32, f32) {
        let m = &self.0;
        let w = m[2][0] * x + m[2][1] * y + m[2][2];
        ((m[0][0] * x + m[0][1] * y + m[0][2]) / w, (m[1][0] * x + m[1][1] * y + m[1][2]) / w)
    }
}

/// xorshift64: the same noise on every run, without a dependency.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}
