//! The web app's entry point, built for wasm32 by Trunk (see index.html).
//! The page's worker is a module of its own: `src/bin/worker.rs`.

#[cfg(target_arch = "wasm32")]
fn main() {
    cplab::ui::start();
}

/// A panic on purpose, for the end-to-end test of the panic panel
/// (`src/ui/panic.rs`).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = __cplabPanicTest)]
pub fn panic_test() {
    panic!("panic test: <b>this text</b> must show as text, not markup");
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "control-plane-lab is the web app: serve it with `npm start` (Trunk). \
         The command-line tool is `cplab`."
    );
}
