//! The requests a cluster makes, as Poisson streams derived from its size.
//!
//! Rates per second, with N nodes, P pods per node, C pod creations per
//! second (N × churn per node-hour / 3600), U user and O operator requests
//! per second:
//!
//! | source | rate | request | flow schema |
//! |---|---|---|---|
//! | kubelet lease renewal | N / 10 | UPDATE lease (every 10 s per node, kubernetes.md) | system-node-high |
//! | kubelet node status | N / 300 | PATCH nodes/status (reported every 5 min when unchanged) | system-node-high |
//! | pod creation | C | CREATE pod (ReplicaSet controller) | kube-controller-manager |
//! | scheduling | C | binding: CREATE pods/binding (scheduler) | kube-scheduler |
//! | pod status | 2C | PATCH pods/status (kubelet) | system-nodes |
//! | pod deletion | C | DELETE pod (controller) | kube-controller-manager |
//! | events | 3C | CREATE event (kubelet) | system-nodes |
//! | leader election | 1 | UPDATE lease (2 leaders, every 2 s) | system-leader-election |
//! | controller relist | L / 60 | LIST all pods (N × P objects) | kube-controller-manager |
//! | user reads | 0.6 U | GET pod | global-default |
//! | user lists | 0.25 U | LIST pods of a namespace (N × P / namespaces), 500 a page | global-default |
//! | user writes | 0.15 U | PATCH deployment | global-default |
//! | operators | 0.7 O / 0.3 O | GET / UPDATE configmap | service-accounts |

use super::spec::{CustomSource, DECLARED_WATCHERS, WorkloadSpec};
use crate::sim::engine::random::SimRng;
use crate::sim::models::request::{ClientKind, RequestKind, Resource, Subresource, Verb};

/// Namespace index meaning "all namespaces" (a cluster-scoped LIST).
pub const ALL_NAMESPACES: u32 = u32::MAX;

/// kubectl asks for LISTs 500 objects at a time (`--chunk-size`,
/// `DefaultChunkSize` in kubectl's `pkg/cmd/util/helpers.go`).
pub const KUBECTL_CHUNK_SIZE: u32 = 500;

/// One stream of requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    LeaseRenewal,
    NodeStatus,
    PodCreate,
    PodBind,
    PodStatus,
    PodDelete,
    Events,
    LeaderElection,
    ControllerRelist,
    UserGet,
    UserList,
    UserPatch,
    OperatorGet,
    OperatorUpdate,
}

impl Source {
    pub const ALL: [Source; 14] = [
        Source::LeaseRenewal,
        Source::NodeStatus,
        Source::PodCreate,
        Source::PodBind,
        Source::PodStatus,
        Source::PodDelete,
        Source::Events,
        Source::LeaderElection,
        Source::ControllerRelist,
        Source::UserGet,
        Source::UserList,
        Source::UserPatch,
        Source::OperatorGet,
        Source::OperatorUpdate,
    ];

    /// Requests per second.
    pub fn rate(self, w: &WorkloadSpec) -> f64 {
        let n = w.nodes as f64;
        let churn = n * w.pod_churn_per_node_hour / 3_600.0;
        match self {
            Source::LeaseRenewal => n / 10.0,
            Source::NodeStatus => n / 300.0,
            Source::PodCreate | Source::PodBind | Source::PodDelete => churn,
            Source::PodStatus => 2.0 * churn,
            Source::Events => 3.0 * churn,
            Source::LeaderElection => 1.0,
            Source::ControllerRelist => w.controller_lists_per_minute / 60.0,
            Source::UserGet => 0.6 * w.user_qps,
            Source::UserList => 0.25 * w.user_qps,
            Source::UserPatch => 0.15 * w.user_qps,
            Source::OperatorGet => 0.7 * w.operator_qps,
            Source::OperatorUpdate => 0.3 * w.operator_qps,
        }
    }

