//! How long the scanner's decoder takes per camera frame, with and without a code in view.
//! `cargo run --release --example decode_bench` (natively; a phone's WASM is several times slower).
use gatehouse::scanning::FrameReader;
use std::time::{Duration, Instant};

#[allow(dead_code)]
#[path = "../src/scanning/synth.rs"]
mod synth;

use synth::{code, Placement, Scene};

const PAYLOAD: &str = "GH1:M9S346Q3D25VT4F5V37E3S3E28JT97KB6CQ643DZVMXXQKFBF5KZNWJ47TAN9ZT24MNPZX45HY43KWJRP1XPA7Z3DJ8FSSZ5AWSH8VHTPRE95B9EE0ZB";
const FRAMES: usize = 200;

fn main() {
    println!("{:>9}  {:<28}  {:>8}  {:>8}  {:>8}", "frame", "content", "median", "p90", "max");
    for (width, height) in [(640, 480), (1280, 720)] {
        let mut empty = Scene::new(width, height);
        empty.clutter(60, 3);
        empty.noise(8.0, 5);
        let mut held = Scene::new(width, height);
        held.place(&code(PAYLOAD), Placement::centred(width, height, height as f32 * 0.6).turned(12.0));
        held.noise(8.0, 5);
        let mut aside = Scene::new(width, height);
        let at = Placement::centred(width, height, height as f32 * 0.45).at(width as f32 * 0.25, height as f32 * 0.3);
        aside.place(&code(PAYLOAD), at);
        aside.noise(8.0, 5);
        for (what, scene, expect_code) in
            [("no code", &empty, false), ("code in the middle", &held, true), ("code near a corner", &aside, true)]
        {
            let times = measure(scene, expect_code);
            let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
            println!(
                "{:>9}  {:<28}  {:>8}  {:>8}  {:>8}",
                format!("{width}×{height}"),
                what,
                ms(times[times.len() / 2]),
                ms(times[times.len() * 9 / 10]),
                ms(times[times.len() - 1])
            );
        }
    }
}

/// Per-frame times, sorted, over `FRAMES` reads of the same frame by one reader.
fn measure(scene: &Scene, expect_code: bool) -> Vec<Duration> {
    let rgba = scene.rgba();
    let mut reader = FrameReader::new();
    let mut times: Vec<Duration> = (0..FRAMES)
        .map(|_| {
            let start = Instant::now();
            let result = reader.read(&rgba, scene.width as u32, scene.height as u32);
            let elapsed = start.elapsed();
            assert_eq!(result.is_ok(), expect_code, "{result:?}");
            elapsed
        })
        .collect();
    times.sort();
    times
}
