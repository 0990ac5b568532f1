//! What a run measured, as the CLI prints it and the page exports it: per
//! request class, per closed-loop client and per API server.

use crate::sim::engine::metrics::ClassSummary;
use crate::sim::models::closed_loop::ClientSummary;
use crate::sim::models::control_plane::Bottleneck;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;

/// The measured results of a run, as the CLI prints them.
///
/// In JSON, `utilisation` and `clients` appear only where they apply (a
/// station; closed-loop clients); binary formats, which read fields by
/// position, always get every field (see the `Serialize` impl).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RunSummary {
    pub scenario: String,
    pub seed: u64,
    /// simulated time so far [s]
    pub simulated_s: f64,
    /// excluded from the statistics [s]
    pub warmup_s: f64,
    /// events handled
    pub events: u64,
    /// fraction of server capacity busy over the measured period (station)
    #[serde(default)]
    pub utilisation: Option<f64>,
    /// per request class
    pub classes: BTreeMap<String, ClassSummary>,
    /// per closed-loop client: seats used against the fair share
    #[serde(default)]
    pub clients: BTreeMap<String, ClientSummary>,
    /// per API server (a control plane's): its priority levels' seats
    #[serde(default)]
    pub api_servers: Vec<ApiServerSummary>,
    /// per etcd member (a control plane's): its cores busy
    #[serde(default)]
    pub etcd: Vec<EtcdMemberSummary>,
    /// a control plane's busiest resources over the measured period, and
    /// the one that limits it
    #[serde(default)]
    pub bottleneck: Option<Bottleneck>,
}

/// One API server's resources over a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiServerSummary {
    pub name: String,
    /// "serving", "draining" (leaving the load balancer) or "stopped", at
    /// the end
    #[serde(default)]
    pub phase: String,
    /// clients whose connection is on it at the end (kubelets,
    /// controllers, operators; kubectl connects per command)
    #[serde(default)]
    pub connections: u32,
    /// times it restarted
    #[serde(default)]
    pub restarts: u32,
    /// its cores (`null` when its CPU is not limited)
    #[serde(default)]
    pub cores: Option<f64>,
    /// cores busy over the measured part of the run, time-weighted mean
    #[serde(default)]
    pub cpu_mean: f64,
    /// the 99th percentile of the cores busy in each measured second
    #[serde(default)]
    pub cpu_p99: f64,
    /// its memory limit [GiB] (`null` when unlimited)
    #[serde(default)]
    pub memory_limit_gib: Option<f64>,
    /// the most memory it held at once, over the whole run [GiB]
    #[serde(default)]
    pub peak_memory_gib: f64,
    /// times the OOM killer killed it (each also counts as a restart)
    #[serde(default)]
    pub oom_kills: u32,
    /// APF's limited priority levels (none for the other flow controls)
    pub levels: Vec<LevelSeatsSummary>,
}

/// One etcd member's CPU over a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EtcdMemberSummary {
    /// `etcd-1` (the leader at the start) to `etcd-N`
    pub name: String,
    /// "leader" or "follower"
    pub role: String,
    /// cores busy over the measured part of the run, time-weighted mean:
    /// the leader's serve the reads and run the apply loop; a follower's
    /// run its apply loop, which applies every write as the leader's does
    pub cpu_mean: f64,
}

/// A priority level's seats over a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelSeatsSummary {
    pub level: String,
    /// its share of the server's concurrency limit
    pub nominal_seats: u32,
    /// its limit at the end, after lending and borrowing
    pub seats: u32,
    /// seats borrowed from other levels, time-weighted mean since the start
    pub mean_borrowed: f64,
    /// seats lent to other levels, time-weighted mean since the start
    pub mean_lent: f64,
}

impl Serialize for RunSummary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let terse = serializer.is_human_readable();
        let mut out = serializer.serialize_struct("RunSummary", 11)?;
        out.serialize_field("scenario", &self.scenario)?;
        out.serialize_field("seed", &self.seed)?;
        out.serialize_field("simulated_s", &self.simulated_s)?;
        out.serialize_field("warmup_s", &self.warmup_s)?;
        out.serialize_field("events", &self.events)?;
        if terse && self.utilisation.is_none() {
            out.skip_field("utilisation")?;
        } else {
            out.serialize_field("utilisation", &self.utilisation)?;
        }
        out.serialize_field("classes", &self.classes)?;
        if terse && self.clients.is_empty() {
            out.skip_field("clients")?;
        } else {
            out.serialize_field("clients", &self.clients)?;
        }
        if terse && self.api_servers.is_empty() {
            out.skip_field("api_servers")?;
        } else {
            out.serialize_field("api_servers", &self.api_servers)?;
        }
        if terse && self.etcd.is_empty() {
            out.skip_field("etcd")?;
        } else {
            out.serialize_field("etcd", &self.etcd)?;
        }
        if terse && self.bottleneck.is_none() {
            out.skip_field("bottleneck")?;
        } else {
            out.serialize_field("bottleneck", &self.bottleneck)?;
        }
        out.end()
    }
}

/// A run summary's figures as rows in the model's order, without maps:
/// what the page sends its worker, which makes the `RunSummary` (so the page
/// carries no `BTreeMap` code).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRows {
    pub scenario: String,
    pub seed: u64,
    /// simulated time so far [s]
    pub simulated_s: f64,
    /// excluded from the statistics [s]
    pub warmup_s: f64,
    /// events handled
    pub events: u64,
    /// fraction of server capacity busy over the measured period (station)
    pub utilisation: Option<f64>,
    /// per request class, in the model's class order
    pub classes: Vec<(String, ClassSummary)>,
    /// per closed-loop client, in the scenario's order
    pub clients: Vec<(String, ClientSummary)>,
    pub api_servers: Vec<ApiServerSummary>,
    pub etcd: Vec<EtcdMemberSummary>,
    pub bottleneck: Option<Bottleneck>,
}

impl From<SummaryRows> for RunSummary {
    fn from(rows: SummaryRows) -> Self {
        Self {
            scenario: rows.scenario,
            seed: rows.seed,
            simulated_s: rows.simulated_s,
            warmup_s: rows.warmup_s,
            events: rows.events,
            utilisation: rows.utilisation,
            classes: rows.classes.into_iter().collect(),
            clients: rows.clients.into_iter().collect(),
            api_servers: rows.api_servers,
            etcd: rows.etcd,
            bottleneck: rows.bottleneck,
        }
    }
}
