//! What the reader has set on the page, as plain data.
//!
//! [`Params`] is the whole definition of a view: the scenario it starts
//! from (a shipped preset or an imported file), every slider and switch,
//! the faults, seed, speed and the open panel. The page scenario is the
//! base scenario with the reader's changes on top ([`Params::scenario`]),
//! and [`Params::changes_since`] turns a change of settings into
//! `reconfigure` calls on the running simulation.

use crate::sim::models::control_plane::{
    ControlPlaneChange as C, ControlPlaneSpec, Discovery, WebhookHandling,
};
use crate::sim::models::etcd::client::EtcdClientKind;
use crate::sim::models::flow_control::FlowControlKind;
use crate::sim::models::watch_cache::CacheLocking;
use crate::sim::studies::catalog::{self, Group};
use crate::sim::{Change, Scenario, ScenarioError};
use std::rc::Rc;

pub use super::controls::{Figure, Knob, Panel, Range, Switch};

/// Where the page's scenario comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Base {
    /// a shipped scenario, by catalog id
    Preset(&'static str),
    /// a scenario file the reader imported (it has a control plane)
    Imported(Rc<Scenario>),
}

/// What the reader has set.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub base: Base,
    pub nodes: f64,
    pub max_requests_inflight: f64,
    pub max_mutating_requests_inflight: f64,
    pub webhook_concurrency: f64,
    /// [ms]
    pub webhook_latency: f64,
    /// [s]
    pub webhook_timeout: f64,
    pub etcd_connections: f64,
    /// [ms]
    pub etcd_fsync_latency: f64,
    pub namespaces: f64,
    /// simulated seconds per wall second
    pub speed: f64,
    pub flow_control: FlowControlKind,
    pub webhook_handling: WebhookHandling,
    pub cache_locking: CacheLocking,
    pub etcd_client: EtcdClientKind,
    pub discovery: Discovery,
    pub consistent_list_from_cache: bool,
    /// fault: webhooks slower by `SLOW_WEBHOOK_FACTOR` (or as the timeline set)
    pub slow_webhook: bool,
    /// fault: fsyncs slower by `FSYNC_SPIKE_FACTOR`
    pub fsync_spike: bool,
    /// one-shot faults: each press increments its counter
    pub elections: u32,
    pub restart_storms: u32,
    pub playing: bool,
    /// the run's seed; a new seed restarts the run
    pub seed: u64,
    /// incremented by Reset: a new run with the same settings
    pub run: u32,
    /// steps of the simulated clock requested while paused
    pub steps: u32,
    pub help_open: bool,
    /// the class the latency chart shows (index into the metric classes)
    pub chart_class: usize,
    pub panel: Panel,
    /// the figure shown alone, in embed mode
    pub embed: Option<Figure>,
    /// the controls an embedded figure shows
    pub embed_controls: Vec<Knob>,
    /// the A/B panel's B: this preset's mechanisms on A's workload
    pub ab_preset: &'static str,
    /// the sweep panel's slider and range
    pub sweep_knob: Knob,
    pub sweep_from: f64,
    pub sweep_to: f64,
}

/// The slow-webhook fault multiplies webhook latencies by this.
pub const SLOW_WEBHOOK_FACTOR: f64 = 50.0;
/// The fsync-spike fault multiplies fsync durations by this.
pub const FSYNC_SPIKE_FACTOR: f64 = 50.0;
/// The restart storm restarts this fraction of the discovery clients.
pub const RESTART_FRACTION: f64 = 0.5;
/// The preset a page opens with.
pub const DEFAULT_PRESET: &str = "k8s-1.32";

impl Default for Params {
    /// Upstream Kubernetes 1.32 at 1,000 nodes.
    fn default() -> Self {
        Self::for_preset(DEFAULT_PRESET).unwrap_or_else(|_| Self::fallback())
    }
}

impl Params {
    /// The controls as a preset sets them.
    pub fn for_preset(id: &str) -> Result<Self, ScenarioError> {
        let entry = catalog::find(id)
            .filter(|e| e.group != Group::Example || e.id == "k8s-1.32-5000")
            .ok_or_else(|| ScenarioError::new("preset", format!("no preset called \"{id}\"")))?;
        let scenario = entry.scenario()?;
        let mut params = Self::fallback();
        params.base = Base::Preset(entry.id);
        params.take_controls_from(&scenario)?;
        Ok(params)
    }

