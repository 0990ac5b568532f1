//! The laboratory's state as plain data, on every target: what the reader
//! set ([`params`]), how it travels in a link ([`url`]), the article's
//! claims and their verdicts ([`claims`]), and what the page leaves to its
//! worker ([`worker`]): the long computations ([`jobs`]) and reading and
//! writing files, asked for in messages ([`wire`]).
//!
//! None of it touches the DOM, so it is tested natively (property tests
//! included) and the web app (`ui`) only draws it.

pub mod claims;
pub mod controls;
pub mod jobs;
pub mod params;
pub mod readouts;
pub mod url;
pub mod wire;
pub mod worker;

pub use params::{Base, Figure, Knob, Panel, Params, Range, Switch};
