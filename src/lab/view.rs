//! What the page shows of a run: its panels, the latency chart's class, the
//! figures an embed can show, the A/B panel's B and the sweep's range.

use super::controls::Control;
use crate::sim::models::control_plane::MetricClass;
use crate::sim::models::request::RequestClass;

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

/// What the latency chart shows: one of the API's classes against its
/// SLO, or the webhook calls against their timeout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ChartClass {
    #[default]
    Mutating,
    Read,
    List,
    Webhook,
    /// etcd's write latency as the API server's store sees it
    Store,
    /// discovery's start-up latency per client
    Discovery,
    /// the requests of users (kubectl, in global-default), apart from
    /// everyone else's
    Users,
    /// APF's queue wait: from a request's arrival to its seats
    QueueWait,
    /// a request's wait in its client's rate limiter, before it is sent
    ClientWait,
}

/// The line a latency chart is judged against.
#[derive(Debug, Clone, PartialEq)]
pub struct Guide {
    /// [s]
    pub value: f64,
    /// what the chart writes by it
    pub label: String,
}

impl ChartClass {
    pub const ALL: [ChartClass; 9] = [
        ChartClass::Mutating,
        ChartClass::Read,
        ChartClass::List,
        ChartClass::Webhook,
        ChartClass::Store,
        ChartClass::Discovery,
        ChartClass::Users,
        ChartClass::QueueWait,
        ChartClass::ClientWait,
    ];

    /// The URL value.
    pub fn id(self) -> &'static str {
        match self {
            ChartClass::Mutating => "mutating",
            ChartClass::Read => "read",
            ChartClass::List => "list",
            ChartClass::Webhook => "webhook",
            ChartClass::Store => "store",
            ChartClass::Discovery => "discovery",
            ChartClass::Users => "users",
            ChartClass::QueueWait => "queue-wait",
            ChartClass::ClientWait => "client-wait",
        }
    }

    /// The chart's tab.
    pub fn label(self) -> &'static str {
        match self {
            ChartClass::Mutating => "Mutating",
            ChartClass::Read => "Read",
            ChartClass::List => "LIST",
            ChartClass::Webhook => "Webhook calls",
            ChartClass::Store => "Store writes",
            ChartClass::Discovery => "Discovery",
            ChartClass::Users => "Users",
            ChartClass::QueueWait => "APF queue wait",
            ChartClass::ClientWait => "Client wait",
        }
    }

    /// The metric class it charts.
    pub fn metric(self) -> MetricClass {
        match self {
            ChartClass::Mutating => MetricClass::Mutating,
            ChartClass::Read => MetricClass::ReadSingle,
            ChartClass::List => MetricClass::List,
            ChartClass::Webhook => MetricClass::Webhook,
            ChartClass::Store => MetricClass::EtcdWrite,
            ChartClass::Discovery => MetricClass::Discovery,
            ChartClass::Users => MetricClass::User,
            ChartClass::QueueWait => MetricClass::QueueWait,
            ChartClass::ClientWait => MetricClass::ClientWait,
        }
    }

    /// The API request class it charts (none for webhook calls).
    pub fn request_class(self) -> Option<RequestClass> {
        self.metric().request_class()
    }

    /// Its guide line: the class's SLO, or for webhook calls the webhooks'
    /// timeout [s] (`webhook_timeout`); none for the store's writes and
    /// discovery, which have no published objective.
    pub fn guide(self, webhook_timeout: f64) -> Option<Guide> {
        match (self.metric().slo(), self) {
            (Some(slo), _) => Some(Guide {
                value: slo,
                label: format!("SLO {slo} s"),
            }),
            (None, ChartClass::Webhook) => Some(Guide {
                value: webhook_timeout,
                label: "webhook timeout".into(),
            }),
            (None, _) => None,
        }
    }

    /// The guide as the chart's legend names it (an SLO is of the p99).
    pub fn legend(self) -> Option<String> {
        let label = self.guide(0.0)?.label;
        Some(match self.metric().slo() {
            Some(_) => format!("{label} (p99)"),
            None => label,
        })
    }
}

/// The sweep panel's slider and range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sweep {
    /// a slider that sets the control plane
    pub control: Control,
    pub from: f64,
    pub to: f64,
}

impl Default for Sweep {
    fn default() -> Self {
        Self {
            control: Control::Nodes,
            from: 100.0,
            to: 15_000.0,
        }
    }
}
