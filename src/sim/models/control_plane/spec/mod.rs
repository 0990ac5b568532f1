//! A control plane as a scenario writes it: the cluster's size, the API
//! server's settings and which version of each mechanism runs.
//!
//! ```toml
//! [control_plane]
//! flow_control = "apf"             # "apf" | "max-inflight" | "article-queue"
//! webhook_handling = "inline"      # "inline" | "dedicated" (article)
//! cache_locking = "per-resource"   # "per-resource" | "namespace-shards" (article)
//! discovery = "aggregated"         # "aggregated" | "legacy"
//! [control_plane.workload]
//! nodes = 1000
//! [control_plane.etcd_client]
//! kind = "per-resource"            # "per-resource" | "pool" (article)
//! ```
//!
//! Every default below carries its source: kubernetes.md (upstream facts),
//! article.md (the article's numbers), or "assumption" where neither gives
//! a figure and the model needs one.

use crate::sim::engine::random::DurationLaw;
use crate::sim::models::etcd::EtcdSpec;
use crate::sim::models::etcd::client::EtcdClientSpec;
use crate::sim::models::flow_control::FlowControlKind;
use crate::sim::models::request::{ClientKind, Resource, ResourceRule, Subresource, Verb};
use crate::sim::models::station::StationSpec;
use crate::sim::models::watch_cache::{CacheLocking, WatchCacheSpec};
use serde::{Deserialize, Serialize};

mod check;
mod clients;
mod workload;
pub use clients::{CLIENT_WAIT_LIMIT, ClientId, ClientLimit, ClientLimitsSpec, Lane};
pub use workload::{CustomSource, DECLARED_WATCHERS, ResourceSpec, WorkloadSpec};

/// How admission webhooks are called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WebhookHandling {
    /// inside the request while it holds its seats: mutating webhooks one
    /// after another, validating ones in parallel (upstream)
    Inline,
    /// the request gives its seats back and waits for a slot under a
    /// dedicated webhook concurrency limit (the article, A2; not upstream)
    Dedicated,
}

/// What a consistent LIST that waited 3 s for the watch cache in vain
/// becomes (`cacher.go`, `GetList`; `delegator.go` since kubernetes#138701).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CacheTimeout {
    /// served from etcd: the whole result read, decoded and held
    #[default]
    Fallback,
    /// a 429 "watch cache is temporarily behind" with Retry-After 3
    Reject,
}

/// How clients discover the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Discovery {
    /// one request for `/apis` with the aggregated Accept header (GA in 1.30)
    Aggregated,
    /// `/api`, `/apis`, then one request per group-version
    Legacy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookType {
    Mutating,
    Validating,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FailurePolicy {
    Fail,
    Ignore,
}

/// One admission webhook (admissionregistration/v1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSpec {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: WebhookType,
    /// `rules[].resources`: `"pods"` (the pods only), `"pods/status"`,
    /// `"pods/*"`, `"*"` or `"*/*"` (see [`ResourceRule`])
    pub resources: Vec<ResourceRule>,
    pub verbs: Vec<Verb>,
    /// the webhook server's response time [s]
    pub latency: DurationLaw,
    /// `timeoutSeconds`: default 10, allowed 1 to 30 (kubernetes.md)
    #[serde(default = "default_timeout")]
    pub timeout: f64,
    /// `failurePolicy`: default Fail (kubernetes.md)
    #[serde(default = "default_failure_policy")]
    pub failure_policy: FailurePolicy,
}

fn default_timeout() -> f64 {
    10.0
}
fn default_failure_policy() -> FailurePolicy {
    FailurePolicy::Fail
}

/// The default webhooks: a sidecar injector (mutating, pod creation) and a
/// policy check (validating, creation and update of pods and deployments).
/// Their rules name `pods`, which matches no subresource: neither sees the
/// kubelets' status PATCHes (`pods/status`) nor the scheduler's binds
/// (`pods/binding`), as with a typical injector's or policy engine's rule.
/// Their latencies are assumptions: tens of milliseconds, log-normal.
pub fn default_webhooks() -> Vec<WebhookSpec> {
    vec![
        WebhookSpec {
            name: "sidecar-injector".into(),
            kind: WebhookType::Mutating,
            resources: vec![ResourceRule::of(Resource::Pods)],
            verbs: vec![Verb::Create],
            latency: DurationLaw::Lognormal {
                mean: 0.025,
                cv: 0.5,
            },
            timeout: default_timeout(),
            failure_policy: FailurePolicy::Fail,
        },
        WebhookSpec {
            name: "pod-policy".into(),
            kind: WebhookType::Validating,
            resources: vec![
                ResourceRule::of(Resource::Pods),
                ResourceRule::of(Resource::Deployments),
            ],
            verbs: vec![Verb::Create, Verb::Update, Verb::Patch],
            latency: DurationLaw::Lognormal {
                mean: 0.015,
                cv: 0.5,
            },
            timeout: default_timeout(),
            failure_policy: FailurePolicy::Fail,
        },
    ]
}

