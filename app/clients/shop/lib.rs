//! The shop's hydrate entry (`shop.<hash>.wasm`).
#![cfg(target_arch = "wasm32")]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    app::surface::hydrate(app::shop::Shop);
}
