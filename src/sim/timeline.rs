//! Changes written into a scenario at set simulated times: what a reader
//! does with a slider or a fault button, scheduled, so a batch run and the
//! page replay the same story.
//!
//! ```toml
//! [[timeline]]
//! at = 30.0              # simulated seconds
//! slow_webhook = 50.0    # webhooks 50× slower from here
//!
//! [[timeline]]
//! at = 60.0
//! slow_webhook = 1.0     # and back to normal
//! webhook_handling = "dedicated"
//! ```
//!
//! An entry sets one or more keys; they apply in the order of the fields
//! below, once the events due at that simulated instant are handled (as a
//! change by hand applies when the clock has reached its time).

use crate::sim::models::control_plane::{
    ControlPlaneChange, ControlPlaneSpec, Discovery, WebhookHandling,
};
use crate::sim::models::etcd::client::EtcdClientKind;
use crate::sim::models::flow_control::FlowControlKind;
use crate::sim::models::station::StationChange;
use crate::sim::models::watch_cache::CacheLocking;
use crate::sim::simulation::Change;
use serde::{Deserialize, Serialize};

/// Most entries a timeline may hold.
pub const MAX_ENTRIES: usize = 1_000;

/// One scheduled change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedChange {
    /// when it applies [s of simulated time]
    pub at: f64,
    /// worker nodes
    #[serde(default)]
    pub nodes: Option<u32>,
    #[serde(default)]
    pub max_requests_inflight: Option<u32>,
    #[serde(default)]
    pub max_mutating_requests_inflight: Option<u32>,
    /// the article's dedicated webhook limit
    #[serde(default)]
    pub webhook_concurrency: Option<u32>,
    /// mean latency of every webhook [s]
    #[serde(default)]
    pub webhook_latency: Option<f64>,
    /// timeoutSeconds of every webhook [s]
    #[serde(default)]
    pub webhook_timeout: Option<f64>,
    /// connections of the article's etcd pool
    #[serde(default)]
    pub etcd_connections: Option<u32>,
    /// mean etcd fsync duration [s]
    #[serde(default)]
    pub fsync_latency: Option<f64>,
    #[serde(default)]
    pub namespaces: Option<u32>,
    #[serde(default)]
    pub flow_control: Option<FlowControlKind>,
    #[serde(default)]
    pub webhook_handling: Option<WebhookHandling>,
    #[serde(default)]
    pub cache_locking: Option<CacheLocking>,
    #[serde(default)]
    pub etcd_client: Option<EtcdClientKind>,
    #[serde(default)]
    pub discovery: Option<Discovery>,
    /// consistent LISTs from the watch cache (`true`, 1.31+) or etcd
    #[serde(default)]
    pub consistent_list_from_cache: Option<bool>,
    /// fault: webhook latencies × this factor (1 = off)
    #[serde(default)]
    pub slow_webhook: Option<f64>,
    /// fault: fsync durations × this factor (1 = off)
    #[serde(default)]
    pub fsync_spike: Option<f64>,
    /// fault: the etcd leader is lost (`true`)
    #[serde(default)]
    pub leader_election: Option<bool>,
    /// fault: this fraction of discovery clients restarts
    #[serde(default)]
    pub restart_storm: Option<f64>,
    /// an extra workload source, by name, whose rate `rate` sets
    #[serde(default)]
    pub source: Option<String>,
    /// the new rate of `source` [requests/s]
    #[serde(default)]
    pub rate: Option<f64>,
    /// the station's arrival rate [requests/s]
    #[serde(default)]
    pub arrival_rate: Option<f64>,
    /// the station's servers
    #[serde(default)]
    pub servers: Option<u32>,
}