    /// Draws one request of this stream.
    pub fn request(self, w: &WorkloadSpec, rng: &mut SimRng) -> RequestKind {
        let namespace = rng.below(w.namespaces.max(1) as u64) as u32;
        let node = rng.below(w.nodes.max(1) as u64) as u32;
        let pods = stored_objects(Resource::Pods, w);
        let single = |verb, resource, client, namespace, user| RequestKind {
            verb,
            resource,
            subresource: Subresource::None,
            client,
            namespace,
            user,
            objects: 1,
            scanned: 1,
            page: Default::default(),
            read_kib_s: 0,
        };
        use ClientKind::*;
        use Resource::*;
        match self {
            Source::LeaseRenewal => single(Verb::Update, Leases, Kubelet, 0, node),
            Source::NodeStatus => RequestKind {
                subresource: Subresource::Status,
                ..single(Verb::Patch, Nodes, Kubelet, 0, node)
            },
            Source::PodCreate => single(Verb::Create, Pods, ControllerManager, namespace, 0),
            // The scheduler binds with a CREATE of pods/binding.
            Source::PodBind => RequestKind {
                subresource: Subresource::Binding,
                ..single(Verb::Create, Pods, Scheduler, namespace, 0)
            },
            Source::PodStatus => RequestKind {
                subresource: Subresource::Status,
                ..single(Verb::Patch, Pods, Kubelet, namespace, node)
            },
            Source::PodDelete => single(Verb::Delete, Pods, ControllerManager, namespace, 0),
            Source::Events => single(Verb::Create, Events, Kubelet, namespace, node),
            Source::LeaderElection => {
                single(Verb::Update, Leases, LeaderElection, 0, rng.below(2) as u32)
            }
            Source::ControllerRelist => RequestKind {
                objects: pods.min(u32::MAX as u64) as u32,
                ..single(Verb::List, Pods, ControllerManager, ALL_NAMESPACES, 0)
            }
            .scanning_what_it_returns(),
            Source::UserGet => single(Verb::Get, Pods, User, namespace, rng.below(20) as u32),
            Source::UserList => RequestKind {
                objects: (pods / w.namespaces.max(1) as u64).clamp(1, u32::MAX as u64) as u32,
                ..single(Verb::List, Pods, User, namespace, rng.below(20) as u32)
            }
            .scanning_what_it_returns()
            .paged(KUBECTL_CHUNK_SIZE),
            Source::UserPatch => single(
                Verb::Patch,
                Deployments,
                User,
                namespace,
                rng.below(20) as u32,
            ),
            Source::OperatorGet => single(
                Verb::Get,
                ConfigMaps,
                Operator,
                namespace,
                rng.below(50) as u32,
            ),
            Source::OperatorUpdate => single(
                Verb::Update,
                ConfigMaps,
                Operator,
                namespace,
                rng.below(50) as u32,
            ),
        }
    }
}

/// Every stream of the workload: the derived ones (when `derived`), then
/// the custom ones, by index.
pub fn stream_count(w: &WorkloadSpec) -> usize {
    Source::ALL.len() + w.sources.len()
}

/// Requests per second of stream `index` (with the load factor).
pub fn stream_rate(w: &WorkloadSpec, index: usize) -> f64 {
    let rate = match Source::ALL.get(index) {
        Some(source) if w.derived => source.rate(w),
        Some(_) => 0.0,
        None => w
            .sources
            .get(index - Source::ALL.len())
            .map_or(0.0, |s| s.rate),
    };
    rate * w.load_factor
}

/// One request of stream `index`.
pub fn stream_request(w: &WorkloadSpec, index: usize, rng: &mut SimRng) -> Option<RequestKind> {
    match Source::ALL.get(index) {
        Some(source) => Some(source.request(w, rng)),
        None => w
            .sources
            .get(index - Source::ALL.len())
            .map(|s| custom_request(s, w, rng)),
    }
}

