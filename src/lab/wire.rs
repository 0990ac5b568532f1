//! What the page and its worker say to each other.
//!
//! The page runs the live simulation and nothing else it can leave out: the
//! long computations of the article's panels ([`super::jobs`]) and reading
//! and writing files (TOML scenarios, JSON metrics) live in a second
//! WebAssembly module, `cplab-worker`, which runs in a worker and loads only
//! when the page first needs it (see [`super::worker`]). The two exchange
//! these messages packed with postcard: serde data written field by field,
//! without names, so the page carries postcard's few kilobytes instead of a
//! TOML or JSON parser.

use super::jobs::{JobRequest, JobUpdate};
use crate::sim::engine::timeseries::WindowSummary;
use crate::sim::{Scenario, ScenarioError, SummaryRows};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A message from the page to the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// start a job; it replaces any job still running
    Job(JobRequest),
    /// read and check a scenario file the reader picked
    Import { id: u32, text: String },
    /// write the page's run as a scenario file
    ExportScenario { id: u32, scenario: Scenario },
    /// write the page's metrics as JSON
    ExportMetrics { id: u32, metrics: MetricsExport },
}

/// A message from the worker to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// a job's progress (the last one has `done`)
    Job(JobUpdate),
    /// the scenario of an `Import`, or why the file cannot run
    Imported {
        id: u32,
        scenario: Result<Box<Scenario>, ScenarioError>,
    },
    /// the file an `Export…` asked for
    Exported { id: u32, text: String },
}

/// The page's run, for its metrics as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricsExport {
    /// the view, as its URL query
    pub view: String,
    /// the measured results since the warm-up (the worker makes them a
    /// `RunSummary`)
    pub summary: SummaryRows,
    /// per class, its live 1-second windows, oldest first
    pub windows: Vec<(String, Vec<WindowSummary>)>,
}

/// A message as bytes.
pub fn pack<T: Serialize>(message: &T) -> Result<Vec<u8>, String> {
    postcard::to_allocvec(message).map_err(|error| format!("cannot pack a message: {error}"))
}

/// A message from bytes; `Err` says why they are not one.
pub fn unpack<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    postcard::from_bytes(bytes).map_err(|error| format!("not a message: {error}"))
}

impl MetricsExport {
    /// The metrics of `sim` so far, for the view `view` (a URL query).
    pub fn of(sim: &crate::sim::Simulation, view: String) -> Self {
        Self {
            view,
            summary: sim.summary_rows(),
            windows: sim
                .metrics()
                .iter()
                .map(|class| (class.name.clone(), class.windows.windows()))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::jobs::JobKind;
    use crate::lab::params::Params;
    use crate::sim::studies::catalog::CATALOG;

    #[test]
    fn every_message_unpacks_as_it_was_packed() {
        let mut messages: Vec<ToWorker> = CATALOG
            .iter()
            .enumerate()
            .map(|(id, entry)| ToWorker::ExportScenario {
                id: id as u32,
                scenario: entry.scenario().expect("valid"),
            })
            .collect();
        let mut params = Params::default();
        messages.push(ToWorker::Job(JobRequest::new(7, JobKind::Sweep, &params)));
        let imported = CATALOG[12].scenario().expect("valid");
        params.run.base = super::super::params::Base::Imported(std::rc::Rc::new(imported));
        messages.push(ToWorker::Job(JobRequest::new(8, JobKind::Compare, &params)));
        messages.push(ToWorker::Import {
            id: 9,
            text: "name = \"ünïcode\"".into(),
        });
        let mut sim = crate::sim::Simulation::new(&Params::default().scenario().expect("valid"), 3)
            .expect("runs");
        sim.run_for(5.0);
        messages.push(ToWorker::ExportMetrics {
            id: 10,
            metrics: MetricsExport::of(&sim, "seed=3".into()),
        });
        for message in messages {
            let bytes = pack(&message).expect("packs");
            assert_eq!(unpack::<ToWorker>(&bytes), Ok(message));
        }
    }

    #[test]
    fn bytes_that_are_no_message_are_an_error() {
        assert!(unpack::<ToWorker>(&[]).is_err());
        assert!(unpack::<FromWorker>(&[200, 1, 2, 3]).is_err());
        assert!(unpack::<ToWorker>(b"name = \"a toml file\"").is_err());
    }
}
