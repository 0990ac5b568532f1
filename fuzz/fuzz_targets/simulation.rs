//! `Simulation::new` + `reconfigure` + `advance_bounded` with arbitrary
//! values: the case is `simulation` in tests/fuzzing/cases.rs, shared with
//! the native regression test (tests/fuzz_regressions.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzzing/cases.rs"]
mod cases;

fuzz_target!(|data: &[u8]| cases::simulation(data));
