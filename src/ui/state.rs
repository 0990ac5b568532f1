//! The page's controls as data, and the reducer that changes them.
//!
//! Components dispatch [`Action`]s; the reducer clamps every value into its
//! control's range, so nothing a slider, key or URL sends can reach the
//! simulation out of range. The running simulation lives outside Yew state
//! (see `live.rs`): the reducer only says what the reader asked for, and
//! [`Params::changes_since`] turns the difference into `reconfigure` calls.

use crate::sim::Change;
use crate::sim::control_plane::{ControlPlaneChange as C, Discovery, WebhookHandling};
use crate::sim::etcd::client::EtcdClientKind;
use crate::sim::flowcontrol::FlowControlKind;
use crate::sim::watchcache::CacheLocking;
use std::rc::Rc;
use yew::Reducible;

/// A numeric control: its range and how its slider maps to values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub min: f64,
    pub max: f64,
    /// the slider moves in log(value) rather than value
    pub logarithmic: bool,
    /// values are whole numbers
    pub integer: bool,
}

impl Range {
    /// Clamps (and rounds) a value; NaN gives `None`.
    pub fn clamp(&self, value: f64) -> Option<f64> {
        if value.is_nan() {
            return None;
        }
        let v = value.clamp(self.min, self.max);
        Some(if self.integer { v.round() } else { v })
    }

    /// Slider position in [0, 1000] for a value.
    pub fn to_position(&self, value: f64) -> f64 {
        let t = if self.logarithmic {
            (value.max(self.min).ln() - self.min.ln()) / (self.max.ln() - self.min.ln())
        } else {
            (value - self.min) / (self.max - self.min)
        };
        (t.clamp(0.0, 1.0) * 1000.0).round()
    }

    /// The value at a slider position in [0, 1000].
    pub fn from_position(&self, position: f64) -> f64 {
        let t = (position / 1000.0).clamp(0.0, 1.0);
        let v = if self.logarithmic {
            (self.min.ln() + t * (self.max.ln() - self.min.ln())).exp()
        } else {
            self.min + t * (self.max - self.min)
        };
        self.clamp(v).unwrap_or(self.min)
    }
}

/// The numeric controls, in the order the page shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Knob {
    Nodes,
    MaxRequestsInflight,
    MaxMutatingRequestsInflight,
    WebhookConcurrency,
    WebhookLatency,
    WebhookTimeout,
    EtcdConnections,
    EtcdFsyncLatency,
    Namespaces,
    Speed,
}

impl Knob {
    pub const ALL: [Knob; 10] = [
        Knob::Nodes,
        Knob::MaxRequestsInflight,
        Knob::MaxMutatingRequestsInflight,
        Knob::WebhookConcurrency,
        Knob::WebhookLatency,
        Knob::WebhookTimeout,
        Knob::EtcdConnections,
        Knob::EtcdFsyncLatency,
        Knob::Namespaces,
        Knob::Speed,
    ];

    /// The visible label, which is also the slider's accessible name.
    pub fn label(self) -> &'static str {
        match self {
            Knob::Nodes => "Nodes",
            Knob::MaxRequestsInflight => "max-requests-inflight",
            Knob::MaxMutatingRequestsInflight => "max-mutating-requests-inflight",
            Knob::WebhookConcurrency => "Webhook concurrency",
            Knob::WebhookLatency => "Webhook latency",
            Knob::WebhookTimeout => "Webhook timeout",
            Knob::EtcdConnections => "etcd connections",
            Knob::EtcdFsyncLatency => "etcd fsync latency",
            Knob::Namespaces => "Namespaces",
            Knob::Speed => "Speed",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Knob::WebhookLatency | Knob::EtcdFsyncLatency => "ms",
            Knob::WebhookTimeout => "s",
            Knob::Speed => "×",
            _ => "",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Knob::Nodes => "nodes",
            Knob::MaxRequestsInflight => "max-requests-inflight",
            Knob::MaxMutatingRequestsInflight => "max-mutating-requests-inflight",
            Knob::WebhookConcurrency => "webhook-concurrency",
            Knob::WebhookLatency => "webhook-latency",
            Knob::WebhookTimeout => "webhook-timeout",
            Knob::EtcdConnections => "etcd-connections",
            Knob::EtcdFsyncLatency => "etcd-fsync-latency",
            Knob::Namespaces => "namespaces",
            Knob::Speed => "speed",
        }
    }

    pub fn range(self) -> Range {
        let (min, max, logarithmic, integer) = match self {
            Knob::Nodes => (1.0, 15_000.0, true, true),
            Knob::MaxRequestsInflight => (1.0, 3_000.0, true, true),
            Knob::MaxMutatingRequestsInflight => (1.0, 1_500.0, true, true),
            Knob::WebhookConcurrency => (1.0, 2_000.0, true, true),
            Knob::WebhookLatency => (1.0, 10_000.0, true, false),
            Knob::WebhookTimeout => (1.0, 30.0, false, true),
            Knob::EtcdConnections => (1.0, 100.0, true, true),
            Knob::EtcdFsyncLatency => (0.1, 100.0, true, false),
            Knob::Namespaces => (1.0, 10_000.0, true, true),
            Knob::Speed => (0.01, 100.0, true, false),
        };
        Range {
            min,
            max,
            logarithmic,
            integer,
        }
    }

    /// What the control does, and where its default comes from.
    pub fn hint(self) -> &'static str {
        match self {
            Knob::Nodes => {
                "Worker nodes: leases, status updates, pod churn and LIST sizes grow with them."
            }
            Knob::MaxRequestsInflight => {
                "Upstream flag, default 400. APF's seats are the sum of the two flags."
            }
            Knob::MaxMutatingRequestsInflight => "Upstream flag, default 200.",
            Knob::WebhookConcurrency => {
                "The article's dedicated webhook limit (default 500). Not in upstream Kubernetes."
            }
            Knob::WebhookLatency => {
                "Mean response time of each admission webhook (assumption: tens of ms)."
            }
            Knob::WebhookTimeout => {
                "timeoutSeconds of every webhook: default 10, allowed 1-30 (upstream)."
            }
            Knob::EtcdConnections => {
                "The article's etcd connection pool (default 10). Upstream uses one connection per resource."
            }
            Knob::EtcdFsyncLatency => {
                "Mean WAL fsync time: an SSD is under 1 ms, a spinning disk about 10 ms."
            }
            Knob::Namespaces => {
                "Namespaces the pods are spread over (and the article's cache shards)."
            }
            Knob::Speed => "Simulated seconds per real second.",
        }
    }
}

