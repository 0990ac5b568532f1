//! The article's claims, each with its verdict against upstream Kubernetes
//! (`../shared/reference/article.md` and `kubernetes.md`), its source, and
//! the scenario that tests it; and the article's tuning tips, each a story
//! a reader can try.

use super::params::Params;
use super::view::Panel;
use crate::sim::models::control_plane::ControlPlaneChange as C;
use crate::sim::models::flow_control::FlowControlKind;
use crate::sim::models::watch_cache::CacheLocking;

/// How a claim fares against upstream Kubernetes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// upstream Kubernetes does this
    Upstream,
    /// upstream Kubernetes has no such mechanism or flag
    NotUpstream,
    /// partly true
    Partly,
    /// a measurement the article does not explain, which the model cannot
    /// reproduce as stated
    Unsupported,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Upstream => "Upstream",
            Verdict::NotUpstream => "Not upstream",
            Verdict::Partly => "Partly",
            Verdict::Unsupported => "Not reproduced",
        }
    }
}

/// One claim.
pub struct Claim {
    /// the article's label (A1…A7) or a short name
    pub id: &'static str,
    /// what the article says, in our words
    pub claim: &'static str,
    pub verdict: Verdict,
    /// what upstream does, and what the model shows
    pub finding: &'static str,
    pub source: &'static str,
    /// the button's label and what it opens
    pub try_label: &'static str,
    pub open: fn(&mut Params),
}

/// Opens a shipped scenario in the lab, with the page's seed and speed.
fn preset(p: &mut Params, id: &'static str) {
    if let Ok(mut fresh) = p.with_preset(id) {
        fresh.view.panel = Panel::Lab;
        *p = fresh;
    }
}

