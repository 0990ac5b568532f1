//! The article's comparison table, recomputed by the model.
//!
//! The article compares Kubernetes 1.32, Kubernetes 1.30 and Nomad 1.7 at
//! 1,000 worker nodes on five rows. The model computes what it can for
//! the same column (the matching preset, the same seed):
//!
//! | row | the model's figure |
//! |---|---|
//! | API server throughput | the most load sustained within the SLOs ([`crate::sim::studies::capacity`]) |
//! | watch cache p99 | p99 of a write event's delivery to watchers after etcd has it (`watch`) |
//! | store write p99 | p99 of a write at etcd as the API server sees it (`etcd-write`) |
//! | control-plane nodes | the store's members in the scenario (stacked: one per node) |
//! | monthly cost | not computed: the model has no prices; the article's figure only |
//!
//! Latency rows come from one run of the preset at its own load.

use crate::sim::models::control_plane::MetricClass;
use crate::sim::scenario::{Scenario, ScenarioError};
use crate::sim::simulation::Simulation;
use crate::sim::studies::capacity::CapacityResult;
use crate::sim::studies::catalog;
use serde::{Deserialize, Serialize};

/// One column of the article's table, and the preset the model runs for it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    /// the article's heading
    pub heading: &'static str,
    /// the catalog preset the model runs
    pub preset: &'static str,
    /// the article's figures: throughput [req/s], watch cache p99 [ms],
    /// store write p99 [ms], control-plane nodes, monthly cost [USD]
    pub article: [f64; 5],
    /// what the model runs, in a few words
    pub model_note: &'static str,
}

/// The article's 1.32 column (article.md, "The article's comparison
/// table"): both 1.32 columns below are compared with it.
const ARTICLE_1_32: [f64; 5] = [22_400.0, 89.0, 112.0, 3.0, 4_200.0];

/// The article's columns (article.md, "The article's comparison table"),
/// plus the article's own version of 1.32, which it presents as 1.32.
pub const COLUMNS: [Column; 4] = [
    Column {
        heading: "Kubernetes 1.32",
        preset: "k8s-1.32",
        article: ARTICLE_1_32,
        model_note: "upstream 1.32",
    },
    Column {
        heading: "Kubernetes 1.32 as the article describes",
        preset: "k8s-1.32-article",
        article: ARTICLE_1_32,
        model_note: "the article's mechanisms (not upstream); the article's figures are its 1.32 column",
    },
    Column {
        heading: "Kubernetes 1.30",
        preset: "k8s-1.30",
        article: [15_700.0, 142.0, 118.0, 3.0, 5_100.0],
        model_note: "upstream 1.30: consistent LISTs served by etcd",
    },
    Column {
        heading: "Nomad 1.7",
        preset: "single-binary",
        article: [25_100.0, 67.0, 94.0, 1.0, 2_800.0],
        model_note: "a single-binary control plane (Nomad-style), not Nomad itself",
    },
];

/// The table's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Throughput,
    WatchCacheP99,
    StoreWriteP99,
    ControlPlaneNodes,
    MonthlyCost,
}

impl Row {
    pub const ALL: [Row; 5] = [
        Row::Throughput,
        Row::WatchCacheP99,
        Row::StoreWriteP99,
        Row::ControlPlaneNodes,
        Row::MonthlyCost,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Row::Throughput => "API server throughput (req/s)",
            Row::WatchCacheP99 => "Watch cache p99 latency (ms)",
            Row::StoreWriteP99 => "Store write p99 latency (ms)",
            Row::ControlPlaneNodes => "Control plane nodes",
            Row::MonthlyCost => "Monthly cost (AWS)",
        }
    }

    /// How the model computes the row (or why it does not).
    pub fn method(self) -> &'static str {
        match self {
            Row::Throughput => {
                "the most API requests per second completed while every class's p99 stays within \
                 its SLO, errors stay under 1% and queues do not grow: the preset's mix of \
                 requests, scaled up until it breaks"
            }
            Row::WatchCacheP99 => {
                "p99 of a write event's delivery to its watchers after etcd has it, at the \
                 preset's own load"
            }
            Row::StoreWriteP99 => {
                "p99 of a write at etcd as the API server sees it (etcd_request_duration_seconds), \
                 at the preset's own load"
            }
            Row::ControlPlaneNodes => {
                "the store's members in the scenario (stacked control plane: one per node)"
            }
            Row::MonthlyCost => "not computed: the model has no prices. The article's figure only.",
        }
    }

    /// The article's figure for this row in `column`.
    pub fn article(self, column: &Column) -> f64 {
        column.article[self as usize]
    }
}