    /// The controls as an imported scenario sets them.
    pub fn for_imported(scenario: Scenario) -> Result<Self, ScenarioError> {
        let mut params = Self::fallback();
        params.take_controls_from(&scenario)?;
        params.base = Base::Imported(Rc::new(scenario));
        Ok(params)
    }

    /// Copies every control's value from the scenario's control plane.
    fn take_controls_from(&mut self, scenario: &Scenario) -> Result<(), ScenarioError> {
        let spec = scenario.control_plane.as_ref().ok_or_else(|| {
            ScenarioError::new(
                "",
                "the page runs [control_plane] scenarios; run this one with `cplab run`",
            )
        })?;
        self.nodes = spec.workload.nodes as f64;
        self.max_requests_inflight = spec.max_requests_inflight as f64;
        self.max_mutating_requests_inflight = spec.max_mutating_requests_inflight as f64;
        self.webhook_concurrency = spec.webhook_concurrency as f64;
        if let Some(hook) = spec.webhooks.first() {
            self.webhook_latency = hook.latency.mean() * 1e3;
            self.webhook_timeout = hook.timeout;
        }
        self.etcd_connections = spec.etcd_client.pool_connections as f64;
        self.etcd_fsync_latency = spec.etcd.fsync.mean() * 1e3;
        self.namespaces = spec.workload.namespaces as f64;
        self.flow_control = spec.flow_control;
        self.webhook_handling = spec.webhook_handling;
        self.cache_locking = spec.cache_locking;
        self.etcd_client = spec.etcd_client.kind;
        self.discovery = spec.discovery;
        self.consistent_list_from_cache = spec.consistent_list_from_cache;
        // A scenario's values may lie outside a slider's range: the slider
        // shows the nearest value it can, the scenario keeps its own.
        for knob in Knob::ALL {
            let value = self.get(knob);
            if let Some(clamped) = knob.range().clamp(value) {
                *self.slot(knob) = clamped;
            }
        }
        if let Some(seed) = scenario.seed {
            self.seed = seed;
        }
        Ok(())
    }

    /// Upstream's numbers, for when no preset can be read (never, for the
    /// shipped ones: a test reads them all).
    fn fallback() -> Self {
        Self {
            base: Base::Preset(DEFAULT_PRESET),
            nodes: 1_000.0,
            max_requests_inflight: 400.0,
            max_mutating_requests_inflight: 200.0,
            webhook_concurrency: 500.0,
            webhook_latency: 25.0,
            webhook_timeout: 10.0,
            etcd_connections: 10.0,
            etcd_fsync_latency: 0.8,
            namespaces: 100.0,
            speed: 1.0,
            flow_control: FlowControlKind::Apf,
            webhook_handling: WebhookHandling::Inline,
            cache_locking: CacheLocking::PerResource,
            etcd_client: EtcdClientKind::PerResource,
            discovery: Discovery::Aggregated,
            consistent_list_from_cache: true,
            slow_webhook: false,
            fsync_spike: false,
            elections: 0,
            restart_storms: 0,
            playing: true,
            seed: 1,
            run: 0,
            steps: 0,
            help_open: false,
            chart_class: 0,
            panel: Panel::Lab,
            embed: None,
            embed_controls: Vec::new(),
            ab_preset: "k8s-1.32-article",
            sweep_knob: Knob::Nodes,
            sweep_from: 100.0,
            sweep_to: 15_000.0,
        }
    }

    /// The base scenario, as shipped or imported.
    pub fn base_scenario(&self) -> Result<Scenario, ScenarioError> {
        match &self.base {
            Base::Preset(id) => catalog::find(id)
                .ok_or_else(|| ScenarioError::new("preset", format!("no preset called \"{id}\"")))?
                .scenario(),
            Base::Imported(scenario) => Ok((**scenario).clone()),
        }
    }

