//! A greyscale picture to draw the card on, written out as a PNG.

/// 0 is black, 255 white; one byte a pixel.
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    pixels: Vec<u8>,
}

impl Canvas {
    pub fn white(width: u32, height: u32) -> Canvas {
        Canvas { width, height, pixels: vec![255; width as usize * height as usize] }
    }

    /// Lays `ink` over the pixel with `coverage` (0–1), as text's anti-aliased edges need.
    /// Points outside the picture are dropped, so a glyph cut off is drawn in part, not wrapped.
    pub fn blend(&mut self, x: i64, y: i64, ink: u8, coverage: f32) {
        if x < 0 || y < 0 || x >= self.width as i64 || y >= self.height as i64 {
            return;
        }
        let pixel = &mut self.pixels[y as usize * self.width as usize + x as usize];
        let coverage = coverage.clamp(0.0, 1.0);
        *pixel = (*pixel as f32 * (1.0 - coverage) + ink as f32 * coverage).round() as u8;
    }

    pub fn fill(&mut self, x: u32, y: u32, width: u32, height: u32, ink: u8) {
        for row in y..(y + height).min(self.height) {
            let start = row as usize * self.width as usize;
            let line = &mut self.pixels[start..start + self.width as usize];
            for pixel in &mut line[x.min(self.width) as usize..(x + width).min(self.width) as usize] {
                *pixel = ink;
            }
        }
    }

    pub fn png(&self) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().ok()?;
        writer.write_image_data(&self.pixels).ok()?;
        writer.finish().ok()?;
        Some(out)
    }
}
