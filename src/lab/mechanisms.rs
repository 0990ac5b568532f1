//! The mechanisms the lab explains, as data: what each does, where it
//! comes from, the part of the diagram it lives in, and its "Try" tip, a
//! story (`story`), so the tip's promise is tested as every story's is.

use super::controls::Control;
use super::story::Story;

/// A part of the diagram a reader can click to have it explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Clients,
    FlowControl,
    Webhooks,
    WatchCache,
    Etcd,
}

impl Part {
    pub const ALL: [Part; 5] = [
        Part::Clients,
        Part::FlowControl,
        Part::Webhooks,
        Part::WatchCache,
        Part::Etcd,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Part::Clients => "Clients",
            Part::FlowControl => "Flow control",
            Part::Webhooks => "Webhooks",
            Part::WatchCache => "Watch cache",
            Part::Etcd => "etcd",
        }
    }
}

/// One mechanism's explanation.
pub struct Mechanism {
    pub title: &'static str,
    /// the article's version, not upstream Kubernetes'
    pub article: bool,
    pub what: &'static str,
    pub source: &'static str,
    /// the story that tries it
    pub tip: &'static str,
    /// where it is drawn
    pub part: Part,
    /// the controls and faults that set it
    pub controls: &'static [Control],
}

impl Mechanism {
    /// The story its tip tells.
    pub fn tip(&self) -> Option<&'static Story> {
        Story::find(self.tip)
    }
}

/// The flow controls' settings: the switch and the two inflight flags,
/// which every flow control reads in its own way.
const FLOW_CONTROL: &[Control] = &[
    Control::FlowControl,
    Control::MaxRequestsInflight,
    Control::MaxMutatingRequestsInflight,
];

/// APF's: the flow controls' and its seat borrowing.
const APF: &[Control] = &[
    Control::FlowControl,
    Control::SeatBorrowing,
    Control::MaxRequestsInflight,
    Control::MaxMutatingRequestsInflight,
];

