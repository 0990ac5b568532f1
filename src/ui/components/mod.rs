//! One component per file, as in Yew's function_todomvc example.

pub mod app;
pub mod controls;
pub mod latency_chart;
pub mod readouts;
pub mod slider;

pub use app::App;
