//! The rows: one per control, in the order the model receives their
//! changes (sliders, then switches, then faults; the panel shows switches
//! and faults first).

use super::{
    Binding, Choice, Control, Fault, Input, Origin, Range, Row, Setting, SizedBy, pick, place,
    whole,
};
use crate::sim::models::control_plane::spec::{MAX_API_SERVERS, master_memory_gib, master_size};
use crate::sim::models::control_plane::{
    CacheTimeout, ControlPlaneChange as C, Discovery, WebhookHandling,
};
use crate::sim::models::etcd::client::EtcdClientKind;
use crate::sim::models::flow_control::FlowControlKind;
use crate::sim::models::watch_cache::CacheLocking;

/// The slow-webhook fault multiplies webhook latencies by this.
pub const SLOW_WEBHOOK_FACTOR: f64 = 50.0;
/// The fsync-spike fault multiplies fsync durations by this.
pub const FSYNC_SPIKE_FACTOR: f64 = 50.0;
/// The restart storm restarts this fraction of the discovery clients.
pub const RESTART_FRACTION: f64 = 0.5;
/// The watch cache lag fault holds each event back this long [s]: past
/// the 3 s a consistent LIST waits for the cache, so every one times out
/// (kubernetes#138494 reproduces a cache behind with such a delay).
pub const CACHE_LAG: f64 = 5.0;

/// A slider's range.
const fn range(min: f64, max: f64, logarithmic: bool, integer: bool) -> Range {
    Range {
        min,
        max,
        logarithmic,
        integer,
    }
}

/// An upstream version of a mechanism.
const fn upstream(label: &'static str, key: &'static str) -> Choice {
    Choice {
        label,
        key,
        origin: Origin::Upstream,
    }
}

/// The article's version of a mechanism (not upstream Kubernetes').
const fn article(label: &'static str, key: &'static str) -> Choice {
    Choice {
        label,
        key,
        origin: Origin::Article,
    }
}

/// A version no release has, to compare with.
const fn what_if(label: &'static str, key: &'static str) -> Choice {
    Choice {
        label,
        key,
        origin: Origin::WhatIf,
    }
}

/// Each switch's versions, in the order of its choices.
const FLOW_CONTROLS: [FlowControlKind; 3] = [
    FlowControlKind::Apf,
    FlowControlKind::MaxInflight,
    FlowControlKind::ArticleQueue,
];
const WEBHOOK_HANDLINGS: [WebhookHandling; 2] =
    [WebhookHandling::Inline, WebhookHandling::Dedicated];
const CACHE_LOCKINGS: [CacheLocking; 2] =
    [CacheLocking::PerResource, CacheLocking::NamespaceShards];
const ETCD_CLIENTS: [EtcdClientKind; 2] = [EtcdClientKind::PerResource, EtcdClientKind::Pool];
const DISCOVERIES: [Discovery; 2] = [Discovery::Aggregated, Discovery::Legacy];
const CONSISTENT_LISTS: [bool; 2] = [true, false];
const SEAT_BORROWINGS: [bool; 2] = [true, false];
const CACHE_TIMEOUTS: [CacheTimeout; 2] = [CacheTimeout::Fallback, CacheTimeout::Reject];
const CLIENT_LIMITS: [bool; 2] = [false, true];

/// A toggle's value as the factor its fault applies (1 = off).
fn factor(on: f64, factor: f64) -> f64 {
    if on != 0.0 { factor } else { 1.0 }
}

/// A fault's factor as its toggle's value.
fn on(factor: f64) -> f64 {
    (factor != 1.0) as u8 as f64
}

