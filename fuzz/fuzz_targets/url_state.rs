//! The page's URL-state parser, `lab::url::from_query`, on arbitrary text:
//! the case is `url_state` in tests/fuzzing/cases.rs, shared with the native
//! regression test (tests/fuzz_regressions.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzzing/cases.rs"]
mod cases;

fuzz_target!(|data: &[u8]| cases::url_state(data));