    /// The controls as the base scenario sets them.
    pub fn base_params(&self) -> Result<Params, ScenarioError> {
        let mut params = Self::fallback();
        params.take_controls_from(&self.base_scenario()?)?;
        params.base = self.base.clone();
        Ok(params)
    }

    /// The scenario the page runs: the base, with every control the reader
    /// moved away from the base's value. (Untouched controls keep the
    /// base's exact values, so a preset runs on the page as `cplab run`
    /// runs it.)
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        let mut scenario = self.base_scenario()?;
        let base = self.base_params()?;
        if let Some(spec) = scenario.control_plane.as_mut() {
            self.apply_differences(&base, spec);
        }
        scenario.seed = Some(self.seed);
        scenario.check()?;
        Ok(scenario)
    }

    /// Sets on `spec` every control that differs between `self` and `base`.
    pub fn apply_differences(&self, base: &Params, spec: &mut ControlPlaneSpec) {
        let n = |x: f64| x.round() as u32;
        let differs = |knob: Knob| self.get(knob) != base.get(knob);
        if differs(Knob::Nodes) {
            spec.workload.nodes = n(self.nodes);
        }
        if differs(Knob::MaxRequestsInflight) {
            spec.max_requests_inflight = n(self.max_requests_inflight);
        }
        if differs(Knob::MaxMutatingRequestsInflight) {
            spec.max_mutating_requests_inflight = n(self.max_mutating_requests_inflight);
        }
        if differs(Knob::WebhookConcurrency) {
            spec.webhook_concurrency = n(self.webhook_concurrency);
        }
        if differs(Knob::WebhookLatency) {
            for hook in &mut spec.webhooks {
                hook.latency = hook.latency.with_mean(self.webhook_latency / 1e3);
            }
        }
        if differs(Knob::WebhookTimeout) {
            for hook in &mut spec.webhooks {
                hook.timeout = self.webhook_timeout;
            }
        }
        if differs(Knob::EtcdConnections) {
            spec.etcd_client.pool_connections = n(self.etcd_connections);
        }
        if differs(Knob::EtcdFsyncLatency) {
            spec.etcd.fsync = spec.etcd.fsync.with_mean(self.etcd_fsync_latency / 1e3);
        }
        if differs(Knob::Namespaces) {
            spec.workload.namespaces = n(self.namespaces);
        }
        spec.flow_control = self.flow_control;
        spec.webhook_handling = self.webhook_handling;
        spec.cache_locking = self.cache_locking;
        spec.etcd_client.kind = self.etcd_client;
        spec.discovery = self.discovery;
        spec.consistent_list_from_cache = self.consistent_list_from_cache;
    }

    pub fn get(&self, knob: Knob) -> f64 {
        match knob {
            Knob::Nodes => self.nodes,
            Knob::MaxRequestsInflight => self.max_requests_inflight,
            Knob::MaxMutatingRequestsInflight => self.max_mutating_requests_inflight,
            Knob::WebhookConcurrency => self.webhook_concurrency,
            Knob::WebhookLatency => self.webhook_latency,
            Knob::WebhookTimeout => self.webhook_timeout,
            Knob::EtcdConnections => self.etcd_connections,
            Knob::EtcdFsyncLatency => self.etcd_fsync_latency,
            Knob::Namespaces => self.namespaces,
            Knob::Speed => self.speed,
        }
    }

    pub fn slot(&mut self, knob: Knob) -> &mut f64 {
        match knob {
            Knob::Nodes => &mut self.nodes,
            Knob::MaxRequestsInflight => &mut self.max_requests_inflight,
            Knob::MaxMutatingRequestsInflight => &mut self.max_mutating_requests_inflight,
            Knob::WebhookConcurrency => &mut self.webhook_concurrency,
            Knob::WebhookLatency => &mut self.webhook_latency,
            Knob::WebhookTimeout => &mut self.webhook_timeout,
            Knob::EtcdConnections => &mut self.etcd_connections,
            Knob::EtcdFsyncLatency => &mut self.etcd_fsync_latency,
            Knob::Namespaces => &mut self.namespaces,
            Knob::Speed => &mut self.speed,
        }
    }

    /// Sets a switch.
    pub fn set_switch(&mut self, switch: Switch) {
        match switch {
            Switch::FlowControl(v) => self.flow_control = v,
            Switch::WebhookHandling(v) => self.webhook_handling = v,
            Switch::CacheLocking(v) => self.cache_locking = v,
            Switch::EtcdClient(v) => self.etcd_client = v,
            Switch::Discovery(v) => self.discovery = v,
            Switch::ConsistentList(v) => self.consistent_list_from_cache = v,
        }
    }

    /// Whether a new run must start to go from `before` to `self` (another
    /// base scenario, seed, or a Reset), rather than changes to the
    /// running one.
    pub fn needs_new_run(&self, before: &Params) -> bool {
        self.base != before.base || self.seed != before.seed || self.run != before.run
    }

    /// The simulation changes that turn `before` into `self`.
    pub fn changes_since(&self, before: &Params) -> Vec<Change> {
        let mut changes = Vec::new();
        let mut push = |c: C| changes.push(Change::ControlPlane(c));
        let n = |x: f64| x.round() as u32;
        if self.nodes != before.nodes {
            push(C::Nodes(n(self.nodes)));
        }
        if self.max_requests_inflight != before.max_requests_inflight
            || self.max_mutating_requests_inflight != before.max_mutating_requests_inflight
        {
            push(C::InflightLimits {
                read_only: n(self.max_requests_inflight),
                mutating: n(self.max_mutating_requests_inflight),
            });
        }
        if self.webhook_concurrency != before.webhook_concurrency {
            push(C::WebhookConcurrency(n(self.webhook_concurrency)));
        }
        if self.webhook_latency != before.webhook_latency {
            push(C::WebhookLatency(self.webhook_latency / 1e3));
        }
        if self.webhook_timeout != before.webhook_timeout {
            push(C::WebhookTimeout(self.webhook_timeout));
        }
        if self.etcd_connections != before.etcd_connections {
            push(C::EtcdConnections(n(self.etcd_connections)));
        }
        if self.etcd_fsync_latency != before.etcd_fsync_latency {
            push(C::FsyncLatency(self.etcd_fsync_latency / 1e3));
        }
        if self.namespaces != before.namespaces {
            push(C::Namespaces(n(self.namespaces)));
        }
        if self.flow_control != before.flow_control {
            push(C::FlowControl(self.flow_control));
        }
        if self.webhook_handling != before.webhook_handling {
            push(C::WebhookHandling(self.webhook_handling));
        }
        if self.cache_locking != before.cache_locking {
            push(C::CacheLocking(self.cache_locking));
        }
        if self.etcd_client != before.etcd_client {
            push(C::EtcdClient(self.etcd_client));
        }
        if self.discovery != before.discovery {
            push(C::Discovery(self.discovery));
        }
        if self.consistent_list_from_cache != before.consistent_list_from_cache {
            push(C::ConsistentListFromCache(self.consistent_list_from_cache));
        }
        if self.slow_webhook != before.slow_webhook {
            push(C::SlowWebhook(if self.slow_webhook {
                SLOW_WEBHOOK_FACTOR
            } else {
                1.0
            }));
        }
        if self.fsync_spike != before.fsync_spike {
            push(C::FsyncSpike(if self.fsync_spike {
                FSYNC_SPIKE_FACTOR
            } else {
                1.0
            }));
        }
        for _ in before.elections..self.elections {
            push(C::LeaderElection);
        }
        for _ in before.restart_storms..self.restart_storms {
            push(C::RestartStorm(RESTART_FRACTION));
        }
        changes
    }

    /// Mirrors on the controls a change the scenario's timeline made, so
    /// the page shows it and does not make it a second time.
    pub fn absorb(&mut self, change: &Change) {
        let Change::ControlPlane(change) = change else {
            return;
        };
        let clamp = |knob: Knob, value: f64| knob.range().clamp(value).unwrap_or(value);
        match *change {
            C::Nodes(n) => self.nodes = clamp(Knob::Nodes, n as f64),
            C::InflightLimits {
                read_only,
                mutating,
            } => {
                self.max_requests_inflight = clamp(Knob::MaxRequestsInflight, read_only as f64);
                self.max_mutating_requests_inflight =
                    clamp(Knob::MaxMutatingRequestsInflight, mutating as f64);
            }
            C::WebhookConcurrency(n) => {
                self.webhook_concurrency = clamp(Knob::WebhookConcurrency, n as f64)
            }
            C::WebhookLatency(s) => self.webhook_latency = clamp(Knob::WebhookLatency, s * 1e3),
            C::WebhookTimeout(s) => self.webhook_timeout = clamp(Knob::WebhookTimeout, s),
            C::EtcdConnections(n) => self.etcd_connections = clamp(Knob::EtcdConnections, n as f64),
            C::FsyncLatency(s) => self.etcd_fsync_latency = clamp(Knob::EtcdFsyncLatency, s * 1e3),
            C::Namespaces(n) => self.namespaces = clamp(Knob::Namespaces, n as f64),
            C::FlowControl(v) => self.flow_control = v,
            C::WebhookHandling(v) => self.webhook_handling = v,
            C::CacheLocking(v) => self.cache_locking = v,
            C::EtcdClient(v) => self.etcd_client = v,
            C::Discovery(v) => self.discovery = v,
            C::ConsistentListFromCache(v) => self.consistent_list_from_cache = v,
            C::SlowWebhook(f) => self.slow_webhook = f != 1.0,
            C::FsyncSpike(f) => self.fsync_spike = f != 1.0,
            C::LeaderElection => self.elections = self.elections.wrapping_add(1),
            C::RestartStorm(_) => self.restart_storms = self.restart_storms.wrapping_add(1),
            C::SourceRate { .. } => {}
        }
    }

    /// The catalog id of the base, if it is shipped.
    pub fn preset_id(&self) -> Option<&'static str> {
        match self.base {
            Base::Preset(id) => Some(id),
            Base::Imported(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Simulation;

    #[test]
    fn every_shipped_control_plane_scenario_opens_on_the_page_as_cplab_runs_it() {
        for entry in catalog::CATALOG {
            let Ok(params) = Params::for_preset(entry.id) else {
                continue;
            };
            let shipped = entry.scenario().expect("valid");
            let page = params.scenario().expect("valid");
            assert_eq!(
                page.control_plane, shipped.control_plane,
                "{}: untouched controls keep the file's values",
                entry.id
            );
            assert!(params.changes_since(&params).is_empty());
        }
        assert!(Params::for_preset("mm1").is_err(), "not a control plane");
        assert!(Params::for_preset("nope").is_err());
    }

    #[test]
    fn a_moved_control_reaches_the_scenario_and_the_running_model() {
        let before = Params::default();
        let mut after = before.clone();
        after.nodes = 5_000.0;
        after.consistent_list_from_cache = false;
        let scenario = after.scenario().expect("valid");
        let spec = scenario.control_plane.as_ref().expect("control plane");
        assert_eq!(spec.workload.nodes, 5_000);
        assert!(!spec.consistent_list_from_cache);
        let changes = after.changes_since(&before);
        assert_eq!(changes.len(), 2);
        let mut sim = Simulation::new(&before.scenario().expect("valid"), 1).expect("valid");
        for change in changes {
            sim.reconfigure(change).expect("valid");
        }
        let live = sim.scenario().control_plane.expect("control plane");
        assert_eq!(&live, spec, "changing a run = starting with the change");
    }

    #[test]
    fn a_timeline_change_absorbed_leaves_nothing_to_apply() {
        let before = Params::default();
        let mut after = before.clone();
        for change in [
            Change::ControlPlane(C::SlowWebhook(f64::INFINITY)),
            Change::ControlPlane(C::InflightLimits {
                read_only: 50,
                mutating: 25,
            }),
        ] {
            after.absorb(&change);
        }
        assert!(after.slow_webhook);
        assert_eq!(after.max_requests_inflight, 50.0);
        let mut mirrored = before.clone();
        mirrored.absorb(&Change::ControlPlane(C::SlowWebhook(f64::INFINITY)));
        mirrored.absorb(&Change::ControlPlane(C::InflightLimits {
            read_only: 50,
            mutating: 25,
        }));
        assert!(after.changes_since(&mirrored).is_empty());
    }
}