/// Every control (`CONTROLS[c as usize]` is control `c`'s row).
pub static CONTROLS: [Row; super::COUNT] = [
    Row {
        control: Control::Nodes,
        label: "Nodes",
        hint: "Worker nodes: leases, status updates, pod churn and LIST sizes grow with them.",
        key: "nodes",
        input: Input::Slider {
            range: range(1.0, 15_000.0, true, true),
            unit: "",
        },
        binding: Binding::Setting(Setting {
            path: "control_plane.workload.nodes",
            read: |s| s.workload.nodes as f64,
            change: |v| C::Nodes(whole(v)),
            absorb: |c| match *c {
                C::Nodes(n) => Some(n as f64),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::MaxRequestsInflight,
        label: "max-requests-inflight",
        hint: "Upstream flag, default 400. APF's seats are the sum of the two flags.",
        key: "max-requests-inflight",
        input: Input::Slider {
            range: range(1.0, 3_000.0, true, true),
            unit: "",
        },
        binding: Binding::Setting(Setting {
            path: "control_plane.max_requests_inflight",
            read: |s| s.max_requests_inflight as f64,
            change: |v| C::MaxRequestsInflight(whole(v)),
            absorb: |c| match *c {
                C::MaxRequestsInflight(n) => Some(n as f64),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::MaxMutatingRequestsInflight,
        label: "max-mutating-requests-inflight",
        hint: "Upstream flag, default 200.",
        key: "max-mutating-requests-inflight",
        input: Input::Slider {
            range: range(1.0, 1_500.0, true, true),
            unit: "",
        },
        binding: Binding::Setting(Setting {
            path: "control_plane.max_mutating_requests_inflight",
            read: |s| s.max_mutating_requests_inflight as f64,
            change: |v| C::MaxMutatingRequestsInflight(whole(v)),
            absorb: |c| match *c {
                C::MaxMutatingRequestsInflight(n) => Some(n as f64),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::WebhookConcurrency,
        label: "Webhook concurrency",
        hint: "The article's dedicated webhook limit (default 500). Not in upstream Kubernetes.",
        key: "webhook-concurrency",
        input: Input::Slider {
            range: range(1.0, 2_000.0, true, true),
            unit: "",
        },
        binding: Binding::Setting(Setting {
            path: "control_plane.webhook_concurrency",
            read: |s| s.webhook_concurrency as f64,
            change: |v| C::WebhookConcurrency(whole(v)),
            absorb: |c| match *c {
                C::WebhookConcurrency(n) => Some(n as f64),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::WebhookLatency,
        label: "Webhook latency",
        hint: "Mean response time of every admission webhook (assumption: tens of ms).",
        key: "webhook-latency",
        input: Input::Slider {
            range: range(1.0, 10_000.0, true, false),
            unit: "ms",
        },
        binding: Binding::Setting(Setting {
            path: "control_plane.webhooks[].latency",
            // With no webhook, the default webhooks' 25 ms.
            read: |s| s.webhooks.first().map_or(25.0, |h| h.latency.mean() * 1e3),
            change: |v| C::WebhookLatency(v / 1e3),
            absorb: |c| match *c {
                C::WebhookLatency(s) => Some(s * 1e3),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::WebhookTimeout,
        label: "Webhook timeout",
        hint: "timeoutSeconds of every webhook: default 10, allowed 1-30 (upstream).",
        key: "webhook-timeout",
        input: Input::Slider {
            range: range(1.0, 30.0, false, true),
            unit: "s",
        },
        binding: Binding::Setting(Setting {
            path: "control_plane.webhooks[].timeout",
            read: |s| s.webhooks.first().map_or(10.0, |h| h.timeout),
            change: C::WebhookTimeout,
            absorb: |c| match *c {
                C::WebhookTimeout(s) => Some(s),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::EtcdConnections,
        label: "etcd connections",
        hint: "The article's etcd connection pool (default 10). Upstream has one client per resource, with one connection per etcd endpoint.",
        key: "etcd-connections",
        input: Input::Slider {
            range: range(1.0, 100.0, true, true),
            unit: "",
        },
        binding: Binding::Setting(Setting {
            path: "control_plane.etcd_client.pool_connections",
            read: |s| s.etcd_client.pool_connections as f64,
            change: |v| C::EtcdConnections(whole(v)),
            absorb: |c| match *c {
                C::EtcdConnections(n) => Some(n as f64),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::EtcdFsyncLatency,
        label: "etcd fsync latency",
        hint: "Mean WAL fsync time: an SSD is under 1 ms, a spinning disk about 10 ms.",
        key: "etcd-fsync-latency",
        input: Input::Slider {
            range: range(0.1, 100.0, true, false),
            unit: "ms",
        },
        binding: Binding::Setting(Setting {
            path: "control_plane.etcd.fsync",
            read: |s| s.etcd.fsync.mean() * 1e3,
            change: |v| C::FsyncLatency(v / 1e3),
            absorb: |c| match *c {
                C::FsyncLatency(s) => Some(s * 1e3),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::Namespaces,
        label: "Namespaces",
        hint: "Namespaces the pods are spread over (and the article's cache shards).",
        key: "namespaces",
        input: Input::Slider {
            range: range(1.0, 10_000.0, true, true),
            unit: "",
        },
        binding: Binding::Setting(Setting {
            path: "control_plane.workload.namespaces",
            read: |s| s.workload.namespaces as f64,
            change: |v| C::Namespaces(whole(v)),
            absorb: |c| match *c {
                C::Namespaces(n) => Some(n as f64),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::UserRequests,
        label: "User requests",
        hint: "kubectl-like requests per second from people and scripts: 60% GETs of a pod, 25% LISTs of a namespace's pods (500 a page), 15% PATCHes of a deployment. Default 10 (an assumption); 0.1 at the least here (a scenario may say 0).",
        key: "user-requests",
        input: Input::Slider {
            range: range(0.1, 100_000.0, true, false),
            unit: " req/s",
        },
        binding: Binding::Setting(Setting {
            path: "control_plane.workload.user_qps",
            read: |s| s.workload.user_qps,
            change: C::UserQps,
            absorb: |c| match *c {
                C::UserQps(qps) => Some(qps),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::ClientQps,
        label: "Client QPS",
        hint: "Requests per second each operator, admin and custom client may send, while client rate limits are on: client-go's QPS (rest.Config, DefaultQPS 5 in rest/config.go; the burst stays at 10). A request past it waits in its client, which logs \"client-side throttling, not priority and fairness\".",
        key: "client-qps",
        input: Input::Slider {
            range: range(0.1, 10_000.0, true, false),
            unit: " req/s",
        },
        binding: Binding::Setting(Setting {
            path: "control_plane.client_limits.qps",
            read: |s| s.client_limits.qps,
            change: C::ClientQps,
            absorb: |c| match *c {
                C::ClientQps(qps) => Some(qps),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::ReadSpeed,
        label: "Slow reader speed",
        hint: "How fast the scenario's slow readers (sources with read_kib_s) read each response. The request keeps its seats and memory until its client has read it, or until the request timeout (60 s) ends it. No effect in a scenario without one.",
        key: "read-speed",
        input: Input::Slider {
            range: range(1.0, 1_000_000.0, true, true),
            unit: " KiB/s",
        },
        binding: Binding::Setting(Setting {
            path: "control_plane.workload.sources[].read_kib_s",
            // With no slow reader, the fastest.
            read: |s| {
                s.workload
                    .sources
                    .iter()
                    .find_map(|source| source.read_kib_s)
                    .map_or(1_000_000.0, f64::from)
            },
            change: |v| C::ReadSpeed(whole(v)),
            absorb: |c| match *c {
                C::ReadSpeed(kib_s) => Some(kib_s as f64),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::ApiServerCores,
        label: "API server cores",
        hint: "Shared by every request's handler, every response and the watch dispatchers. Default: the cores kube-up gives the control plane for the nodes (32 at 1,000, 64 beyond 3,000).",
        key: "api-server-cores",
        input: Input::Slider {
            range: range(1.0, 256.0, true, true),
            unit: "",
        },
        binding: Binding::Setting(Setting {
            path: "control_plane.api_server_cores",
            // The cores it has, sized by the nodes unless set.
            read: |s| s.api_server_cores().min(256.0),
            change: |v| C::ApiServerCores(whole(v)),
            absorb: |c| match *c {
                C::ApiServerCores(n) if n > 0 => Some(n as f64),
                _ => None,
            },
            sized_by: Some(SizedBy {
                control: Control::Nodes,
                size: |nodes| master_size(whole(nodes)) as f64,
            }),
        }),
    },
    Row {
        control: Control::ApiServerMemory,
        label: "API server memory",
        hint: "Each API server's memory limit. Its watch cache and the responses it is building fill it; past it the OOM killer kills the server: every request on it fails, its clients go to the others and it restarts with empty caches. Default: the memory of the VM kube-up gives the control plane for the nodes (n1-standard, 3.75 GiB a core: 120 GiB at 1,000 nodes).",
        key: "api-server-memory",
        input: Input::Slider {
            range: range(1.0, 1_024.0, true, false),
            unit: " GiB",
        },
        binding: Binding::Setting(Setting {
            path: "control_plane.api_server_memory_gib",
            // Its limit, sized by the nodes unless set.
            read: |s| s.memory_limit_gib().unwrap_or(1_024.0).min(1_024.0),
            change: C::ApiServerMemory,
            absorb: |c| match *c {
                C::ApiServerMemory(gib) if gib > 0.0 => Some(gib),
                _ => None,
            },
            sized_by: Some(SizedBy {
                control: Control::Nodes,
                size: |nodes| master_memory_gib(whole(nodes)),
            }),
        }),
    },
    Row {
        control: Control::ApiServers,
        label: "API servers",
        hint: "Replicas behind the load balancer, each with its own seats, CPU, watch cache and etcd connections. Kubelets and controllers stay on the one they connected to. Default 3 for Kubernetes (one per control-plane node), 1 for the single binary.",
        key: "api-servers",
        input: Input::Slider {
            range: range(1.0, MAX_API_SERVERS as f64, false, true),
            unit: "",
        },
        binding: Binding::Setting(Setting {
            path: "control_plane.api_servers",
            read: |s| s.api_servers as f64,
            change: |v| C::ApiServers(whole(v).clamp(1, MAX_API_SERVERS as u32) as u8),
            absorb: |c| match *c {
                C::ApiServers(n) => Some(n as f64),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::GoawayChance,
        label: "GOAWAY chance",
        hint: "--goaway-chance, in percent: the chance an answer tells its client to reconnect through the load balancer, which evens the servers' connections out over time. Default 0 (off); upstream allows up to 2% (0.02) and suggests 0.1%.",
        key: "goaway-chance",
        input: Input::Slider {
            range: range(0.0, 2.0, false, false),
            unit: "%",
        },
        binding: Binding::Setting(Setting {
            path: "control_plane.goaway_chance",
            read: |s| s.goaway_chance * 100.0,
            change: |v| C::GoawayChance(v / 100.0),
            absorb: |c| match *c {
                C::GoawayChance(p) => Some(p * 100.0),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::Speed,
        label: "Speed",
        hint: "Simulated seconds per real second.",
        key: "speed",
        input: Input::Slider {
            range: range(0.01, 100.0, true, false),
            unit: "×",
        },
        binding: Binding::Playback,
    },
    Row {
        control: Control::FlowControl,
        label: "Flow control",
        hint: "API Priority and Fairness (upstream's default since 1.20), the two inflight limits with APF off, or the article's strict-priority queue.",
        key: "flow-control",
        input: Input::Switch(&[
            upstream("APF", "apf"),
            upstream("Max inflight", "max-inflight"),
            article("Priority queue", "article-queue"),
        ]),
        binding: Binding::Setting(Setting {
            path: "control_plane.flow_control",
            read: |s| place(&FLOW_CONTROLS, &s.flow_control),
            change: |v| C::FlowControl(pick(&FLOW_CONTROLS, v)),
            absorb: |c| match c {
                C::FlowControl(kind) => Some(place(&FLOW_CONTROLS, kind)),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::WebhookHandling,
        label: "Webhook handling",
        hint: "Webhooks called inside the request while it holds its seats (upstream), or under the article's dedicated limit.",
        key: "webhook-handling",
        input: Input::Switch(&[
            upstream("Inline", "inline"),
            article("Dedicated limit", "dedicated"),
        ]),
        binding: Binding::Setting(Setting {
            path: "control_plane.webhook_handling",
            read: |s| place(&WEBHOOK_HANDLINGS, &s.webhook_handling),
            change: |v| C::WebhookHandling(pick(&WEBHOOK_HANDLINGS, v)),
            absorb: |c| match c {
                C::WebhookHandling(handling) => Some(place(&WEBHOOK_HANDLINGS, handling)),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::CacheLocking,
        label: "Watch cache locking",
        hint: "One lock per resource's cache (upstream), or the article's lock per namespace shard.",
        key: "cache-locking",
        input: Input::Switch(&[
            upstream("Per resource", "per-resource"),
            article("Namespace shards", "namespace-shards"),
        ]),
        binding: Binding::Setting(Setting {
            path: "control_plane.cache_locking",
            read: |s| place(&CACHE_LOCKINGS, &s.cache_locking),
            change: |v| C::CacheLocking(pick(&CACHE_LOCKINGS, v)),
            absorb: |c| match c {
                C::CacheLocking(locking) => Some(place(&CACHE_LOCKINGS, locking)),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::EtcdClient,
        label: "etcd client",
        hint: "clientv3: a client per resource, one connection per etcd endpoint (upstream); or the article's pool of connections.",
        key: "etcd-client",
        input: Input::Switch(&[
            upstream("Per resource", "per-resource"),
            article("Pool", "pool"),
        ]),
        binding: Binding::Setting(Setting {
            path: "control_plane.etcd_client.kind",
            read: |s| place(&ETCD_CLIENTS, &s.etcd_client.kind),
            change: |v| C::EtcdClient(pick(&ETCD_CLIENTS, v)),
            absorb: |c| match c {
                C::EtcdClient(kind) => Some(place(&ETCD_CLIENTS, kind)),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::Discovery,
        label: "Discovery",
        hint: "How a starting client discovers the API: one aggregated document (GA in 1.30), or one request per group-version.",
        key: "discovery",
        input: Input::Switch(&[
            upstream("Aggregated", "aggregated"),
            upstream("Legacy", "legacy"),
        ]),
        binding: Binding::Setting(Setting {
            path: "control_plane.discovery",
            read: |s| place(&DISCOVERIES, &s.discovery),
            change: |v| C::Discovery(pick(&DISCOVERIES, v)),
            absorb: |c| match c {
                C::Discovery(discovery) => Some(place(&DISCOVERIES, discovery)),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::ConsistentList,
        label: "Consistent LIST",
        hint: "Consistent LISTs served from the watch cache once it has reached etcd's revision (ConsistentListFromCache, on since 1.31: usually within 100 ms, after 3 s from etcd) or by etcd (1.30 and before).",
        key: "consistent-list",
        input: Input::Switch(&[
            upstream("From cache", "cache"),
            upstream("From etcd", "etcd"),
        ]),
        binding: Binding::Setting(Setting {
            path: "control_plane.consistent_list_from_cache",
            read: |s| place(&CONSISTENT_LISTS, &s.consistent_list_from_cache),
            change: |v| C::ConsistentListFromCache(pick(&CONSISTENT_LISTS, v)),
            absorb: |c| match c {
                C::ConsistentListFromCache(on) => Some(place(&CONSISTENT_LISTS, on)),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::SeatBorrowing,
        label: "Seat borrowing",
        hint: "APF's levels lend idle seats and borrow others' every 10 s by their recent demand (KEP-1040, always on upstream since 1.26: apf_controller.go), or keep their nominal seats, which no release does.",
        key: "seat-borrowing",
        input: Input::Switch(&[upstream("Borrow", "on"), what_if("Nominal", "off")]),
        binding: Binding::Setting(Setting {
            path: "control_plane.seat_borrowing",
            read: |s| place(&SEAT_BORROWINGS, &s.seat_borrowing),
            change: |v| C::SeatBorrowing(pick(&SEAT_BORROWINGS, v)),
            absorb: |c| match c {
                C::SeatBorrowing(on) => Some(place(&SEAT_BORROWINGS, on)),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::CacheTimeout,
        label: "Cache too far behind",
        hint: "What a consistent LIST does when the watch cache has not reached etcd's revision after 3 s: read from etcd (upstream's default: the whole result read, decoded and held in memory), or get a 429 with Retry-After 3 (the alpha gate ConsistentListFromCacheSkipTimeoutFallback, kubernetes#138701, off by default).",
        key: "cache-timeout",
        input: Input::Switch(&[
            upstream("Read etcd", "fallback"),
            upstream("429 (alpha)", "reject"),
        ]),
        binding: Binding::Setting(Setting {
            path: "control_plane.cache_timeout",
            read: |s| place(&CACHE_TIMEOUTS, &s.cache_timeout),
            change: |v| C::CacheTimeout(pick(&CACHE_TIMEOUTS, v)),
            absorb: |c| match c {
                C::CacheTimeout(timeout) => Some(place(&CACHE_TIMEOUTS, timeout)),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::ClientLimits,
        label: "Client rate limits",
        hint: "Each client waits in client-go's token bucket before it sends (rest/request.go): kubelets 50/s with a burst of 100, each kube-controller-manager controller 20 (30), kube-scheduler 50 (100), operators Client QPS (10); kubectl none. Off, every client sends when its load arrives, as if each one's limit were raised past it, as the scalability tests raise them.",
        key: "client-limits",
        input: Input::Switch(&[what_if("Unlimited", "off"), upstream("client-go", "on")]),
        binding: Binding::Setting(Setting {
            path: "control_plane.client_limits.enabled",
            read: |s| place(&CLIENT_LIMITS, &s.client_limits.enabled),
            change: |v| C::ClientLimits(pick(&CLIENT_LIMITS, v)),
            absorb: |c| match c {
                C::ClientLimits(on) => Some(place(&CLIENT_LIMITS, on)),
                _ => None,
            },
            sized_by: None,
        }),
    },
    Row {
        control: Control::SlowWebhook,
        label: "Slow webhook",
        hint: "Every webhook 50 times slower, until turned off.",
        key: "slow-webhook",
        input: Input::Toggle,
        binding: Binding::Fault(Fault {
            change: |v| C::SlowWebhook(factor(v, SLOW_WEBHOOK_FACTOR)),
            absorb: |c| match *c {
                C::SlowWebhook(f) => Some(on(f)),
                _ => None,
            },
        }),
    },
    Row {
        control: Control::FsyncSpike,
        label: "etcd fsync spike",
        hint: "etcd's disk syncs 50 times slower, until turned off.",
        key: "fsync-spike",
        input: Input::Toggle,
        binding: Binding::Fault(Fault {
            change: |v| C::FsyncSpike(factor(v, FSYNC_SPIKE_FACTOR)),
            absorb: |c| match *c {
                C::FsyncSpike(f) => Some(on(f)),
                _ => None,
            },
        }),
    },
    Row {
        control: Control::WatchCacheLag,
        label: "Watch cache lag",
        hint: "Every watch cache applies what its etcd watches bring 5 s late, until turned off (kubernetes#138494's way of making a cache fall behind): watchers hear of changes 5 s late, and consistent LISTs wait 3 s for the cache in vain.",
        key: "cache-lag",
        input: Input::Toggle,
        binding: Binding::Fault(Fault {
            change: |v| C::WatchCacheLag(if v != 0.0 { CACHE_LAG } else { 0.0 }),
            absorb: |c| match *c {
                C::WatchCacheLag(lag) => Some((lag > 0.0) as u8 as f64),
                _ => None,
            },
        }),
    },
    Row {
        control: Control::LeaderElection,
        label: "Leader election",
        hint: "etcd loses its leader now; writes wait for a new one.",
        key: "leader-election",
        input: Input::Press,
        binding: Binding::Fault(Fault {
            change: |_| C::LeaderElection,
            absorb: |c| matches!(c, C::LeaderElection).then_some(1.0),
        }),
    },
    Row {
        control: Control::RestartStorm,
        label: "Client restart storm",
        hint: "Half the clients restart within a second and discover the API again.",
        key: "restart-storm",
        input: Input::Press,
        binding: Binding::Fault(Fault {
            change: |_| C::RestartStorm(RESTART_FRACTION),
            absorb: |c| matches!(c, C::RestartStorm(_)).then_some(1.0),
        }),
    },
    Row {
        control: Control::RestartApiServer,
        label: "Restart an API server",
        hint: "The next API server in turn restarts, as in a rolling upgrade: its clients reconnect to the others, it finishes its requests, stops for 20 s and comes back with empty watch caches that re-list from etcd.",
        key: "restart-api-server",
        input: Input::Press,
        binding: Binding::Fault(Fault {
            change: |_| C::RestartApiServer(0),
            absorb: |c| matches!(c, C::RestartApiServer(_)).then_some(1.0),
        }),
    },
];