/// The most API servers a control plane runs in the lab.
pub const MAX_API_SERVERS: u8 = 10;

pub(crate) fn default_true() -> bool {
    true
}

/// The whole control plane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlPlaneSpec {
    /// default "apf" (upstream default since 1.20)
    #[serde(default = "default_flow_control")]
    pub flow_control: FlowControlKind,
    /// `--max-requests-inflight`, default 400 (pkg/server/config.go); 0 = no
    /// limit for read-only requests under max-inflight
    #[serde(default = "default_read_only")]
    pub max_requests_inflight: u32,
    /// `--max-mutating-requests-inflight`, default 200 (same source)
    #[serde(default = "default_mutating")]
    pub max_mutating_requests_inflight: u32,
    /// `--request-timeout` [s]: a request still unanswered this long after
    /// arriving gets a 504, while its handler goes on holding its seats
    /// (`pkg/server/filters/timeout.go`); default 60 (`pkg/server/config.go`)
    #[serde(default = "default_request_timeout")]
    pub request_timeout: f64,
    /// retries of a request turned away with a 429: client-go's maxRetries,
    /// default 10 (`rest/request.go`); each waits the 429's Retry-After
    #[serde(default = "default_client_retries")]
    pub client_retries: u8,
    /// APF queue wait limit [s]: min(60 s request timeout / 4, 1 min) = 15 s (kubernetes.md)
    #[serde(default = "default_queue_wait")]
    pub queue_wait_limit: f64,
    /// the article queue's capacity, default 1000 (article A1)
    #[serde(default = "default_article_capacity")]
    pub article_queue_capacity: u32,
    /// the article queue's per-request timeout [s], default 0.5 (article A1)
    #[serde(default = "default_article_timeout")]
    pub article_timeout: f64,
    #[serde(default = "default_webhook_handling")]
    pub webhook_handling: WebhookHandling,
    /// the article's `--webhook-request-concurrency`, default 500 (article A2)
    #[serde(default = "default_webhook_concurrency")]
    pub webhook_concurrency: u32,
    #[serde(default = "default_webhooks")]
    pub webhooks: Vec<WebhookSpec>,
    #[serde(default = "default_cache_locking")]
    pub cache_locking: CacheLocking,
    #[serde(default)]
    pub watch_cache: WatchCacheSpec,
    /// consistent LISTs (no resourceVersion) are served from the watch
    /// cache after a revision check at etcd, instead of by etcd itself:
    /// the ConsistentListFromCache feature, beta and on by default since
    /// 1.31 (kubernetes.md). Default true; false models 1.30 and earlier.
    #[serde(default = "default_true")]
    pub consistent_list_from_cache: bool,
    /// what a consistent LIST does when the watch cache has not reached
    /// etcd's revision within 3 s: `fallback` to etcd (upstream's default,
    /// `cacher.go` `GetList`), or `reject` it with a 429 and Retry-After 3
    /// (the alpha gate ConsistentListFromCacheSkipTimeoutFallback,
    /// kubernetes#138701, proposed in kubernetes#138494). Default fallback
    #[serde(default)]
    pub cache_timeout: CacheTimeout,
    /// APF's priority levels lend and borrow seats every 10 s by their
    /// demand (KEP-1040, on since 1.26 and not configurable: k8s.io/apiserver
    /// `apf_controller.go`). Default true; false keeps every level at its
    /// nominal seats, a what-if (no upstream release does that).
    #[serde(default = "default_true")]
    pub seat_borrowing: bool,
    /// client-go's rate limits in each client (`clients.rs`); off by default
    #[serde(default)]
    pub client_limits: ClientLimitsSpec,
    #[serde(default = "default_discovery")]
    pub discovery: Discovery,
    /// the handler's CPU time per request [s of one core]: filters,
    /// authentication and authorization, audit (assumption:
    /// lognormal, mean 1 ms, cv 0.5)
    #[serde(default = "default_processing")]
    pub processing: DurationLaw,
    /// …and a write's on top [s of one core]: decoding its body, admission
    /// plugins, defaulting, conversion, validation, encoding it for etcd.
    /// Lognormal, mean 6 ms, cv 0.5 (the cv an assumption). The mean is
    /// fitted: with it the model's 5,000-node cluster creating 100 pods/s
    /// (the density test's rate, kubernetes/kubernetes#64266) keeps its API
    /// server's CPU at 9-10 cores, the 10 cores (90th percentile)
    /// kubernetes/kubernetes#77127 reports for the 5,000-node density test
    /// before its regression (`tests/calibration.rs`)
    #[serde(default = "default_write_processing")]
    pub write_processing: DurationLaw,
    /// CPU time to convert and encode a response as protobuf, per KiB [s]:
    /// what kubelets and controllers ask for. Default 5 µs: conversion to
    /// the external version 15 µs and protobuf encoding 5 µs for one ~4 KiB
    /// object (the protobuf proposal's benchmark, kubernetes/community
    /// `contributors/design-proposals/api-machinery/protobuf.md`)
    #[serde(default = "default_serialize")]
    pub serialize_per_kib: f64,
    /// the same as JSON, what kubectl asks for [s/KiB]. Default 14 µs:
    /// conversion 15 µs and JSON encoding 40 µs per ~4 KiB object (same source)
    #[serde(default = "default_serialize_json")]
    pub serialize_json_per_kib: f64,
    /// CPU time to decode what etcd returns, per KiB [s]: every object a
    /// read from etcd returns (a LIST decodes every object it reads), a
    /// write's stored object, each watch event. Default 6 µs: protobuf
    /// decoding 5 µs, defaulting 5 µs and conversion to the internal
    /// version 15 µs per ~4 KiB object (same source)
    #[serde(default = "default_decode")]
    pub decode_per_kib: f64,
    /// cores of the API server; 0 (the default) sizes it by the nodes as
    /// kube-up sizes the control-plane VM (`get-master-size`, kubernetes
    /// `cluster/gce/config-common.sh`: 1 core up to 5 nodes, 2 to 10, 4 to
    /// 100, 8 to 250, 16 to 500, 32 to 3,000, 64 beyond)
    #[serde(default)]
    pub api_server_cores: u32,
    /// the API server's CPU is limited to its cores (default true); false
    /// gives every piece of work a core of its own (a what-if, and the
    /// textbook reductions)
    #[serde(default = "default_true")]
    pub cpu_limited: bool,
    /// API servers behind the load balancer, 1 to 10 (default 1). Each has
    /// its own flow control (the inflight flags are per server), CPU, watch
    /// cache fed by its own etcd watches, and etcd client. The Kubernetes
    /// presets run 3: kubeadm's and kops' highly available topology, one
    /// API server per control-plane node, the article's "3 control plane
    /// nodes" (kubernetes.md)
    #[serde(default = "default_api_servers")]
    pub api_servers: u8,
    /// `--goaway-chance`: the chance that an API server answers a request
    /// on an HTTP/2 connection with GOAWAY, so its client reconnects
    /// through the load balancer; 0 (the default) to 0.02, upstream
    /// suggesting 0.001 (k8s.io/apiserver `pkg/server/options/
    /// server_run_options.go`, `filters/goaway.go`)
    #[serde(default)]
    pub goaway_chance: f64,
    /// a restarted API server's time from its last request drained to
    /// serving again [s]; default 20 (assumption: a process start, etcd
    /// connections and the post-start hooks; its watch caches re-list
    /// after it, served from etcd meanwhile)
    #[serde(default = "default_api_server_restart")]
    pub api_server_restart: f64,
    /// each API server's memory limit [GiB]; past it the server is
    /// killed (the kernel's OOM killer) and restarts like a restarted one.
    /// 0 (the default) gives it the memory of the control-plane VM kube-up
    /// makes for the nodes: an n1-standard machine of `get-master-size`'s
    /// cores, 3.75 GiB per core (Google Compute Engine's n1-standard
    /// machine types; kubeadm's static pod sets no memory limit, so the
    /// machine's memory is the limit). The textbook reductions leave it
    /// unlimited (1e9 GiB)
    #[serde(default)]
    pub api_server_memory_gib: f64,
    /// what an API server's heap holds whatever it serves [GiB]: the Go
    /// runtime, the API's schemas, its informers, its connections'
    /// buffers. Default 0.5 (assumption: the API-streaming blog's server
    /// settles near 2 GB with 0.4 GB of secrets in its watch cache, which
    /// leaves under 1 GB for everything else; kubernetes.io/blog
    /// 2024-12-17 `kube-apiserver-api-streaming`)
    #[serde(default = "default_base_memory")]
    pub api_server_base_memory_gib: f64,
    /// bytes of heap per byte of stored object, for the objects in the
    /// watch cache (decoded Go structs, their cached serialisations, the
    /// event history). Default 3 (assumption, between protobuf-decoded
    /// built-in types and the 5.2× kubernetes/kubernetes#142062 measured
    /// for custom resources decoded as `Unstructured`)
    #[serde(default = "default_memory_factor")]
    pub watch_cache_memory_factor: f64,
    /// bytes of heap a LIST holds per byte of the objects it returns while
    /// its response is built and written (the objects copied, converted,
    /// encoded into one buffer before the first byte goes out); a LIST
    /// from etcd holds etcd's raw reply on top. Default 3: fitted to the
    /// API-streaming blog's synthetic test, where 16 informers' LISTs of
    /// 0.4 GB of secrets took one server to about 20 GB, 20 / (16 × 0.4)
    /// ≈ 3.1 (`tests/calibration.rs`)
    #[serde(default = "default_memory_factor")]
    pub response_memory_factor: f64,
    pub workload: WorkloadSpec,
    #[serde(default)]
    pub etcd: EtcdSpec,
    #[serde(default)]
    pub etcd_client: EtcdClientSpec,
}

