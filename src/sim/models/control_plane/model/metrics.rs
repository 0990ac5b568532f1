//! What the control plane measures: one latency distribution per class.

use crate::sim::engine::metrics::ClassMetrics;
use crate::sim::engine::time::Nanos;
use crate::sim::models::request::RequestClass;

/// The classes the control plane measures, in the order its metrics list
/// them.
///
/// The first three are the API's latency classes, judged by their SLOs
/// ([`RequestClass::slo`]). `Webhook` times each admission webhook call,
/// `Watch` each event's delivery to watchers after etcd has it, `Discovery`
/// a client's start-up. `QueueWait` is the wait for seats (APF's
/// `apiserver_flowcontrol_request_wait_duration_seconds`) and `EtcdWrite`
/// a write as the API server sees it (`etcd_request_duration_seconds`).
/// `User` repeats the API requests of people (kubectl): the article's case
/// study counts their timeouts. `CacheWait` is a consistent LIST's wait for
/// the watch cache to be fresh (`apiserver_watch_cache_read_wait_seconds`);
/// its timeouts are the LISTs that went to etcd after 3 s
/// (`apiserver_watch_cache_consistent_read_total{fallback="true"}`).
/// `ClientWait` is a request's wait in its client's rate limiter before it
/// is sent (client-go's `rest_client_rate_limiter_duration_seconds`); its
/// timeouts are the requests the client gave up waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetricClass {
    Mutating,
    ReadSingle,
    List,
    Webhook,
    Watch,
    Discovery,
    QueueWait,
    EtcdWrite,
    User,
    CacheWait,
    ClientWait,
}

impl MetricClass {
    pub const ALL: [MetricClass; 11] = [
        MetricClass::Mutating,
        MetricClass::ReadSingle,
        MetricClass::List,
        MetricClass::Webhook,
        MetricClass::Watch,
        MetricClass::Discovery,
        MetricClass::QueueWait,
        MetricClass::EtcdWrite,
        MetricClass::User,
        MetricClass::CacheWait,
        MetricClass::ClientWait,
    ];

    /// The API's latency classes, in the same order as [`RequestClass::ALL`].
    pub const API: [MetricClass; 3] = [
        MetricClass::Mutating,
        MetricClass::ReadSingle,
        MetricClass::List,
    ];

    /// The class's name in summaries, exports and `cplab`'s output.
    pub const fn name(self) -> &'static str {
        match self {
            MetricClass::Mutating => "mutating",
            MetricClass::ReadSingle => "read-single",
            MetricClass::List => "list",
            MetricClass::Webhook => "webhook",
            MetricClass::Watch => "watch",
            MetricClass::Discovery => "discovery",
            MetricClass::QueueWait => "queue-wait",
            MetricClass::EtcdWrite => "etcd-write",
            MetricClass::User => "user",
            MetricClass::CacheWait => "cache-wait",
            MetricClass::ClientWait => "client-wait",
        }
    }

    /// Its place in the model's metrics (as `Simulation::metrics` lists them).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The request class an API class measures.
    pub const fn request_class(self) -> Option<RequestClass> {
        match self {
            MetricClass::Mutating => Some(RequestClass::Mutating),
            MetricClass::ReadSingle => Some(RequestClass::ReadSingle),
            MetricClass::List => Some(RequestClass::List),
            _ => None,
        }
    }

    /// The p99 latency objective this class is judged by, if it has one [s].
    pub fn slo(self) -> Option<f64> {
        self.request_class().map(RequestClass::slo)
    }

    /// The API classes' metrics among a run's (`Simulation::metrics`), in
    /// [`MetricClass::API`]'s order; none unless the run is a control plane's.
    pub fn api_of(metrics: &[ClassMetrics]) -> impl Iterator<Item = &ClassMetrics> {
        let control_plane = metrics.len() == MetricClass::ALL.len();
        MetricClass::API
            .into_iter()
            .filter_map(move |class| metrics.get(class.index()).filter(|_| control_plane))
    }
}

impl From<RequestClass> for MetricClass {
    fn from(class: RequestClass) -> Self {
        match class {
            RequestClass::Mutating => MetricClass::Mutating,
            RequestClass::ReadSingle => MetricClass::ReadSingle,
            RequestClass::List => MetricClass::List,
        }
    }
}

/// Every class's metrics, and the warm-up that decides what is measured.
#[derive(Debug, Clone)]
pub struct Metrics {
    classes: Vec<ClassMetrics>,
    /// requests (and calls, events) that start before it are not in the
    /// summary [ns]
    warmup: Nanos,
}

impl Metrics {
    pub fn new(warmup: Nanos) -> Self {
        Self {
            classes: MetricClass::ALL
                .iter()
                .map(|class| ClassMetrics::new(class.name()))
                .collect(),
            warmup,
        }
    }

    /// Whether something that began at `since` [ns] counts in the summary.
    /// When the measured part of the run begins [ns].
    pub fn warmup(&self) -> Nanos {
        self.warmup
    }

    pub fn measured(&self, since: Nanos) -> bool {
        since >= self.warmup
    }

    /// Every class, in [`MetricClass::ALL`]'s order.
    pub fn as_slice(&self) -> &[ClassMetrics] {
        &self.classes
    }

    pub fn as_mut_slice(&mut self) -> &mut [ClassMetrics] {
        &mut self.classes
    }
}

impl std::ops::Index<MetricClass> for Metrics {
    type Output = ClassMetrics;

    fn index(&self, class: MetricClass) -> &ClassMetrics {
        &self.classes[class.index()]
    }
}

impl std::ops::IndexMut<MetricClass> for Metrics {
    fn index_mut(&mut self, class: MetricClass) -> &mut ClassMetrics {
        &mut self.classes[class.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_classes_are_named_as_their_request_classes() {
        for (class, request) in MetricClass::API.iter().zip(RequestClass::ALL) {
            assert_eq!(class.request_class(), Some(request));
            assert_eq!(class.name(), request.name());
            assert_eq!(MetricClass::from(request), *class);
        }
        for (i, class) in MetricClass::ALL.iter().enumerate() {
            assert_eq!(class.index(), i);
        }
        assert_eq!(MetricClass::List.slo(), Some(30.0));
        assert_eq!(MetricClass::Webhook.slo(), None);
    }
}
