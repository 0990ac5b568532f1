//! The page's controls as data: the sliders ([`Knob`], with their ranges
//! and how a slider position maps to a value), the mechanism switches, the
//! panels and the figures an embed can show.

use crate::sim::models::control_plane::{Discovery, WebhookHandling};
use crate::sim::models::etcd::client::EtcdClientKind;
use crate::sim::models::flow_control::FlowControlKind;
use crate::sim::models::watch_cache::CacheLocking;

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

    /// The element id and the URL key.
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

    pub fn from_id(id: &str) -> Option<Knob> {
        Knob::ALL.into_iter().find(|k| k.id() == id)
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
                "Mean response time of every admission webhook (assumption: tens of ms)."
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

/// A mechanism switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    FlowControl(FlowControlKind),
    WebhookHandling(WebhookHandling),
    CacheLocking(CacheLocking),
    EtcdClient(EtcdClientKind),
    Discovery(Discovery),
    /// consistent LISTs from the watch cache (true, 1.31+) or etcd
    ConsistentList(bool),
}

/// The page's panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    /// the running control plane: diagram, charts, readouts
    Lab,
    /// the article's comparison table
    Compare,
    /// the article's case study
    CaseStudy,
    /// every claim of the article and its verdict
    Claims,
    /// two configurations side by side
    Ab,
    /// p99 against one slider's range
    Sweep,
}

impl Panel {
    pub const ALL: [Panel; 6] = [
        Panel::Lab,
        Panel::Compare,
        Panel::CaseStudy,
        Panel::Claims,
        Panel::Ab,
        Panel::Sweep,
    ];

    /// The URL value.
    pub fn id(self) -> &'static str {
        match self {
            Panel::Lab => "lab",
            Panel::Compare => "compare",
            Panel::CaseStudy => "case-study",
            Panel::Claims => "claims",
            Panel::Ab => "ab",
            Panel::Sweep => "sweep",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Panel::Lab => "Lab",
            Panel::Compare => "The article's table",
            Panel::CaseStudy => "Case study",
            Panel::Claims => "Claims",
            Panel::Ab => "A/B",
            Panel::Sweep => "Sweep",
        }
    }
}

/// The figures a page embeds on its own (`?embed=…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    /// the request path, animated
    Diagram,
    /// the latency chart against the SLO
    Latency,
    /// the diagram with the latency chart under it
    DiagramChart,
    /// the article's comparison table, recomputed
    Table,
}

impl Figure {
    pub const ALL: [Figure; 4] = [
        Figure::Diagram,
        Figure::Latency,
        Figure::DiagramChart,
        Figure::Table,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Figure::Diagram => "diagram",
            Figure::Latency => "latency",
            Figure::DiagramChart => "diagram-chart",
            Figure::Table => "table",
        }
    }
}