fn default_api_servers() -> u8 {
    1
}
fn default_api_server_restart() -> f64 {
    20.0
}
fn default_base_memory() -> f64 {
    0.5
}
fn default_memory_factor() -> f64 {
    3.0
}
fn default_flow_control() -> FlowControlKind {
    FlowControlKind::Apf
}
fn default_read_only() -> u32 {
    400
}
fn default_mutating() -> u32 {
    200
}
fn default_request_timeout() -> f64 {
    60.0
}
fn default_client_retries() -> u8 {
    10
}
fn default_queue_wait() -> f64 {
    15.0
}
fn default_article_capacity() -> u32 {
    1_000
}
fn default_article_timeout() -> f64 {
    0.5
}
fn default_webhook_handling() -> WebhookHandling {
    WebhookHandling::Inline
}
fn default_webhook_concurrency() -> u32 {
    500
}
fn default_cache_locking() -> CacheLocking {
    CacheLocking::PerResource
}
fn default_discovery() -> Discovery {
    Discovery::Aggregated
}
fn default_processing() -> DurationLaw {
    DurationLaw::Lognormal {
        mean: 0.001,
        cv: 0.5,
    }
}
fn default_write_processing() -> DurationLaw {
    DurationLaw::Lognormal {
        mean: 0.006,
        cv: 0.5,
    }
}
fn default_serialize() -> f64 {
    5e-6
}
fn default_serialize_json() -> f64 {
    14e-6
}
fn default_decode() -> f64 {
    6e-6
}