/// What the reader has set.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
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
    /// fault: webhooks 50× slower
    pub slow_webhook: bool,
    /// fault: fsyncs 50× slower
    pub fsync_spike: bool,
    /// one-shot faults: each press increments its counter
    pub elections: u32,
    pub restart_storms: u32,
    pub playing: bool,
    /// the run's seed; a new seed restarts the run
    pub seed: u64,
    /// incremented by Reset: a new run with the same settings
    pub run: u32,
    /// one step of the simulated clock requested while paused [s]
    pub steps: u32,
    pub help_open: bool,
    /// the class the latency chart shows (index into the metric classes)
    pub chart_class: usize,
}

impl Default for Params {
    /// Upstream Kubernetes 1.32 defaults at 1,000 nodes.
    fn default() -> Self {
        Self {
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
        }
    }
}

/// A mechanism switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    FlowControl(FlowControlKind),
    WebhookHandling(WebhookHandling),
    CacheLocking(CacheLocking),
    EtcdClient(EtcdClientKind),
    Discovery(Discovery),
}

/// Something the reader did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    Set(Knob, f64),
    Switch(Switch),
    ToggleSlowWebhook,
    ToggleFsyncSpike,
    LeaderElection,
    RestartStorm,
    TogglePlay,
    Step,
    Reset,
    SetSeed(u64),
    ToggleHelp,
    /// show this metric class in the latency chart
    ChartClass(usize),
}

impl Params {
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

    fn slot(&mut self, knob: Knob) -> &mut f64 {
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

    /// The simulation changes that turn `before` into `self` (a new seed or
    /// a reset is not a change: it starts a new run, see `live.rs`).
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
}

/// The slow-webhook fault multiplies webhook latencies by this.
pub const SLOW_WEBHOOK_FACTOR: f64 = 50.0;
/// The fsync-spike fault multiplies fsync durations by this.
pub const FSYNC_SPIKE_FACTOR: f64 = 50.0;
/// The restart storm restarts this fraction of the discovery clients.
pub const RESTART_FRACTION: f64 = 0.5;

impl Reducible for Params {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Set(knob, value) => {
                if let Some(value) = knob.range().clamp(value) {
                    *next.slot(knob) = value;
                }
            }
            Action::Switch(switch) => match switch {
                Switch::FlowControl(v) => next.flow_control = v,
                Switch::WebhookHandling(v) => next.webhook_handling = v,
                Switch::CacheLocking(v) => next.cache_locking = v,
                Switch::EtcdClient(v) => next.etcd_client = v,
                Switch::Discovery(v) => next.discovery = v,
            },
            Action::ToggleSlowWebhook => next.slow_webhook = !next.slow_webhook,
            Action::ToggleFsyncSpike => next.fsync_spike = !next.fsync_spike,
            Action::LeaderElection => next.elections = next.elections.wrapping_add(1),
            Action::RestartStorm => next.restart_storms = next.restart_storms.wrapping_add(1),
            Action::TogglePlay => next.playing = !next.playing,
            Action::Step => next.steps = next.steps.wrapping_add(1),
            Action::Reset => next.run = next.run.wrapping_add(1),
            Action::SetSeed(seed) => next.seed = seed,
            Action::ToggleHelp => next.help_open = !next.help_open,
            Action::ChartClass(class) => next.chart_class = class.min(3),
        }
        // Same value: hand back the same Rc so Yew skips the re-render.
        if next == *self { self } else { Rc::new(next) }
    }
}
