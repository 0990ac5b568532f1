//! The load a scenario declares: derived from the cluster's size, plus
//! custom sources (a LIST storm, a greedy tenant, a textbook station).

use super::default_true;
use crate::sim::models::control_plane::workload::KUBECTL_CHUNK_SIZE;
use crate::sim::models::request::{ClientKind, Resource, ResourceRef, Subresource, Verb};
use serde::{Deserialize, Serialize};

/// The load, derived from the cluster's size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadSpec {
    /// worker nodes, 1 to 15,000 (tested limit 5,000: kubernetes.md)
    pub nodes: u32,
    /// pods per node; default 30, at most 110 (kubernetes.md limits)
    #[serde(default = "default_pods_per_node")]
    pub pods_per_node: u32,
    /// namespaces; default 100, at most 10,000 (kubernetes.md limits)
    #[serde(default = "default_namespaces")]
    pub namespaces: u32,
    /// pods created (and as many deleted) per node per hour; default 6
    /// (assumption: a cluster rolling its workloads every few hours)
    #[serde(default = "default_churn")]
    pub pod_churn_per_node_hour: f64,
    /// kubectl-like user requests per second; default 10 (assumption)
    #[serde(default = "default_user_qps")]
    pub user_qps: f64,
    /// operators' (service accounts') requests per second; default 20 (assumption)
    #[serde(default = "default_operator_qps")]
    pub operator_qps: f64,
    /// cluster-wide pod LISTs by controllers per minute; default 1 (assumption)
    #[serde(default = "default_lists")]
    pub controller_lists_per_minute: f64,
    /// custom resource definitions (each adds a group-version to legacy
    /// discovery); default 30 (assumption; the article's example has 50+)
    #[serde(default = "default_crds")]
    pub crds: u32,
    /// clients that run discovery when they (re)start: controllers,
    /// operators, kubectl sessions; default 200 (assumption)
    #[serde(default = "default_discovery_clients")]
    pub discovery_clients: u32,
    /// every stream's rate is multiplied by this (default 1): the same mix
    /// of requests, more or less of it. The capacity search ramps it.
    #[serde(default = "default_load_factor")]
    pub load_factor: f64,
    /// the streams derived from the cluster's size run (default true);
    /// false leaves only `sources`
    #[serde(default = "default_true")]
    pub derived: bool,
    /// extra Poisson streams of one kind of request each
    #[serde(default)]
    pub sources: Vec<CustomSource>,
    /// objects as data: a built-in resource's own count and size, or up to
    /// four more resources (secrets, a CRD's objects) with theirs
    #[serde(default)]
    pub resources: Vec<ResourceSpec>,
}

/// One resource's objects, as a scenario declares them.
///
/// ```toml
/// [[control_plane.workload.resources]]
/// name = "secrets"          # a new resource: objects and object_kib required
/// objects = 20000
/// object_kib = 8
/// [[control_plane.workload.resources]]
/// name = "pods"             # a built-in one: what is given replaces the derived figure
/// object_kib = 12
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceSpec {
    /// the resource's plural name: a built-in one (`pods`, `nodes`,
    /// `leases`, `events`, `configmaps`, `deployments`) or a new one
    pub name: String,
    /// objects stored, every namespace; a built-in's default is derived
    /// from the cluster's size (see `stored_objects`)
    #[serde(default)]
    pub objects: Option<u64>,
    /// mean size of one object as stored [KiB]; a built-in's default is
    /// `Resource::default_object_kib`
    #[serde(default)]
    pub object_kib: Option<f64>,
    /// watchers sent each event of it (informers); a built-in's default is
    /// derived (see `interested_watchers`), a new one's is
    /// [`DECLARED_WATCHERS`]
    #[serde(default)]
    pub watchers: Option<u32>,
}

/// Watchers of a declared resource's events unless it says: its operator
/// and a few controllers (assumption).
pub const DECLARED_WATCHERS: u32 = 3;

/// The most objects a resource stores in the lab (a LIST's count is 32-bit).
pub const MAX_OBJECTS: u64 = 100_000_000;

/// etcd's largest request, 1.5 MiB (`--max-request-bytes`' default): no
/// object is larger.
pub const MAX_OBJECT_KIB: f64 = 1_536.0;