/// Cores of the control-plane VM kube-up makes for `nodes` nodes
/// (`get-master-size`, kubernetes `cluster/gce/config-common.sh`).
pub fn master_size(nodes: u32) -> u32 {
    match nodes {
        0..=5 => 1,
        6..=10 => 2,
        11..=100 => 4,
        101..=250 => 8,
        251..=500 => 16,
        501..=3_000 => 32,
        _ => 64,
    }
}

/// Memory of the control-plane VM kube-up makes for `nodes` nodes [GiB]:
/// an n1-standard machine has 3.75 GiB per core (Google Compute Engine's
/// machine types), its cores `get-master-size`'s.
pub fn master_memory_gib(nodes: u32) -> f64 {
    master_size(nodes) as f64 * 3.75
}

/// Bytes in a GiB.
pub const GIB: f64 = 1_073_741_824.0;

/// The memory limit that stands for none [GiB].
pub const UNLIMITED_MEMORY_GIB: f64 = 1e9;

impl ControlPlaneSpec {
    /// Upstream defaults (1.32) for a cluster of `nodes` nodes.
    pub fn upstream(nodes: u32) -> Self {
        Self {
            flow_control: default_flow_control(),
            max_requests_inflight: default_read_only(),
            max_mutating_requests_inflight: default_mutating(),
            request_timeout: default_request_timeout(),
            client_retries: default_client_retries(),
            queue_wait_limit: default_queue_wait(),
            article_queue_capacity: default_article_capacity(),
            article_timeout: default_article_timeout(),
            webhook_handling: default_webhook_handling(),
            webhook_concurrency: default_webhook_concurrency(),
            webhooks: default_webhooks(),
            cache_locking: default_cache_locking(),
            watch_cache: WatchCacheSpec::default(),
            consistent_list_from_cache: true,
            cache_timeout: CacheTimeout::default(),
            seat_borrowing: true,
            client_limits: ClientLimitsSpec::default(),
            discovery: default_discovery(),
            processing: default_processing(),
            write_processing: default_write_processing(),
            serialize_per_kib: default_serialize(),
            serialize_json_per_kib: default_serialize_json(),
            decode_per_kib: default_decode(),
            api_server_cores: 0,
            cpu_limited: true,
            api_servers: default_api_servers(),
            goaway_chance: 0.0,
            api_server_restart: default_api_server_restart(),
            api_server_memory_gib: 0.0,
            api_server_base_memory_gib: default_base_memory(),
            watch_cache_memory_factor: default_memory_factor(),
            response_memory_factor: default_memory_factor(),
            workload: WorkloadSpec::with_nodes(nodes),
            etcd: EtcdSpec::default(),
            etcd_client: EtcdClientSpec::default(),
        }
    }

