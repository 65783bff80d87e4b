//! Reading QR codes from camera frames. The operator's scanner draws each frame to a canvas and
//! hands its RGBA pixels (`ImageData`) here, in the browser (WASM) as natively: no `ssr` needed.
//!
//! A frame is turned grey and searched whole at reduced size first, where a code held up to the
//! camera is found and usually read; a code found there but not read is looked at again around
//! it at full detail. Only a frame where nothing was found gets the detailed passes: first the
//! middle quarter of a large frame at twice the detail (operators hold the code in the middle,
//! and a small code there needs the detail), then the whole frame. Each pixel is judged dark or
//! light against the pixels around it (`threshold`), which copes with glare and dim light; rqrr
//! (patched: `vendor/rqrr`) then finds and decodes the codes, with a second look of our own where
//! it finds a code but misplaces its grid.
mod grey;
mod reader;
mod resample;
mod threshold;

#[cfg(test)]
mod synth;
#[cfg(test)]
mod tests;

pub use reader::{FrameReader, NoRead};