/// Every claim of the article, in its order.
pub const CLAIMS: [Claim; 11] = [
    Claim {
        id: "A1",
        claim: "The API server queues requests in three strict-priority classes (mutating, then reads, then webhook callbacks), 1,000 places by default, with a 500 ms per-request timeout.",
        verdict: Verdict::NotUpstream,
        finding: "Upstream uses API Priority and Fairness: eight priority levels with their own seats, and fair queuing between flows inside each. Under a flood of writes the article's queue starves every read; APF confines the flood to its own flow's queues.",
        source: "kubernetes.md: APF, pkg/util/flowcontrol; article.md A1",
        try_label: "Open “A greedy tenant”",
        open: |p| preset(p, "greedy-tenant"),
    },
    Claim {
        id: "A2",
        claim: "A dedicated webhook concurrency limit (--webhook-request-concurrency, default 500) keeps slow webhooks from throttling unrelated reads; it removes 29% of throttled admission requests.",
        verdict: Verdict::NotUpstream,
        finding: "No such flag exists. Upstream calls webhooks while the request holds its APF seats, each webhook with its own timeoutSeconds (default 10 s). In the model a slow webhook fills the seats of the levels whose writes call it; other levels stay fast because APF isolates them. A dedicated limit frees the seats but the writes still wait and fail.",
        source: "kubernetes.md: admission webhooks; article.md A2",
        try_label: "Open “Slow admission webhook”",
        open: |p| preset(p, "slow-webhook"),
    },
    Claim {
        id: "A3",
        claim: "--max-requests-inflight and --max-mutating-requests-inflight default to 400 and 200; raise them to 800 for read-heavy and 400 for write-heavy clusters.",
        verdict: Verdict::Partly,
        finding: "The flags and defaults are real. With APF on (the default) they are summed into one server concurrency limit (600 seats) shared out by priority level, so the read/write split the advice assumes does not apply; it does with APF off (Max inflight).",
        source: "kubernetes.md: pkg/server/config.go, pkg/server/options/feature.go",
        try_label: "Max inflight, 800 / 400",
        open: |p| {
            p.apply(C::FlowControl(FlowControlKind::MaxInflight));
            p.apply(C::MaxRequestsInflight(800));
            p.apply(C::MaxMutatingRequestsInflight(400));
        },
    },
    Claim {
        id: "A4",
        claim: "A “1.32-tuned etcd gRPC proxy” in the API server pools 10 connections (--etcd-grpc-proxy-connections; 50 above 1,000 nodes), retries with back-off 100 ms × attempt and batches LISTs: 47% less connection churn, 22% lower read latency.",
        verdict: Verdict::NotUpstream,
        finding: "Upstream's client is clientv3, one per resource type, each with one HTTP/2 connection per etcd endpoint, calls round-robin, streams sharing a connection frame by frame. It retries reads on Unavailable (up to 100 attempts) and never a write etcd refused, so upstream's writes fail during a leader election too. In the model a pool changes latency only when a connection is the bottleneck; in an election it saves the writes of the last few hundred milliseconds, and its 3 attempts fail reads that upstream's retries save.",
        source: "etcd client/v3/retry.go (isSafeRetryMutableRPC), client/v3/internal/resolver; k8s.io/apiserver storagebackend/factory/etcd3.go; article.md A4",
        try_label: "Open “Leader election”",
        open: |p| preset(p, "leader-election"),
    },
    Claim {
        id: "A5",
        claim: "The watch cache is sharded by namespace, one lock per shard instead of one per resource: p99 watch latency 41% lower above 1,000 pods.",
        verdict: Verdict::NotUpstream,
        finding: "Upstream keeps one cache per resource type (a btree in 1.32, with a namespace index for pods). In the model lock contention is not the bottleneck at these loads: watch p99 is set by the dispatcher, and sharding moves it little.",
        source: "kubernetes.md: watch cache (pkg/storage/cacher); article.md A5",
        try_label: "Namespace shards at 15,000 nodes",
        open: |p| {
            p.apply(C::CacheLocking(CacheLocking::NamespaceShards));
            p.apply(C::Nodes(15_000));
        },
    },
    Claim {
        id: "A6",
        claim: "Aggregated discovery makes one request instead of 10+ at client start-up: kubelet start-up 60% faster; with 50+ CRDs, 12 s becomes 4 s.",
        verdict: Verdict::Partly,
        finding: "Aggregated discovery is real (GA in 1.30, on by default) and serves client-go clients such as kubectl and controllers; kubelets do not run discovery. client-go's discovery client bursts 300 requests (kubectl: 50/s, and a 6 h disk cache), so legacy discovery's 72 requests with 50 CRDs take milliseconds, not 12 s; aggregated is 2 requests (/api, /apis). What aggregation saves is the server's load, 72 requests per client against 2, not seconds.",
        source: "client-go discovery/discovery_client.go (setDiscoveryDefaults, GroupsAndMaybeResources); cli-runtime config_flags.go",
        try_label: "Open “Node restart storm”",
        open: |p| preset(p, "restart-storm"),
    },
    Claim {
        id: "A7",
        claim: "Watch apiserver_request_duration_seconds, apiserver_webhook_request_duration_seconds, etcd_request_duration_seconds and kubelet_discovery_duration_seconds.",
        verdict: Verdict::Partly,
        finding: "The first and third exist (the page's histogram uses the first's buckets). The webhook metric is really apiserver_admission_webhook_admission_duration_seconds; kubelet_discovery_duration_seconds does not exist.",
        source: "kubernetes.md: metrics",
        try_label: "Open the lab",
        open: |p| p.view.panel = Panel::Lab,
    },
    Claim {
        id: "Throughput",
        claim: "API server throughput 42% higher than 1.28; 22,400 req/s for 1.32 against 15,700 for 1.30 at 1,000 nodes.",
        verdict: Verdict::Unsupported,
        finding: "Not in the model: with the API server's CPU modelled (32 cores at 1,000 nodes, a write's 7 ms fitted to SIG Scalability's density test), both versions run out of CPU first. Probed for 60 s and confirmed over 90 s, with three API servers each version sustains about 13,300 req/s, limited by its busiest server's 32 cores; with one, 1.30 sustained about 4,700 and 1.32 about 4,900, 1.30's consistent LISTs being quorum reads at etcd whose every pod the API server decodes. With the CPU unlimited (a what-if) the gap is wide, 14,500 against 48,900 on one server, for an upstream reason the article does not mention (before 1.31 etcd served every consistent LIST). See the table.",
        source: "article.md: headline figures and table; kubernetes.md: ConsistentListFromCache",
        try_label: "Open the table",
        open: |p| p.view.panel = Panel::Compare,
    },
    Claim {
        id: "p99",
        claim: "p99 API latency 37% lower for clusters over 500 nodes (1.32 against 1.30).",
        verdict: Verdict::Unsupported,
        finding: "Not 37% at the default load: both versions are far inside their SLOs, and their LIST p99s are close (about 38 ms for 1.32 against 40 ms for 1.30, seed 1, three API servers), because a consistent LIST from the cache first waits for the cache to reach etcd's revision, up to one 100 ms progress request (the latency KEP-2340 accepts for consistency); each API server's cache asks on its own, so with three the wait is mostly short. The median halves (19 ms against 37 ms: 1.30 reads and decodes every pod from etcd). With one API server 1.32's LIST p99 was the higher (106 ms against 39 ms). 1.32's gain is etcd's load and the server's throughput, and it appears with LIST-heavy traffic (try the LIST storm with Consistent LIST from etcd).",
        source: "article.md: headline figures",
        try_label: "Open “LIST storm”",
        open: |p| preset(p, "list-storm"),
    },
    Claim {
        id: "Case study",
        claim: "At 800 nodes, 1.30: p99 1.8 s and 12% kubectl timeouts; after the upgrade and the article's three changes, 210 ms and 0.3%; $22k a month saved from retry storms.",
        verdict: Verdict::Unsupported,
        finding: "The article gives no load. Under our stated premise (a CI job's kubectl listing every pod, 48 pages of 500) no change moves people's p99: the upgrade's consistent LISTs from the cache need etcd 3.5.13 and the article's runs 3.5.8, and even with a newer etcd only each LIST's first page comes from the cache (1.32 sends the pages after it to etcd). The article's proxy and webhook limit change nothing measurable, and two of the four changes are not upstream. The savings are not modelled.",
        source: "article.md: case study",
        try_label: "Open the case study",
        open: |p| p.view.panel = Panel::CaseStudy,
    },
    Claim {
        id: "Cost",
        claim: "$14k a year of storage saved at 1,000 nodes by the etcd proxy; monthly costs of $4,200 / $5,100 / $2,800.",
        verdict: Verdict::Unsupported,
        finding: "The model has no prices and computes no cost; the table shows the article's figures only.",
        source: "article.md: headline figures and table",
        try_label: "Open the table",
        open: |p| p.view.panel = Panel::Compare,
    },
];

/// One of the article's tuning tips, and the story that tries it (whose
/// steps say what the reader will see, each promise tested).
pub struct Tip {
    pub tip: &'static str,
    /// the story's id (`story::STORIES`)
    pub story: &'static str,
}

/// The article's tuning tips (article.md, "The article's tuning tips").
pub const TIPS: [Tip; 4] = [
    Tip {
        tip: "--webhook-request-concurrency=1000 for more than 10 webhooks",
        story: "try-webhook-concurrency",
    },
    Tip {
        tip: "--max-requests-inflight=800 for read-heavy clusters",
        story: "try-inflight-800",
    },
    Tip {
        tip: "Aggregated discovery for 50+ CRDs: start-up 12 s → 4 s",
        // The restart storm's story: legacy discovery, then aggregated.
        story: "restart-storm",
    },
    Tip {
        tip: "etcd pool: 10 connections up to 500 nodes, 50 above 1,000",
        story: "try-etcd-pool",
    },
];