impl TimedChange {
    /// The changes this entry makes, in order. Inflight limits come as a
    /// pair: the one the entry does not set keeps its value in `current`.
    pub fn changes(&self, current: Option<&ControlPlaneSpec>) -> Vec<Change> {
        use ControlPlaneChange as C;
        let mut out = Vec::new();
        let mut cp = |c: C| out.push(Change::ControlPlane(c));
        if let Some(n) = self.nodes {
            cp(C::Nodes(n));
        }
        if self.max_requests_inflight.is_some() || self.max_mutating_requests_inflight.is_some() {
            let (read_only, mutating) = current.map_or((400, 200), |s| {
                (s.max_requests_inflight, s.max_mutating_requests_inflight)
            });
            cp(C::InflightLimits {
                read_only: self.max_requests_inflight.unwrap_or(read_only),
                mutating: self.max_mutating_requests_inflight.unwrap_or(mutating),
            });
        }
        if let Some(n) = self.webhook_concurrency {
            cp(C::WebhookConcurrency(n));
        }
        if let Some(s) = self.webhook_latency {
            cp(C::WebhookLatency(s));
        }
        if let Some(s) = self.webhook_timeout {
            cp(C::WebhookTimeout(s));
        }
        if let Some(n) = self.etcd_connections {
            cp(C::EtcdConnections(n));
        }
        if let Some(s) = self.fsync_latency {
            cp(C::FsyncLatency(s));
        }
        if let Some(n) = self.namespaces {
            cp(C::Namespaces(n));
        }
        if let Some(v) = self.flow_control {
            cp(C::FlowControl(v));
        }
        if let Some(v) = self.webhook_handling {
            cp(C::WebhookHandling(v));
        }
        if let Some(v) = self.cache_locking {
            cp(C::CacheLocking(v));
        }
        if let Some(v) = self.etcd_client {
            cp(C::EtcdClient(v));
        }
        if let Some(v) = self.discovery {
            cp(C::Discovery(v));
        }
        if let Some(v) = self.consistent_list_from_cache {
            cp(C::ConsistentListFromCache(v));
        }
        if let Some(f) = self.slow_webhook {
            cp(C::SlowWebhook(f));
        }
        if let Some(f) = self.fsync_spike {
            cp(C::FsyncSpike(f));
        }
        if self.leader_election == Some(true) {
            cp(C::LeaderElection);
        }
        if let Some(f) = self.restart_storm {
            cp(C::RestartStorm(f));
        }
        if let (Some(name), Some(rate), Some(spec)) = (&self.source, self.rate, current) {
            let index = spec.workload.sources.iter().position(|s| &s.name == name);
            if let Some(index) = index {
                cp(C::SourceRate {
                    index: index as u16,
                    rate,
                });
            }
        }
        if let Some(rate) = self.arrival_rate {
            out.push(Change::Station(StationChange::ArrivalRate(rate)));
        }
        if let Some(servers) = self.servers {
            out.push(Change::Station(StationChange::Servers(servers)));
        }
        out
    }

    /// The entry that makes `change` at `at` [s] (the page records a
    /// reader's changes this way, so an exported scenario replays them).
    /// A change of a workload source needs the `spec` to name the source.
    pub fn from_change(at: f64, change: &Change, spec: Option<&ControlPlaneSpec>) -> Self {
        use ControlPlaneChange as C;
        let mut entry = TimedChange {
            at,
            ..TimedChange::default()
        };
        match *change {
            Change::Station(StationChange::ArrivalRate(rate)) => entry.arrival_rate = Some(rate),
            Change::Station(StationChange::Servers(n)) => entry.servers = Some(n),
            Change::Station(_) => {}
            Change::ControlPlane(c) => match c {
                C::Nodes(n) => entry.nodes = Some(n),
                C::InflightLimits {
                    read_only,
                    mutating,
                } => {
                    entry.max_requests_inflight = Some(read_only);
                    entry.max_mutating_requests_inflight = Some(mutating);
                }
                C::WebhookConcurrency(n) => entry.webhook_concurrency = Some(n),
                C::WebhookLatency(s) => entry.webhook_latency = Some(s),
                C::WebhookTimeout(s) => entry.webhook_timeout = Some(s),
                C::EtcdConnections(n) => entry.etcd_connections = Some(n),
                C::FsyncLatency(s) => entry.fsync_latency = Some(s),
                C::Namespaces(n) => entry.namespaces = Some(n),
                C::FlowControl(v) => entry.flow_control = Some(v),
                C::WebhookHandling(v) => entry.webhook_handling = Some(v),
                C::CacheLocking(v) => entry.cache_locking = Some(v),
                C::EtcdClient(v) => entry.etcd_client = Some(v),
                C::Discovery(v) => entry.discovery = Some(v),
                C::ConsistentListFromCache(v) => entry.consistent_list_from_cache = Some(v),
                C::SlowWebhook(f) => entry.slow_webhook = Some(f),
                C::FsyncSpike(f) => entry.fsync_spike = Some(f),
                C::LeaderElection => entry.leader_election = Some(true),
                C::RestartStorm(f) => entry.restart_storm = Some(f),
                C::SourceRate { index, rate } => {
                    entry.source = spec
                        .and_then(|s| s.workload.sources.get(index as usize))
                        .map(|s| s.name.clone());
                    entry.rate = Some(rate);
                }
            },
        }
        entry
    }