/// A Poisson stream of one kind of request (a LIST storm, a greedy tenant,
/// or the single stream of a textbook station).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomSource {
    pub name: String,
    /// requests per second
    pub rate: f64,
    pub verb: Verb,
    /// a built-in resource or one `resources` declares
    pub resource: ResourceRef,
    /// `status` or `binding`; default none
    #[serde(default)]
    pub subresource: Subresource,
    pub client: ClientKind,
    /// objects in scope (a LIST's size); default 1
    #[serde(default = "one")]
    pub objects: u32,
    /// objects a LIST's selector matches, of `objects` (default: all). The
    /// others are read and decoded all the same: etcd knows no selector,
    /// and the watch cache walks every object in scope
    #[serde(default)]
    pub matches: Option<u32>,
    /// distinct users sending it (flows of by-user schemas); default 1
    #[serde(default = "one")]
    pub users: u32,
    /// a LIST's page size (`limit`; later pages follow the `continue`
    /// token); 0 for none. Default: 500 for `user` (kubectl's
    /// `--chunk-size`), none for the others (a client-go `List` call
    /// without `Limit`). Ignored for `controller-manager`: informers'
    /// `resourceVersion=0` LISTs come whole from the cache
    #[serde(default)]
    pub limit: Option<u32>,
    /// how fast its client reads each response [KiB/s]; default: as fast
    /// as the server writes it. A slower reader (a thin link, a client
    /// busy elsewhere) keeps its request's seats and memory until it has
    /// read the response, or until the request timeout ends the handler:
    /// its writes then fail (`timeoutWriter`) and it returns
    #[serde(default)]
    pub read_kib_s: Option<u32>,
}

impl CustomSource {
    /// The page size its LISTs ask for, 0 for none. The controller
    /// manager's are informers' `resourceVersion=0` LISTs, which the cache
    /// answers whole (`cacher.go`, `computeListLimit`).
    pub fn page_size(&self) -> u32 {
        match (self.limit, self.client) {
            (_, ClientKind::ControllerManager) => 0,
            (Some(limit), _) => limit,
            (None, ClientKind::User) => KUBECTL_CHUNK_SIZE,
            (None, _) => 0,
        }
    }
}

/// The built-in resources a scenario may give figures for (discovery
/// documents are no stored objects).
const BUILT_IN_NAMES: [&str; 6] = [
    "pods",
    "nodes",
    "leases",
    "events",
    "configmaps",
    "deployments",
];

fn built_in(name: &str) -> Option<Resource> {
    Resource::ALL
        .into_iter()
        .find(|r| r.name() == name && BUILT_IN_NAMES.contains(&name))
}

impl WorkloadSpec {
    fn check_resources(&self) -> Result<(), (&'static str, String)> {
        let err = |text: String| Err(("resources", text));
        for (i, r) in self.resources.iter().enumerate() {
            let name = &r.name;
            let valid_name = !name.is_empty()
                && name.len() <= 253
                && name.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'
                });
            if !valid_name {
                return err(format!(
                    "\"{name}\": a resource's name is a lowercase plural (letters, digits, '-' and '.'), like secrets or widgets.example.com"
                ));
            }
            if name == "discovery" {
                return err("\"discovery\": discovery documents are no stored objects".into());
            }
            if self.resources[..i].iter().any(|o| o.name == *name) {
                return err(format!("\"{name}\" is declared twice"));
            }
            let new = built_in(name).is_none();
            if new && (r.objects.is_none() || r.object_kib.is_none()) {
                return err(format!(
                    "\"{name}\" is no built-in resource: give its objects and object_kib"
                ));
            }
            if let Some(objects) = r.objects.filter(|&o| o > MAX_OBJECTS) {
                return err(format!(
                    "\"{name}\": objects must be at most {MAX_OBJECTS}, got {objects}"
                ));
            }
            let bad_size = |kib: &f64| !(kib.is_finite() && *kib > 0.0 && *kib <= MAX_OBJECT_KIB);
            if let Some(kib) = r.object_kib.filter(bad_size) {
                return err(format!(
                    "\"{name}\": object_kib must be above 0 and at most {MAX_OBJECT_KIB} (etcd's request limit), got {kib}"
                ));
            }
            if let Some(watchers) = r.watchers.filter(|&w| w > 100_000) {
                return err(format!(
                    "\"{name}\": watchers must be at most 100000, got {watchers}"
                ));
            }
        }
        let declared = self.declared().count();
        if declared > Resource::MAX_DECLARED {
            return err(format!(
                "at most {} resources besides the built-in ones, got {declared}",
                Resource::MAX_DECLARED
            ));
        }
        Ok(())
    }
}

fn one() -> u32 {
    1
}

fn default_load_factor() -> f64 {
    1.0
}
fn default_pods_per_node() -> u32 {
    30
}
fn default_namespaces() -> u32 {
    100
}
fn default_churn() -> f64 {
    6.0
}
fn default_user_qps() -> f64 {
    10.0
}
fn default_operator_qps() -> f64 {
    20.0
}
fn default_lists() -> f64 {
    1.0
}
fn default_crds() -> u32 {
    30
}
fn default_discovery_clients() -> u32 {
    200
}

impl WorkloadSpec {
    pub fn with_nodes(nodes: u32) -> Self {
        Self {
            nodes,
            pods_per_node: default_pods_per_node(),
            namespaces: default_namespaces(),
            pod_churn_per_node_hour: default_churn(),
            user_qps: default_user_qps(),
            operator_qps: default_operator_qps(),
            controller_lists_per_minute: default_lists(),
            crds: default_crds(),
            discovery_clients: default_discovery_clients(),
            load_factor: default_load_factor(),
            derived: true,
            sources: Vec::new(),
            resources: Vec::new(),
        }
    }