    /// The full model reduced to one textbook station: one Poisson stream of
    /// requests served from memory (no webhooks, no storage), the article's
    /// queue with a single class as the FIFO queue (its workers are the
    /// servers, its capacity the waiting places, its timeout the patience)
    /// and the API server's processing time as the service time.
    pub fn single_station(station: &StationSpec) -> Self {
        let mut spec = Self::upstream(1);
        spec.flow_control = FlowControlKind::ArticleQueue;
        // The article's workers are the sum of the two inflight flags.
        spec.max_requests_inflight = station.servers;
        spec.max_mutating_requests_inflight = 0;
        spec.article_queue_capacity = station.queue_capacity.unwrap_or(10_000_000);
        spec.article_timeout = station.queue_timeout.unwrap_or(3_600.0);
        spec.webhooks = Vec::new();
        spec.processing = station.service;
        // A textbook station has no request timeout: its patience is the
        // queue's (the longest allowed, so a long wait is not a 504).
        spec.request_timeout = 3_600.0;
        // …and its customers, turned away, are lost (no retries).
        spec.client_retries = 0;
        spec.serialize_per_kib = 0.0;
        spec.serialize_json_per_kib = 0.0;
        spec.decode_per_kib = 0.0;
        // …whose servers are the workers, not cores.
        spec.cpu_limited = false;
        spec.api_server_memory_gib = UNLIMITED_MEMORY_GIB;
        spec.workload.derived = false;
        spec.workload.sources = vec![CustomSource {
            name: "station".into(),
            rate: station.arrival_rate,
            verb: Verb::Get,
            resource: Resource::Discovery.into(),
            subresource: Subresource::None,
            client: ClientKind::User,
            objects: 1,
            matches: None,
            users: 1,
            limit: None,
            read_kib_s: None,
        }];
        spec
    }

    /// Whether consistent LISTs are served from the watch cache: the
    /// feature is on and etcd can be asked for progress notifications (the
    /// cacher's `GetList`: `ConsistentListFromCache` and
    /// `Supports(storage.RequestWatchProgress)`).
    pub fn lists_from_cache(&self) -> bool {
        self.consistent_list_from_cache && self.etcd.supports_watch_progress()
    }

    /// Each API server's memory limit [bytes]: its own, or the
    /// control-plane VM's for the nodes.
    pub fn api_server_memory(&self) -> f64 {
        let gib = match self.api_server_memory_gib {
            0.0 => master_memory_gib(self.workload.nodes),
            gib => gib,
        };
        gib * GIB
    }

    /// Each API server's memory limit [GiB], `None` when unlimited.
    pub fn memory_limit_gib(&self) -> Option<f64> {
        let gib = self.api_server_memory() / GIB;
        (gib < UNLIMITED_MEMORY_GIB).then_some(gib)
    }

    /// The API server's cores: its own, or by the nodes; infinite when its
    /// CPU is not limited.
    pub fn api_server_cores(&self) -> f64 {
        match (self.cpu_limited, self.api_server_cores) {
            (false, _) => f64::INFINITY,
            (true, 0) => master_size(self.workload.nodes) as f64,
            (true, cores) => cores as f64,
        }
    }
}
