//! The web app's entry point, built for wasm32 by Trunk (see index.html).

#[cfg(target_arch = "wasm32")]
fn main() {
    cplab::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "control-plane-lab is the web app: serve it with `npm start` (Trunk). \
         The command-line tool is `cplab`."
    );
}
