//! Control Plane Lab: a discrete-event simulation of the Kubernetes control
//! plane's request path, in the browser (the `ui` module, wasm32 only) and on
//! the command line (`cplab`).
//!
//! The simulation core, [`sim`], is pure Rust and compiled for every target.

pub mod lab;
pub mod sim;

#[cfg(target_arch = "wasm32")]
pub mod ui;