/// A request of a custom source: a LIST returns what its selector
/// matches and reads every object in scope.
fn custom_request(source: &CustomSource, w: &WorkloadSpec, rng: &mut SimRng) -> RequestKind {
    RequestKind {
        verb: source.verb,
        // checked: the spec declares every source's resource
        resource: w.resource(&source.resource).unwrap_or(Resource::Pods),
        subresource: source.subresource,
        client: source.client,
        namespace: rng.below(w.namespaces.max(1) as u64) as u32,
        user: rng.below(source.users.max(1) as u64) as u32,
        objects: source.matches.unwrap_or(source.objects).min(source.objects),
        scanned: source.objects,
        page: Default::default(),
        read_kib_s: source.read_kib_s.unwrap_or(0),
    }
    .paged(source.page_size())
}

/// Watchers interested in one event of `resource`: controllers' informers
/// watch every pod; each kubelet watches only its own pods and node.
/// (Assumptions: 20 informers on pods, 10 on nodes, 2 on leases; a
/// declared resource's [`DECLARED_WATCHERS`].) A scenario may give its
/// own (`workload.resources`).
pub fn interested_watchers(resource: Resource, w: &WorkloadSpec) -> u32 {
    if let Some(watchers) = w.spec_of(resource).and_then(|r| r.watchers) {
        return watchers;
    }
    match resource {
        Resource::Pods => 20 + 1,
        Resource::Nodes => 10 + 1,
        Resource::Leases => 2,
        Resource::Events => 1,
        Resource::ConfigMaps | Resource::Deployments => 5,
        Resource::Discovery => 0,
        _ => DECLARED_WATCHERS,
    }
}

/// Watchers APF's watch tracker counts as interested in a write of
/// `resource` (`pkg/util/flowcontrol/request/watch_tracker.go`): the
/// kubelets' pod watches select `spec.nodeName`, which the watch cache
/// indexes, and are left out (`getBuiltinIndexes`).
pub fn tracked_watchers(resource: Resource, w: &WorkloadSpec) -> u32 {
    match (resource, w.spec_of(resource).and_then(|r| r.watchers)) {
        (Resource::Pods, None) => 20,
        _ => interested_watchers(resource, w),
    }
}

/// Objects of `resource` in storage, every namespace: the figure APF's
/// object-count tracker gives the LIST work estimator. Unless the scenario
/// gives its own (`workload.resources`): pods: N × P; nodes: N; leases: a
/// kubelet's per node and the 2 leaders'; events: the last hour's (their
/// TTL), 3 per pod created; config maps: 2 per namespace
/// (`kube-root-ca.crt` and one more: assumption); deployments: one per 10
/// pods (assumption).
pub fn stored_objects(resource: Resource, w: &WorkloadSpec) -> u64 {
    if let Some(objects) = w.spec_of(resource).and_then(|r| r.objects) {
        return objects;
    }
    let nodes = w.nodes as u64;
    let pods = nodes * w.pods_per_node as u64;
    match resource {
        Resource::Pods => pods,
        Resource::Nodes => nodes,
        Resource::Leases => nodes + 2,
        Resource::Events => (3.0 * w.nodes as f64 * w.pod_churn_per_node_hour) as u64,
        Resource::ConfigMaps => 2 * w.namespaces as u64,
        Resource::Deployments => pods.div_ceil(10),
        _ => 0,
    }
}

/// client-go's discovery client's rate limit: the REST client's default
/// 5 requests per second (`rest/config.go`, DefaultQPS), with the burst
/// raised to 300 because "discovery is expected to be bursty"
/// (`discovery/discovery_client.go`, `setDiscoveryDefaults`). kubectl
/// discovers at 50 per second with the same burst and keeps what it found
/// on disk for 6 hours (`cli-runtime` `config_flags.go`), so a kubectl
/// session rarely discovers at all.
pub const DISCOVERY_QPS: f64 = 5.0;
pub const DISCOVERY_BURST: u32 = 300;

