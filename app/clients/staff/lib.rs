//! The staff pages' hydrate entry (`staff.<hash>.wasm`): sign-in and, next, the scanner.
#![cfg(target_arch = "wasm32")]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    app::surface::hydrate(app::staff::Staff);
}
