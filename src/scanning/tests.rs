//! Reading made-up camera frames: the sizes, turns, tilts, blur, noise, glare and light a phone
//! at the door meets.
use super::synth::{code, Code, Placement, Scene};
use super::{FrameReader, NoRead};

/// A signed ticket payload's length and alphabet (upper-case alphanumeric keeps the code small).
const PAYLOAD: &str = "GH1:M9S346Q3D25VT4F5V37E3S3E28JT97KB6CQ643DZVMXXQKFBF5KZNWJ47TAN9ZT24MNPZX45HY43KWJRP1XPA7Z3DJ8FSSZ5AWSH8VHTPRE95B9EE0ZB";
/// A bare ticket code.
const BARE: &str = "7K3Q9XM2D8";

fn read(scene: &Scene) -> Result<Vec<String>, NoRead> {
    FrameReader::new().read(&scene.rgba(), scene.width as u32, scene.height as u32)
}

fn assert_reads(scene: &Scene, text: &str) {
    assert_eq!(read(scene), Ok(vec![text.to_string()]));
}

/// A `width`×`height` frame with `code` drawn at `at`.
fn frame(width: usize, height: usize, code: &Code, at: Placement) -> Scene {
    let mut scene = Scene::new(width, height);
    scene.place(code, at);
    scene
}

#[test]
fn the_payload_fills_most_of_a_vga_frame_and_is_read() {
    assert_reads(&frame(640, 480, &code(PAYLOAD), Placement::centred(640, 480, 420.0)), PAYLOAD);
}

#[test]
fn a_small_code_in_the_middle_of_a_720p_frame_is_read_at_full_detail() {
    // About 3.3 pixels a module: half size would leave too few.
    let payload = code(PAYLOAD);
    let side = 3.3 * payload.side() as f32;
    assert_reads(&frame(1280, 720, &payload, Placement::centred(1280, 720, side)), PAYLOAD);
}

#[test]
fn a_small_code_near_the_corner_of_a_vga_frame_is_read_though_the_coarse_pass_misses_it() {
    // About 4 pixels a module: 2 in the coarse pass, too few there.
    let payload = code(PAYLOAD);
    let side = 4.0 * payload.side() as f32;
    let at = Placement::centred(640, 480, side).at(side / 2.0 + 10.0, side / 2.0 + 10.0);
    assert_reads(&frame(640, 480, &payload, at), PAYLOAD);
}

#[test]
fn a_code_filling_a_720p_frame_is_read() {
    assert_reads(&frame(1280, 720, &code(PAYLOAD), Placement::centred(1280, 720, 700.0)), PAYLOAD);
}

#[test]
fn a_code_away_from_the_middle_of_a_720p_frame_is_read() {
    let at = Placement::centred(1280, 720, 330.0).at(220.0, 200.0);
    assert_reads(&frame(1280, 720, &code(PAYLOAD), at), PAYLOAD);
}

#[test]
fn a_code_turned_a_quarter_a_half_or_three_quarters_is_read() {
    for degrees in [90.0, 180.0, 270.0] {
        let at = Placement::centred(640, 480, 320.0).turned(degrees);
        assert_eq!(read(&frame(640, 480, &code(PAYLOAD), at)), Ok(vec![PAYLOAD.to_string()]), "{degrees}°");
    }
}

#[test]
fn a_code_held_askew_is_read() {
    for degrees in [17.0, 33.0, -45.0] {
        let at = Placement::centred(640, 480, 320.0).turned(degrees);
        assert_eq!(read(&frame(640, 480, &code(PAYLOAD), at)), Ok(vec![PAYLOAD.to_string()]), "{degrees}°");
    }
}

#[test]
fn a_code_seen_at_an_angle_is_read() {
    let at = Placement::centred(640, 480, 340.0).tilted(0.25).turned(12.0);
    assert_reads(&frame(640, 480, &code(PAYLOAD), at), PAYLOAD);
}

#[test]
fn a_code_slightly_out_of_focus_is_read() {
    let mut scene = frame(640, 480, &code(PAYLOAD), Placement::centred(640, 480, 340.0));
    scene.blur(2);
    assert_reads(&scene, PAYLOAD);
}

#[test]
fn a_code_in_a_noisy_picture_is_read() {
    let mut scene = frame(1280, 720, &code(PAYLOAD), Placement::centred(1280, 720, 400.0).turned(8.0));
    scene.noise(45.0, 7);
    assert_reads(&scene, PAYLOAD);
}

#[test]
fn a_code_under_a_reflection_is_read() {
    let mut scene = frame(640, 480, &code(PAYLOAD), Placement::centred(640, 480, 340.0));
    scene.glare((380.0, 180.0), 220.0, 0.8);
    assert_reads(&scene, PAYLOAD);
}

#[test]
fn a_faint_code_in_a_dim_room_is_read() {
    let faint = code(PAYLOAD).printed(95.0, 140.0);
    let mut scene = frame(1280, 720, &faint, Placement::centred(1280, 720, 420.0).turned(-6.0));
    scene.light(0.35);
    scene.noise(4.0, 11);
    assert_reads(&scene, PAYLOAD);
}

#[test]
fn a_small_bare_ticket_code_held_askew_is_read() {
    let bare = code(BARE);
    let side = 3.0 * bare.side() as f32;
    assert_reads(&frame(1280, 720, &bare, Placement::centred(1280, 720, side).turned(21.0)), BARE);
}

#[test]
fn a_blurred_bare_ticket_code_is_read_though_rqrr_alone_misplaces_its_grid() {
    // rqrr answers DataEcc here: the blur rounds the corner squares it extends to find the
    // fourth corner of a version 1 code (see `resample`).
    for (pixels_a_module, degrees) in [(6.0, 0.0), (5.0, 21.0)] {
        let bare = code(BARE);
        let at = Placement::centred(1280, 720, pixels_a_module * bare.side() as f32).turned(degrees);
        let mut scene = frame(1280, 720, &bare, at);
        scene.blur(1);
        assert_eq!(read(&scene), Ok(vec![BARE.to_string()]), "{pixels_a_module} pixels a module, {degrees}°");
    }
}

#[test]
fn two_codes_in_view_are_both_read() {
    let mut scene = frame(640, 480, &code(PAYLOAD), Placement::centred(640, 480, 300.0).at(170.0, 240.0));
    scene.place(&code(BARE), Placement::centred(640, 480, 200.0).at(500.0, 240.0));
    let mut texts = read(&scene).expect("both read");
    texts.sort();
    assert_eq!(texts, [BARE, PAYLOAD]);
}

#[test]
fn a_frame_without_a_code_reads_nothing() {
    let mut scene = Scene::new(1280, 720);
    scene.clutter(80, 3);
    scene.noise(10.0, 5);
    assert_eq!(read(&scene), Err(NoRead::NothingFound));
}

#[test]
fn one_reader_reads_frame_after_frame() {
    let mut reader = FrameReader::new();
    let with_code = frame(1280, 720, &code(BARE), Placement::centred(1280, 720, 300.0)).rgba();
    let without = Scene::new(1280, 720).rgba();
    for _ in 0..2 {
        assert_eq!(reader.read(&with_code, 1280, 720), Ok(vec![BARE.to_string()]));
        assert_eq!(reader.read(&without, 1280, 720), Err(NoRead::NothingFound));
    }
}
