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
//!    read the state and the results. A scenario's [`timeline`] schedules
//!    such changes at set simulated times.
//!
//! Same scenario + same seed + same changes at the same simulated times ⇒
//! bit-identical results, on every platform ([`Simulation::digest`]).
//!
//! ## Where things are
//!
//! - [`engine`]: what every model runs on: the [`Calendar`], simulated
//!   [`time`](engine::time), seeded [`random`](engine::random) draws, the
//!   latency [`histogram`](engine::histogram), per-class
//!   [`metrics`](engine::metrics) and their 1-second
//!   [`timeseries`](engine::timeseries).
//! - [`models`]: what is simulated: the textbook
//!   [`station`](models::station) (checked against queueing theory in
//!   `tests/queueing_theory.rs`), APF's [`closed_loop`](models::closed_loop)
//!   benchmark, and the Kubernetes [`control_plane`](models::control_plane)
//!   with its mechanisms: [`flow_control`](models::flow_control) (APF and its
//!   fair queuing, max-inflight, the article's queue), the
//!   [`watch_cache`](models::watch_cache) and [`etcd`](models::etcd).
//! - [`studies`]: what is computed from many runs: the
//!   [`capacity`](studies::capacity) search, the article's
//!   [`comparison`](studies::comparison) table and
//!   [`case_study`](studies::case_study), [`sweep`](studies::sweep)s, and
//!   the shipped scenarios' [`catalog`](studies::catalog).
//! - Here: the [`Scenario`] file, the [`Simulation`] facade and the
//!   [`timeline`] of scheduled changes.

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

pub mod engine;
pub mod models;
pub mod scenario;
pub mod simulation;
pub mod studies;
pub mod summary;
pub mod timeline;

pub use engine::calendar::Calendar;
pub use engine::histogram::LatencyHistogram;
pub use engine::metrics::{ClassMetrics, ClassSummary, Counts};
pub use engine::random::{DurationLaw, SimRng};
pub use engine::time::{NANOS_PER_SEC, Nanos, from_secs, to_secs};
pub use engine::timeseries::{Recent, WindowRing, WindowSummary};
pub use models::station::{StationChange, StationSnapshot, StationSpec};
pub use scenario::{Scenario, ScenarioError};
pub use simulation::{Advance, Change, Simulation, Snapshot};
pub use summary::{
    ApiServerSummary, EtcdMemberSummary, LevelSeatsSummary, RunSummary, SummaryRows,
};

/// A map of what is in flight (requests, etcd calls, cache events, starting
/// clients), keyed by id. The models look these up and never iterate them
/// to decide anything, so their order cannot reach the results (only the
/// diagram's sample of requests in flight walks one, in the Fx hash's order,
/// which has no random key and is the same on every run): a hash map with
/// the Fx hash is faster here than a `BTreeMap`, and far less code in the
/// page than one with SipHash.
pub(crate) type IdMap<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;
