//! One component per file, as in Yew's function_todomvc example.

pub mod ab;
pub mod app;
pub mod case_study;
pub mod charts;
pub mod claims;
pub mod compare;
pub mod controls;
pub mod diagram;
pub mod embed;
pub mod explanations;
pub mod help;
pub mod import_zone;
pub mod notices;
pub mod progress;
pub mod questions;
pub mod readouts;
pub mod scenario_bar;
pub mod share;
pub mod slider;
pub mod story;
pub mod sweep;
pub mod switch;
pub mod tabs;

pub use app::App;
