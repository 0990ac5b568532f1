//! What a request to the API server is: verb, resource, who sends it.
//!
//! These are the attributes flow schemas match on and the charts group by.

use serde::{Deserialize, Serialize};

/// The Kubernetes API verb.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verb {
    Get,
    List,
    Watch,
    Create,
    Update,
    Patch,
    Delete,
}

impl Verb {
    /// POST, PUT, PATCH, DELETE: the verbs `--max-mutating-requests-inflight` counts.
    pub fn is_mutating(self) -> bool {
        matches!(
            self,
            Verb::Create | Verb::Update | Verb::Patch | Verb::Delete
        )
    }
}

/// The resources the model distinguishes (each has its own watch cache and,
/// upstream, its own etcd connection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Resource {
    Pods,
    Nodes,
    Leases,
    Events,
    ConfigMaps,
    Deployments,
    /// `/api`, `/apis` and group-version discovery documents
    Discovery,
}

impl Resource {
    pub const ALL: [Resource; 7] = [
        Resource::Pods,
        Resource::Nodes,
        Resource::Leases,
        Resource::Events,
        Resource::ConfigMaps,
        Resource::Deployments,
        Resource::Discovery,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    /// The resource as the API names it (`configmaps`).
    pub fn name(self) -> &'static str {
        match self {
            Resource::Pods => "pods",
            Resource::Nodes => "nodes",
            Resource::Leases => "leases",
            Resource::Events => "events",
            Resource::ConfigMaps => "configmaps",
            Resource::Deployments => "deployments",
            Resource::Discovery => "discovery",
        }
    }

    /// Typical size of one object [KiB] (assumptions, for transfer and
    /// serialization costs: a pod of a few containers is ~4 KiB, a node
    /// with its images list ~12 KiB, a lease ~0.4 KiB; one group-version
    /// discovery document ~5 KiB).
    pub fn object_kib(self) -> f64 {
        match self {
            Resource::Pods => 4.0,
            Resource::Nodes => 12.0,
            Resource::Leases => 0.4,
            Resource::Events => 0.8,
            Resource::ConfigMaps => 2.0,
            Resource::Deployments => 3.0,
            Resource::Discovery => 5.0,
        }
    }
}

/// Who sends a request: what flow schemas match (by user or group).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientKind {
    /// a node's kubelet (group system:nodes)
    Kubelet,
    /// kube-controller-manager
    ControllerManager,
    /// kube-scheduler
    Scheduler,
    /// controller-manager and scheduler renewing their leader-election leases
    LeaderElection,
    /// workloads' service accounts (operators, custom controllers)
    Operator,
    /// people and scripts (kubectl), authenticated users
    User,
    /// cluster administrators (group system:masters)
    Admin,
}

/// The latency class a request is charted and judged by (the SLOs of
/// sig-scalability: mutating and read of a single object ≤ 1 s at p99,
/// LIST ≤ 30 s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequestClass {
    Mutating,
    ReadSingle,
    List,
}

impl RequestClass {
    pub const ALL: [RequestClass; 3] = [
        RequestClass::Mutating,
        RequestClass::ReadSingle,
        RequestClass::List,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RequestClass::Mutating => "mutating",
            RequestClass::ReadSingle => "read-single",
            RequestClass::List => "list",
        }
    }

    /// The p99 latency objective [s] (kubernetes/community sig-scalability/slos).
    pub fn slo(self) -> f64 {
        match self {
            RequestClass::Mutating | RequestClass::ReadSingle => 1.0,
            RequestClass::List => 30.0,
        }
    }
}

/// One request's attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestKind {
    pub verb: Verb,
    pub resource: Resource,
    pub client: ClientKind,
    /// the namespace (index) it addresses; flows of some schemas are per namespace
    pub namespace: u32,
    /// the user within its client kind (a node's number for kubelets)
    pub user: u32,
    /// objects in scope: 1 for a single object, the matched count for a LIST
    pub objects: u32,
}

impl RequestKind {
    pub fn class(&self) -> RequestClass {
        match self.verb {
            v if v.is_mutating() => RequestClass::Mutating,
            Verb::List => RequestClass::List,
            _ => RequestClass::ReadSingle,
        }
    }
}
