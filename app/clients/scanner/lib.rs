//! The scanner's hydrate entry (`scanner.<hash>.wasm`): the door page, the shop counter and their
//! QR decoder.
#![cfg(target_arch = "wasm32")]
// The counter page's nested views (two transitions around the camera) have deep types.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    app::surface::hydrate(app::scanner::Scanner);
}
