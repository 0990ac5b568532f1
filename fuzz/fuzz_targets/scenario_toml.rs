//! The scenario parser, `Scenario::from_toml`, on arbitrary text.
//!
//! Properties: it never panics; what it accepts writes itself back as TOML
//! that reads back equal; and what it accepts runs (`Simulation::new` does
//! not refuse a checked scenario, and a bounded run keeps the invariants).
#![no_main]

use cplab::sim::{Scenario, Simulation, from_secs};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scenario) = Scenario::from_toml(text) else {
        return;
    };
    let written = scenario.to_toml();
    let again = Scenario::from_toml(&written)
        .unwrap_or_else(|error| panic!("cannot read back {written:?}: {error}"));
    assert_eq!(again, scenario, "round trip through {written:?}");
    let mut sim = Simulation::new(&scenario, scenario.seed.unwrap_or(1))
        .unwrap_or_else(|error| panic!("a checked scenario is refused: {error}"));
    sim.advance_bounded(from_secs(scenario.duration), common::MAX_EVENTS);
    common::check_invariants(&sim);
});
