//! One component per file, as in Yew's function_todomvc example.

pub mod app;
pub mod charts;
pub mod controls;
pub mod diagram;
pub mod explanations;
pub mod help;
pub mod readouts;
pub mod slider;
pub mod switch;

pub use app::App;
