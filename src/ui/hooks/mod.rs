//! The page's named hooks: what the app does besides rendering, each in
//! its own file (as Yew's function_todomvc keeps its state apart).
//!
//! - [`use_live_runs`]: the running simulation (and the A/B panel's B),
//!   brought to the reader's settings at every change;
//! - [`use_jobs`]: the panels' long computations, in the page's worker;
//! - [`use_animation`]: the one animation loop that advances and draws,
//!   and the timer that refreshes the readouts;
//! - [`use_shortcuts`]: Space plays and pauses, `?` opens the help;
//! - [`use_visibility`]: an embedded figure pauses out of view;
//! - [`use_import`]: a scenario file read by the worker, then loaded.

mod animation;
mod import;
mod jobs;
mod live_runs;
mod shortcuts;
mod visibility;

pub use animation::{Figures, use_animation};
pub use import::use_import;
pub use jobs::{Jobs, use_jobs};
pub use live_runs::{LiveRuns, use_live_runs};
pub use shortcuts::use_shortcuts;
pub use visibility::use_visibility;