    /// Checks the time and every value it sets, against the scenario's
    /// model (`control_plane`: the spec, if it has one).
    pub fn check(
        &self,
        duration: f64,
        control_plane: Option<&ControlPlaneSpec>,
    ) -> Result<(), (String, String)> {
        if !(self.at.is_finite() && (0.0..=duration).contains(&self.at)) {
            return Err((
                "at".into(),
                format!("must be seconds in [0, {duration}], got {}", self.at),
            ));
        }
        match (&self.source, self.rate, control_plane) {
            (None, None, _) => {}
            (Some(name), Some(_), Some(spec)) => {
                if !spec.workload.sources.iter().any(|s| &s.name == name) {
                    return Err((
                        "source".into(),
                        format!("no workload source is called {name:?}"),
                    ));
                }
            }
            (Some(_), Some(_), None) => {
                return Err(("source".into(), "applies to a [control_plane] only".into()));
            }
            _ => {
                return Err(("source".into(), "`source` and `rate` go together".into()));
            }
        }
        let is_control_plane = control_plane.is_some();
        let changes = self.changes(control_plane);
        if changes.is_empty() {
            return Err((
                String::new(),
                "sets nothing: give at least one change besides `at`".into(),
            ));
        }
        for change in changes {
            let checked = match change {
                Change::ControlPlane(c) if is_control_plane => c.check(),
                Change::Station(c) if !is_control_plane => c.check(),
                Change::ControlPlane(_) => Err("applies to a [control_plane] only".into()),
                Change::Station(_) => Err("applies to a [station] only".into()),
            };
            checked.map_err(|message| (String::new(), message))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_turns_into_changes_in_order() {
        let entry = TimedChange {
            at: 5.0,
            max_mutating_requests_inflight: Some(50),
            slow_webhook: Some(20.0),
            ..TimedChange::default()
        };
        let spec = ControlPlaneSpec::upstream(10);
        assert_eq!(
            entry.changes(Some(&spec)),
            vec![
                Change::ControlPlane(ControlPlaneChange::InflightLimits {
                    read_only: 400,
                    mutating: 50
                }),
                Change::ControlPlane(ControlPlaneChange::SlowWebhook(20.0)),
            ]
        );
        assert!(entry.check(10.0, Some(&spec)).is_ok());
        assert!(entry.check(1.0, Some(&spec)).is_err(), "after the end");
        assert!(entry.check(10.0, None).is_err(), "not a station change");
        let empty = TimedChange {
            at: 1.0,
            ..TimedChange::default()
        };
        assert!(empty.check(10.0, Some(&spec)).is_err());
        let unknown = TimedChange {
            at: 1.0,
            source: Some("nobody".into()),
            rate: Some(3.0),
            ..TimedChange::default()
        };
        assert!(unknown.check(10.0, Some(&spec)).is_err());
        for change in entry.changes(Some(&spec)) {
            let back = TimedChange::from_change(5.0, &change, Some(&spec));
            assert_eq!(back.changes(Some(&spec)), vec![change]);
        }
    }

    #[test]
    fn entries_apply_by_time_and_ties_in_file_order() {
        // Written out of order, with two entries at 10 s: the later one in
        // the file is applied last, so its 5 servers stay.
        let scenario = crate::sim::Scenario::from_toml(
            r#"
            duration = 30.0
            [station]
            arrival_rate = 1.0
            servers = 1
            service = { distribution = "exponential", mean = 0.1 }
            [[timeline]]
            at = 10.0
            servers = 2
            [[timeline]]
            at = 20.0
            servers = 7
            [[timeline]]
            at = 10.0
            servers = 5
            [[timeline]]
            at = 5.0
            servers = 3
            "#,
        )
        .expect("a valid scenario");
        let mut sim = crate::sim::Simulation::new(&scenario, 1).expect("valid");
        let mut servers = Vec::new();
        for until in [4.0, 6.0, 11.0, 21.0] {
            sim.run_for(until - sim.snapshot().time);
            servers.push(sim.snapshot().seats);
        }
        assert_eq!(servers, [1, 3, 5, 7]);
    }
}