/// What one run of a column's preset at its own load measures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    /// watch event delivery p99 [s]
    pub watch_p99_s: f64,
    /// etcd write p99 [s]
    pub write_p99_s: f64,
    pub control_plane_nodes: u32,
}

/// A column's scenario: its preset, passed through `adjust` (the reader's
/// own settings, applied alike to every column).
pub fn column_scenario(
    column: &Column,
    adjust: impl Fn(&mut Scenario),
) -> Result<Scenario, ScenarioError> {
    let entry = catalog::find(column.preset)
        .ok_or_else(|| ScenarioError::new("", format!("no preset {}", column.preset)))?;
    let mut scenario = entry.scenario()?;
    adjust(&mut scenario);
    scenario.check()?;
    Ok(scenario)
}

/// Runs a column's scenario at its own load and reads the latency rows.
pub fn measure(scenario: &Scenario, seed: u64) -> Result<Measured, ScenarioError> {
    let mut sim = Simulation::new(scenario, seed)?;
    sim.run_to_end();
    Ok(measured(&sim))
}

/// The latency rows of a finished run of a column's scenario.
pub fn measured(sim: &Simulation) -> Measured {
    let summary = sim.summary();
    let p99 = |class: MetricClass| summary.classes.get(class.name()).map_or(0.0, |c| c.p99_s);
    Measured {
        watch_p99_s: p99(MetricClass::Watch),
        write_p99_s: p99(MetricClass::EtcdWrite),
        control_plane_nodes: sim
            .scenario()
            .control_plane
            .as_ref()
            .map_or(0, |cp| cp.etcd.members),
    }
}

/// The model's figure for `row`, when it has one (in the row's unit).
pub fn model_value(
    row: Row,
    measured: &Measured,
    capacity: Option<&CapacityResult>,
) -> Option<f64> {
    match row {
        Row::Throughput => capacity.map(|c| c.throughput),
        Row::WatchCacheP99 => Some(measured.watch_p99_s * 1e3),
        Row::StoreWriteP99 => Some(measured.write_p99_s * 1e3),
        Row::ControlPlaneNodes => Some(measured.control_plane_nodes as f64),
        Row::MonthlyCost => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_runs_and_its_latency_cells_are_the_models() {
        for column in &COLUMNS {
            let mut scenario = column_scenario(column, |s| {
                s.duration = 30.0;
                s.warmup = 5.0;
            })
            .expect("valid preset");
            let measured = measure(&scenario, 1).expect("runs");
            assert!(measured.watch_p99_s.is_finite() && measured.watch_p99_s > 0.0);
            assert!(measured.write_p99_s.is_finite() && measured.write_p99_s > 0.0);
            assert_eq!(model_value(Row::MonthlyCost, &measured, None), None);
            // A cell is computed: another seed or another load gives other
            // figures (a p99 may fall in the same histogram bucket, and the
            // single binary's writes wait for a deterministic fsync).
            scenario.seed = None;
            let other = measure(&scenario, 2).expect("runs");
            if let Some(spec) = &mut scenario.control_plane {
                spec.workload.load_factor = 4.0;
            }
            let busier = measure(&scenario, 1).expect("runs");
            assert!(
                other != measured || busier != measured,
                "{}",
                column.heading
            );
        }
    }
}
