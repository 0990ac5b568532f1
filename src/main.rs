//! The web app's entry point, built for wasm32 by Trunk (see index.html).
//! The same module runs in the page's worker (`static/worker.js`): there is
//! no window there, and the worker calls `worker_message` instead.

#[cfg(target_arch = "wasm32")]
fn main() {
    if web_sys::window().is_some() {
        cplab::ui::start();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "control-plane-lab is the web app: serve it with `npm start` (Trunk). \
         The command-line tool is `cplab`."
    );
}
