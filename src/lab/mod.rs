//! The laboratory's state as plain data, on every target: the table of
//! every control ([`controls`]), what the reader set ([`params`]) and what
//! the page shows of it ([`view`]), what the reader does to it and the
//! reducer ([`state`]), how it travels in a link ([`url`]), the
//! article's claims and their verdicts ([`claims`]), the stories that
//! walk a reader through a scenario ([`story`]), and what the page
//! leaves to its worker ([`worker`]): the long computations ([`jobs`], the
//! default run's answered from [`precomputed`]) and reading and writing
//! files, asked for in messages ([`wire`]).
//!
//! The page's running simulation ([`live`]), what the page writes of it
//! ([`readouts`], [`format`], [`export`]) and its charts ([`charts`], drawn
//! through plotters' backend trait) are here too. None of it touches
//! the DOM, so it is tested natively (property tests included) and the web
//! app (`ui`) only draws it.

pub mod charts;
pub mod claims;
pub mod controls;
pub mod export;
pub mod format;
pub mod jobs;
pub mod live;
pub mod mechanisms;
pub mod params;
pub mod precomputed;
pub mod readouts;
pub mod state;
pub mod story;
pub mod url;
pub mod view;
pub mod wire;
pub mod worker;

pub use controls::{CONTROLS, Control, Range};
pub use params::{Base, Params};
pub use view::{ChartClass, Figure, Panel};