/// Every mechanism, in the order the page explains them.
pub const MECHANISMS: [Mechanism; 12] = [
    Mechanism {
        title: "API Priority and Fairness",
        article: false,
        what: "Each request is matched by a flow schema to a priority level (kubelets' leases to node-high, controllers to workload-high, users to global-default, …). Each level owns a share of the server's seats (the sum of the two inflight flags: 600 by default). Within a level, flows are shuffle-sharded onto queues and served by fair queuing, so one flooding flow cannot starve the others; a full queue or a 15 s wait gets HTTP 429. LISTs take one seat per 100 objects. Every 10 s the levels lend and borrow seats by their recent demand: a level keeps at least the seats it cannot lend (workload-low may lend 90 %, leader-election none) and the ones it used, and the rest go in proportion to demand.",
        source: "kubernetes.md: pkg/util/flowcontrol (queueset.go, apf_controller.go), pkg/apis/flowcontrol/bootstrap/default.go",
        tip: "try-apf",
        controls: APF,
        part: Part::FlowControl,
    },
    Mechanism {
        title: "Max inflight (APF off)",
        article: false,
        what: "Before APF: read-only requests count against --max-requests-inflight (400), mutating ones against --max-mutating-requests-inflight (200). Over the limit, HTTP 429 at once; no queues, no fairness.",
        source: "kubernetes.md: pkg/server/config.go",
        tip: "try-max-inflight",
        controls: FLOW_CONTROL,
        part: Part::FlowControl,
    },
    Mechanism {
        title: "The article's priority queue",
        article: true,
        what: "Three classes served in strict priority, mutating > read > webhook, in one queue of capacity 1,000 with a 500 ms per-request timeout. A steady stream of writes starves reads completely, which APF's fair queuing prevents.",
        source: "article.md A1 (not in upstream Kubernetes)",
        tip: "try-article-queue",
        controls: FLOW_CONTROL,
        part: Part::FlowControl,
    },
    Mechanism {
        title: "The API server's CPU",
        article: false,
        what: "Every request's handler (1 ms, and 6 ms more for a write), every response's encoding (per KiB, more as JSON for kubectl) and each resource's watch dispatcher share the API server's cores. While fewer run than there are cores each runs at full speed; with more, all of them slow down alike, so seats are held longer and queues grow. APF's seats bound how many requests run at once, so each gets about cores / seats of a core (the watch dispatchers and exempt requests hold no seat and come on top), which is what keeps a flood from starving everyone. Each API server has its own cores.",
        source: "costs: the protobuf proposal's benchmark and kubernetes#77127 (fitted); cores: kube-up's get-master-size",
        tip: "try-cpu",
        controls: &[Control::ApiServerCores, Control::Nodes],
        part: Part::FlowControl,
    },
    Mechanism {
        title: "The API server's memory",
        article: false,
        what: "An API server's heap holds its watch cache (every object it caches, about three bytes of heap per stored byte) and the responses it is building: before the first byte of a LIST goes out, its whole response is in memory, three times the objects' size, with etcd's raw reply on top when it came from etcd. APF bounds how many requests run, not how much memory they hold, so a storm of large LISTs can take the heap past its limit. The OOM killer then kills the server: every request on it fails, its clients reconnect to the others, and it comes back with empty caches whose re-lists are another spike.",
        source: "fitted to the API-streaming blog's synthetic test (kubernetes.io, 2024-12-17: 16 informers' LISTs of 0.4 GB took a server to about 20 GB); limit: kube-up's n1-standard VM, 3.75 GiB a core",
        tip: "list-storm",
        controls: &[Control::ApiServerMemory, Control::ConsistentList],
        part: Part::FlowControl,
    },
    Mechanism {
        title: "API servers behind a load balancer",
        article: false,
        what: "Each API server has its own seats (the inflight flags are per server), cores, watch caches and etcd connections. Kubelets, controllers and operators keep one long-lived HTTP/2 connection and stay on the server they first reached; kubectl connects per command. A restart sends a server's clients to the others, and they stay there after it is back: only --goaway-chance, which tells a client now and then to reconnect, evens them out again.",
        source: "kubeadm's HA topology (3 control-plane nodes); apiserver filters/goaway.go",
        tip: "try-replicas",
        controls: &[Control::ApiServers, Control::RestartApiServer],
        part: Part::FlowControl,
    },
    Mechanism {
        title: "Admission webhooks, inline",
        article: false,
        what: "Matching writes call the webhooks while they hold their seats: mutating webhooks one after another, validating ones in parallel. Each call has a timeout (default 10 s, 1-30) and a failure policy (default Fail).",
        source: "kubernetes.md: admissionregistration/v1 types.go",
        tip: "try-webhooks",
        controls: &[
            Control::WebhookHandling,
            Control::WebhookLatency,
            Control::WebhookTimeout,
            Control::SlowWebhook,
        ],
        part: Part::Webhooks,
    },
    Mechanism {
        title: "A dedicated webhook limit",
        article: true,
        what: "The article's --webhook-request-concurrency: the request gives its seats back while it waits for one of 500 webhook slots, so a slow webhook no longer holds API seats. No such flag exists upstream.",
        source: "article.md A2 (not in upstream Kubernetes)",
        tip: "try-dedicated",
        controls: &[
            Control::WebhookHandling,
            Control::WebhookConcurrency,
            Control::SlowWebhook,
        ],
        part: Part::Webhooks,
    },
    Mechanism {
        title: "Watch cache",
        article: false,
        what: "GET and LIST are served from memory under the resource's read lock, held longer the more objects a LIST walks; every write event takes the write lock, then is dispatched to interested watchers. A waiting writer holds back new readers (Go's RWMutex).",
        source: "kubernetes.md: pkg/storage/cacher",
        tip: "try-watch-cache",
        controls: &[
            Control::CacheLocking,
            Control::ConsistentList,
            Control::Nodes,
        ],
        part: Part::WatchCache,
    },
    Mechanism {
        title: "Namespace-sharded watch cache",
        article: true,
        what: "One lock per namespace shard instead of one per resource: a LIST in one namespace does not block writes in another. Cluster-wide LISTs walk the shards one by one.",
        source: "article.md A5 (not in upstream Kubernetes)",
        tip: "try-shards",
        controls: &[Control::CacheLocking, Control::Namespaces],
        part: Part::WatchCache,
    },
    Mechanism {
        title: "etcd and its client",
        article: false,
        what: "Upstream, the API server keeps one etcd client per resource type, each with one HTTP/2 connection per etcd endpoint; calls go round-robin and share a connection frame by frame. Reads are retried on Unavailable, writes etcd refused are not. A write commits when a quorum has it on disk (group-committed fsyncs) and is applied serially, and a linearizable read waits for the apply loop to reach its read index; the model reproduces etcd's published benchmark within 15%. The article's pool of connections with exponential back-off and LIST coalescing is not upstream.",
        source: "etcd client/v3 (retry.go, internal/resolver), grpc-go controlbuf.go, etcdserver v3_server.go; article.md A4 for the pool",
        tip: "try-etcd",
        controls: &[
            Control::EtcdClient,
            Control::EtcdConnections,
            Control::EtcdFsyncLatency,
            Control::FsyncSpike,
            Control::LeaderElection,
        ],
        part: Part::Etcd,
    },
    Mechanism {
        title: "Discovery",
        article: false,
        what: "A client-go client (kubectl, a controller) discovers the API at start: aggregated discovery (GA in 1.30) is one request; legacy is /api, /apis and one per group-version, sent under client-go's default rate limit of 5 per second, which is why 50 CRDs take about 12 s. The article's claim that this speeds up kubelets is not upstream: kubelets do not use it.",
        source: "kubernetes.md: aggregated discovery; client-go rest/config.go (DefaultQPS 5, DefaultBurst 10)",
        tip: "try-discovery",
        controls: &[Control::Discovery, Control::RestartStorm],
        part: Part::Clients,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tip_is_a_story_and_every_part_is_explained() {
        for m in &MECHANISMS {
            assert!(m.tip().is_some(), "{}: no story {}", m.title, m.tip);
        }
        for m in &MECHANISMS {
            assert!(!m.controls.is_empty(), "{}: no controls", m.title);
        }
        for part in Part::ALL {
            assert!(MECHANISMS.iter().any(|m| m.part == part), "{part:?}");
        }
    }
}
