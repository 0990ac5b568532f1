//! The load a scenario declares: derived from the cluster's size, plus
//! custom sources (a LIST storm, a greedy tenant, a textbook station).

use super::default_true;
use crate::sim::models::control_plane::workload::KUBECTL_CHUNK_SIZE;
use crate::sim::models::request::{ClientKind, Resource, Subresource, Verb};
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
}

/// A Poisson stream of one kind of request (a LIST storm, a greedy tenant,
/// or the single stream of a textbook station).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomSource {
    pub name: String,
    /// requests per second
    pub rate: f64,
    pub verb: Verb,
    pub resource: Resource,
    /// `status` or `binding`; default none
    #[serde(default)]
    pub subresource: Subresource,
    pub client: ClientKind,
    /// objects in scope (a LIST's size); default 1
    #[serde(default = "one")]
    pub objects: u32,
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
        }
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
            if source.users == 0 {
                return Err((
                    "sources",
                    format!("{}: users must be at least 1", source.name),
                ));
            }
        }
        Ok(())
    }
}