    /// The resource `name` names: a built-in one, or the one declared
    /// under that name (`None`: neither).
    pub fn resource(&self, name: &ResourceRef) -> Option<Resource> {
        match name {
            ResourceRef::BuiltIn(resource) => Some(*resource),
            ResourceRef::Declared(name) => self
                .declared()
                .position(|r| r.name == *name)
                .and_then(Resource::declared),
        }
    }

    /// The resources this workload stores: the built-in ones, then the
    /// declared ones.
    pub fn all_resources(&self) -> impl Iterator<Item = Resource> + '_ {
        let declared = self.declared().count();
        Resource::ALL
            .into_iter()
            .chain((0..declared).filter_map(Resource::declared))
    }

    /// The declared resources (those no built-in one is called), in order.
    fn declared(&self) -> impl Iterator<Item = &ResourceSpec> + '_ {
        self.resources
            .iter()
            .filter(|r| built_in(&r.name).is_none())
    }

    /// What the scenario says of `resource`, if anything.
    pub fn spec_of(&self, resource: Resource) -> Option<&ResourceSpec> {
        match resource.declared_index() {
            Some(n) => self.declared().nth(n),
            None => self.resources.iter().find(|r| r.name == resource.name()),
        }
    }

    /// `resource`'s name as the API gives it.
    pub fn resource_name(&self, resource: Resource) -> &str {
        match self.spec_of(resource) {
            Some(spec) if resource.declared_index().is_some() => &spec.name,
            _ => resource.name(),
        }
    }

    /// Mean size of one object of `resource` [KiB].
    pub fn object_kib(&self, resource: Resource) -> f64 {
        self.spec_of(resource)
            .and_then(|r| r.object_kib)
            .unwrap_or_else(|| resource.default_object_kib())
    }

    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let range = |name: &'static str, value: u32, lo: u32, hi: u32| {
            if (lo..=hi).contains(&value) {
                Ok(())
            } else {
                Err((name, format!("must be {lo} to {hi}, got {value}")))
            }
        };
        range("nodes", self.nodes, 1, 15_000)?;
        range("pods_per_node", self.pods_per_node, 0, 110)?;
        range("namespaces", self.namespaces, 1, 10_000)?;
        range("crds", self.crds, 0, 2_000)?;
        range("discovery_clients", self.discovery_clients, 0, 100_000)?;
        for (name, value, max) in [
            (
                "pod_churn_per_node_hour",
                self.pod_churn_per_node_hour,
                3_600.0,
            ),
            ("user_qps", self.user_qps, 100_000.0),
            ("operator_qps", self.operator_qps, 100_000.0),
            (
                "controller_lists_per_minute",
                self.controller_lists_per_minute,
                6_000.0,
            ),
            ("load_factor", self.load_factor, 1_000.0),
        ] {
            if !(value.is_finite() && (0.0..=max).contains(&value)) {
                return Err((name, format!("must be a number in [0, {max}], got {value}")));
            }
        }
        self.check_resources()?;
        if self.sources.len() > 64 {
            return Err(("sources", "at most 64 sources".into()));
        }
        for source in &self.sources {
            if !(source.rate.is_finite() && (0.0..=1e6).contains(&source.rate)) {
                return Err((
                    "sources",
                    format!(
                        "{}: rate must be in [0, 1000000], got {}",
                        source.name, source.rate
                    ),
                ));
            }
            if self.resource(&source.resource).is_none() {
                return Err((
                    "sources",
                    format!(
                        "{}: resource \"{}\" is neither built in ({}) nor declared in workload.resources",
                        source.name,
                        source.resource,
                        BUILT_IN_NAMES.join(", ")
                    ),
                ));
            }
            if source.matches.is_some() && source.verb != Verb::List {
                return Err((
                    "sources",
                    format!(
                        "{}: matches is a LIST's selector; a {:?} request has none",
                        source.name, source.verb
                    ),
                ));
            }
            if source.matches.is_some_and(|m| m > source.objects) {
                return Err((
                    "sources",
                    format!(
                        "{}: matches ({}) must be at most objects ({})",
                        source.name,
                        source.matches.unwrap_or(0),
                        source.objects
                    ),
                ));
            }
            if source.users == 0 {
                return Err((
                    "sources",
                    format!("{}: users must be at least 1", source.name),
                ));
            }
            if source.read_kib_s.is_some_and(|r| r == 0 || r > 1_000_000) {
                return Err((
                    "sources",
                    format!(
                        "{}: read_kib_s must be 1 to 1000000 KiB/s (leave it out for a client that reads as fast as the server writes)",
                        source.name
                    ),
                ));
            }
        }
        Ok(())
    }
}
