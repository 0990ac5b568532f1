//! The web app (wasm32 only): Yew components, one animation loop drawing to
//! canvases, and the running simulation kept outside Yew state.
//!
//! - `state`: Yew's hold of the page's state (`lab::params`, reduced by
//!   `lab::state`);
//! - `hooks`: what the app does besides rendering, one named hook per file
//!   (the live runs, the jobs, the animation, shortcuts, visibility, import);
//! - `animation`: the single requestAnimationFrame loop;
//! - `frame`: what that loop draws each frame (the diagram and the charts);
//! - `chart`: the charts of `lab::charts` on canvases, axes cached on
//!   their own layer;
//! - `diagram`: the request path, drawn on a canvas from the snapshot;
//! - `ab`: the A/B panel's second run and its overlay;
//! - `components`: one component per file;
//! - `share`: links, embed snippets, downloads and reading files;
//! - `worker`: the page's worker, started when first needed, for the long
//!   computations and the TOML and JSON files (see `lab::wire`);
//! - `panic`: the panel a panic shows;
//! - `bench`: benchmarks in the page, chosen by `?bench=` (see there).

pub mod ab;
mod animation;
pub mod bench;
pub mod chart;
pub mod components;
pub mod diagram;
pub mod frame;
pub mod hooks;
pub mod panic;
pub mod share;
pub mod state;
pub mod worker;

/// Mounts the app on the page's body, unless the URL asks for a benchmark
/// that replaces it.
pub fn start() {
    // First, so a panic anywhere after shows a panel, not a dead page.
    panic::install();
    if bench::run_if_requested() {
        return;
    }
    yew::Renderer::<components::App>::new().render();
}
