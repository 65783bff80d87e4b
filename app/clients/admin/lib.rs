//! The admin dashboard's hydrate entry (`admin.<hash>.wasm`).
#![cfg(target_arch = "wasm32")]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    app::error::word_more_codes(app::admin::refusal_words);
    app::surface::hydrate(app::admin::Admin);
}