/// When a client may send its `k`-th discovery request (0-based), after
/// its start [s]: the token bucket is full at start.
pub fn client_send_offset(k: u32) -> f64 {
    if k < DISCOVERY_BURST {
        0.0
    } else {
        (k + 1 - DISCOVERY_BURST) as f64 / DISCOVERY_QPS
    }
}

/// Group-versions the API serves without CRDs (assumption: about 20).
pub const BUILT_IN_GROUP_VERSIONS: u32 = 20;

/// Requests one client makes to discover the API. client-go
/// (`discovery_client.go`, `GroupsAndMaybeResources`) GETs `/api`, then
/// `/apis`, one after the other; aggregated, the two answers hold every
/// resource; legacy, one GET per group-version follows, all at once (one
/// goroutine each, `fetchGroupVersionResources`).
pub fn discovery_requests(aggregated: bool, crds: u32) -> u32 {
    if aggregated {
        2
    } else {
        2 + BUILT_IN_GROUP_VERSIONS + crds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_grow_with_the_cluster() {
        let small = WorkloadSpec::with_nodes(100);
        let big = WorkloadSpec::with_nodes(5_000);
        let total = |w: &WorkloadSpec| Source::ALL.iter().map(|s| s.rate(w)).sum::<f64>();
        assert!(total(&big) > 10.0 * total(&small) / 2.0);
        assert_eq!(Source::LeaseRenewal.rate(&big), 500.0);
        let mut rng = SimRng::new(1);
        let relist = Source::ControllerRelist.request(&big, &mut rng);
        assert_eq!(relist.objects, 150_000);
        assert_eq!(discovery_requests(false, 30), 52);
        assert_eq!(discovery_requests(true, 30), 2);
    }

    /// kubectl pages at 500 (`--chunk-size`, `pkg/cmd/util/helpers.go`);
    /// informers list with `resourceVersion=0`, which the cache answers
    /// whole whatever the limit (apiserver `cacher.go`, `computeListLimit`);
    /// a client-go `List` without `Limit` gets one answer.
    #[test]
    fn kubectl_pages_at_500_and_informers_list_whole() {
        use crate::sim::models::request::Page;
        let w = WorkloadSpec::with_nodes(100);
        let source = |client, limit| CustomSource {
            name: "list".into(),
            rate: 1.0,
            verb: Verb::List,
            resource: Resource::Pods.into(),
            subresource: Subresource::None,
            client,
            objects: 1_200,
            matches: None,
            users: 1,
            limit,
            read_kib_s: None,
        };
        let mut rng = SimRng::new(1);
        let mut pages = |client, limit| {
            let mut kind = custom_request(&source(client, limit), &w, &mut rng);
            let mut objects = vec![kind.objects];
            while let Some(next) = kind.next_page() {
                assert!(matches!(next.page, Page::Continue { limit: 500, .. }));
                objects.push(next.objects);
                kind = next;
            }
            objects
        };
        assert_eq!(pages(ClientKind::User, None), [500, 500, 200]);
        assert_eq!(pages(ClientKind::User, Some(0)), [1_200]);
        assert_eq!(pages(ClientKind::Operator, None), [1_200]);
        assert_eq!(pages(ClientKind::Operator, Some(500)), [500, 500, 200]);
        assert_eq!(pages(ClientKind::ControllerManager, Some(500)), [1_200]);
    }

    /// client-go `discovery/discovery_client.go`, `setDiscoveryDefaults`:
    /// the burst is 300, so 72 legacy requests (50 CRDs) leave at once; at
    /// the REST client's burst of 10 the last left after 12.4 s, the
    /// article's "12 s".
    #[test]
    fn discovery_bursts_300_requests_before_its_rate_limit() {
        assert_eq!(client_send_offset(71), 0.0);
        assert_eq!(client_send_offset(299), 0.0);
        assert!((client_send_offset(300) - 0.2).abs() < 1e-9);
    }
}
