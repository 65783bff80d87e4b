//! The scanner's hydrate entry (`scanner.<hash>.wasm`): the door page and its QR decoder.
#![cfg(target_arch = "wasm32")]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    app::surface::hydrate(app::scanner::Scanner);
}
