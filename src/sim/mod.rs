//! # The simulation core
//!
//! A discrete-event simulation (DES) of requests flowing through a system of
//! queues and servers. It is pure Rust: no web APIs, no wall clock, no OS
//! randomness, so it runs the same natively, in a test and in the browser.
//!
//! ## How a run works
//!
//! 1. A [`Scenario`] says what to simulate (read from TOML and checked).
//! 2. [`Simulation::new`] sets up the model at time 0 with a seed: the single
//!    source of randomness is a [`SimRng`] seeded from it.
//! 3. The [`Calendar`] holds future events ordered by (time in integer
//!    nanoseconds, scheduling order). `advance_to(t)` pops events up to `t`
//!    and lets the model handle each, which schedules more.
//! 4. [`ClassMetrics`] record what happened in fixed memory: counters, an
//!    HdrHistogram of latencies ([`LatencyHistogram`]) and a ring of 1-second
//!    windows ([`WindowRing`]) for live charts.
//! 5. `reconfigure` changes a parameter mid-run; `snapshot` and `summary`
//!    read the state and the results.
//!
//! Same scenario + same seed + same changes at the same simulated times ⇒
//! bit-identical results, on every platform ([`Simulation::digest`]).
//!
//! ## Models
//!
//! - [`station`]: the textbook M/G/c/K station, checked against queueing
//!   theory (M/M/1, M/M/c, M/D/1, M/M/c/K) in `tests/queueing_theory.rs`.

/// Serde for a type with two forms: `$written` (a `#[serde(remote)]`
/// mirror) for formats people read and write (TOML, JSON), `$packed` for
/// binary ones (postcard: the page's messages and packed catalog), which
/// read fields by position and cannot hold a tag beside them or guess an
/// untagged variant. `is_human_readable` tells the two apart.
macro_rules! written_or_packed {
    ($type:ty, $written:ident, $packed:ident) => {
        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                if serializer.is_human_readable() {
                    $written::serialize(self, serializer)
                } else {
                    $packed::serialize(self, serializer)
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                if deserializer.is_human_readable() {
                    $written::deserialize(deserializer)
                } else {
                    $packed::deserialize(deserializer)
                }
            }
        }
    };
}

pub mod apf;
pub mod calendar;
pub mod capacity;
pub mod case_study;
pub mod catalog;
pub mod closed_loop;
pub mod comparison;
pub mod control_plane;
pub mod etcd;
pub mod flowcontrol;
pub mod histogram;
pub mod metrics;
pub mod random;
pub mod request;
pub mod scenario;
pub mod simulation;
pub mod station;
pub mod sweep;
pub mod time;
pub mod timeline;
pub mod timeseries;
pub mod watchcache;

pub use calendar::Calendar;
pub use histogram::LatencyHistogram;
pub use metrics::{ClassMetrics, ClassSummary, Counts};
pub use random::{DurationLaw, SimRng};
pub use scenario::{Scenario, ScenarioError};
pub use simulation::{Advance, Change, RunSummary, Simulation, Snapshot, SummaryRows};
pub use station::{StationChange, StationSnapshot, StationSpec};
pub use time::{NANOS_PER_SEC, Nanos, from_secs, to_secs};
pub use timeseries::{Recent, WindowRing, WindowSummary};

/// A map of what is in flight (requests, etcd calls, cache events, starting
/// clients), keyed by id. The models look these up and never iterate them,
/// so their order cannot reach the results: a hash map with the Fx hash is
/// faster here than a `BTreeMap`, and far less code in the page than one
/// with SipHash.
pub(crate) type IdMap<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;
