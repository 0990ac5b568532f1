use yew::prelude::*;

/// Where a mechanism comes from.
#[derive(Clone, Copy, PartialEq)]
enum Origin {
    Upstream,
    Article,
}

struct Panel {
    title: &'static str,
    origin: Origin,
    what: &'static str,
    try_this: &'static str,
    source: &'static str,
}

const PANELS: [Panel; 9] = [
    Panel {
        title: "API Priority and Fairness",
        origin: Origin::Upstream,
        what: "Each request is matched by a flow schema to a priority level (kubelets' leases to node-high, controllers to workload-high, users to global-default, …). Each level owns a share of the server's seats (the sum of the two inflight flags: 600 by default). Within a level, flows are shuffle-sharded onto queues and served by fair queuing, so one flooding flow cannot starve the others; a full queue or a 15 s wait gets HTTP 429. LISTs take one seat per 100 objects. Borrowing seats between levels is not modelled yet: each level has its nominal seats.",
        // Each tip here is checked on the model: tests/presets.rs, tip_*.
        try_this: "With 5,000 nodes, lower both inflight limits to 3: APF's 6 seats are shared by level, node-high gets 1 for about 500 lease renewals a second, and within about 30 s its 64 queues overflow: over 100 429s a second and writes waiting seconds. At 4 and 4 it gets 2 seats and keeps up.",
        source: "kubernetes.md: pkg/util/flowcontrol (queueset.go), pkg/apis/flowcontrol/bootstrap/default.go",
    },
    Panel {
        title: "Max inflight (APF off)",
        origin: Origin::Upstream,
        what: "Before APF: read-only requests count against --max-requests-inflight (400), mutating ones against --max-mutating-requests-inflight (200). Over the limit, HTTP 429 at once; no queues, no fairness.",
        try_this: "Switch flow control to Max inflight, set 5,000 nodes and lower max-mutating-requests-inflight to 3: about a quarter of the writes get 429 at once and the rest stay fast, with no queue. (Reads never need many of max-requests-inflight's seats at this load.)",
        source: "kubernetes.md: pkg/server/config.go",
    },
    Panel {
        title: "The article's priority queue",
        origin: Origin::Article,
        what: "Three classes served in strict priority, mutating > read > webhook, in one queue of capacity 1,000 with a 500 ms per-request timeout. A steady stream of writes starves reads completely, which APF's fair queuing prevents.",
        try_this: "Switch to Priority queue, set 5,000 nodes and lower both inflight limits to 1 (2 workers): reads wait behind writes, their p99 from about 4 ms to over 50 ms, while writes stay under 50 ms.",
        source: "article.md A1 (not in upstream Kubernetes)",
    },
    Panel {
        title: "Admission webhooks, inline",
        origin: Origin::Upstream,
        what: "Matching writes call the webhooks while they hold their seats: mutating webhooks one after another, validating ones in parallel. Each call has a timeout (default 10 s, 1-30) and a failure policy (default Fail).",
        try_this: "Press Slow webhook (×50): seats fill with requests waiting on the webhook and unrelated reads in the same levels queue behind them.",
        source: "kubernetes.md: admissionregistration/v1 types.go",
    },
    Panel {
        title: "A dedicated webhook limit",
        origin: Origin::Article,
        what: "The article's --webhook-request-concurrency: the request gives its seats back while it waits for one of 500 webhook slots, so a slow webhook no longer holds API seats. No such flag exists upstream.",
        try_this: "With Slow webhook on, switch webhook handling to Dedicated limit: read latency recovers; writes still wait.",
        source: "article.md A2 (not in upstream Kubernetes)",
    },
    Panel {
        title: "Watch cache",
        origin: Origin::Upstream,
        what: "GET and LIST are served from memory under the resource's read lock, held longer the more objects a LIST walks; every write event takes the write lock, then is dispatched to interested watchers. A waiting writer holds back new readers (Go's RWMutex).",
        try_this: "Raise Nodes to 15,000: LISTs of every pod hold the pods lock longer, and watch delivery waits behind them.",
        source: "kubernetes.md: pkg/storage/cacher",
    },
    Panel {
        title: "Namespace-sharded watch cache",
        origin: Origin::Article,
        what: "One lock per namespace shard instead of one per resource: a LIST in one namespace does not block writes in another. Cluster-wide LISTs walk the shards one by one.",
        try_this: "Switch watch cache locking to Namespace shards at 15,000 nodes and compare the watch and LIST latency.",
        source: "article.md A5 (not in upstream Kubernetes)",
    },
    Panel {
        title: "etcd and its client",
        origin: Origin::Upstream,
        what: "Upstream, the API server keeps one multiplexed gRPC connection per resource type; a retry on Unavailable waits a fixed ~25 ms. A write commits when a quorum has it on disk (group-committed fsyncs) and is applied serially; the model reproduces etcd's published benchmark within 15%. The article's pool of connections with exponential back-off and LIST coalescing is not upstream.",
        try_this: "Press etcd fsync spike or Leader election: writes stall for about the election timeout (1 s); reads from the cache still need a revision check.",
        source: "kubernetes.md: etcd client and server; article.md A4 for the pool",
    },
    Panel {
        title: "Discovery",
        origin: Origin::Upstream,
        what: "A client-go client (kubectl, a controller) discovers the API at start: aggregated discovery (GA in 1.30) is one request; legacy is /api, /apis and one per group-version, sent under client-go's default rate limit of 5 per second, which is why 50 CRDs take about 12 s. The article's claim that this speeds up kubelets is not upstream: kubelets do not use it.",
        try_this: "Switch Discovery to Legacy and press Client restart storm: the restarts take seconds, and the API sees a burst.",
        source: "kubernetes.md: aggregated discovery; client-go rest/config.go (DefaultQPS 5, DefaultBurst 10)",
    },
];

/// The explanation of each mechanism, labelled upstream or article.
#[function_component(Explanations)]
pub fn explanations() -> Html {
    html! {
        <section class="explanations" aria-label="How each mechanism works">
            <h2>{ "The mechanisms" }</h2>
            { for PANELS.iter().map(|panel| {
                let (class, label) = match panel.origin {
                    Origin::Upstream => ("origin upstream", "Upstream Kubernetes"),
                    Origin::Article => ("origin article", "As the article describes (not in upstream Kubernetes)"),
                };
                html! {
                    <details class="panel">
                        <summary>{ panel.title }<span class={class}>{ label }</span></summary>
                        <p>{ panel.what }</p>
                        <p class="try"><strong>{ "Try: " }</strong>{ panel.try_this }</p>
                        <p class="source">{ "Source: " }{ panel.source }</p>
                    </details>
                }
            }) }
        </section>
    }
}
