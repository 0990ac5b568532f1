//! The clients' own rate limits: client-go's token bucket.
//!
//! Every client-go REST client waits in a token bucket before it sends a
//! request (`rest/request.go`, `tryThrottleWithInfo`; the bucket is
//! `golang.org/x/time/rate`'s, `util/flowcontrol/throttle.go`): `qps`
//! tokens a second, at most `burst` saved up, one per request, and a
//! request that finds none waits for the next, in turn. A wait over 50 ms is
//! logged as "Waited before sending request ... client-side throttling, not
//! priority and fairness": the time is spent in the client, before API
//! Priority and Fairness ever sees the request. Retries of a 429 wait in
//! the same bucket (`rest/with_retry.go`, `Before`).
//!
//! ```toml
//! [control_plane.client_limits]
//! enabled = true    # default false: every client sends when its load arrives
//! qps = 5.0         # client-go's default, for operators and other clients
//! burst = 10
//! ```
//!
//! The components set their own (each a setting here, with its source):
//!
//! | client | QPS | burst | source |
//! |---|---|---|---|
//! | kubelet, per node | 50 | 100 | `--kube-api-qps`, `--kube-api-burst` (KubeletConfiguration `kubeAPIQPS`, `kubeAPIBurst`, k8s.io/kubelet `config/v1beta1/types.go`) |
//! | kubelet's events, per node | 50 | 100 | `eventRecordQPS`, `eventBurst` (same file): the kubelet sends events on a client of their own |
//! | kube-controller-manager, per controller | 20 | 30 | `--kube-api-qps`, `--kube-api-burst` (`pkg/controller/apis/config/v1alpha1/defaults.go`); each controller builds its own client, so each has its own bucket |
//! | kube-scheduler | 50 | 100 | `clientConnection.qps`, `burst` (`pkg/scheduler/apis/config/v1/defaults.go`) |
//! | operators, admins, custom sources | 5 | 10 | client-go's `DefaultQPS`, `DefaultBurst` (`rest/config.go`) |
//!
//! kubectl is left unlimited: each command is a new process whose bucket
//! starts full (10, client-go's default: kubectl raises only discovery's,
//! `cli-runtime` `config_flags.go`), and the model's commands send fewer.
//! The presets keep the limits off, as the scalability tests raise every
//! component's past its load (assumption: the model's streams are the load
//! the components want to send).

use crate::sim::models::request::{ClientKind, RequestKind, Resource, Verb};
use serde::{Deserialize, Serialize};

/// A request waits at most this long in its client's bucket [s]; one that
/// would wait longer is given up without taking a token, as x/time/rate's
/// `Wait` refuses a wait past its context's deadline ("would exceed
/// context deadline"). Assumption: real clients often have no deadline
/// and their waiting requests pile up without end; a minute bounds the
/// model's.
pub const CLIENT_WAIT_LIMIT: f64 = 60.0;

/// client-go's rate limits, per client.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientLimitsSpec {
    /// whether clients wait in their buckets at all. Default false: every
    /// client sends when its load arrives, as if each one's QPS were
    /// raised past it (the scalability tests raise the components')
    #[serde(default)]
    pub enabled: bool,
    /// requests per second of clients that keep client-go's default:
    /// operators, admins, custom sources. Default 5 (`rest/config.go`,
    /// `DefaultQPS`)
    #[serde(default = "default_qps")]
    pub qps: f64,
    /// their burst, default 10 (`DefaultBurst`)
    #[serde(default = "default_burst")]
    pub burst: u32,
    /// each kubelet's, default 50 (`kubeAPIQPS`); its events' too
    /// (`eventRecordQPS`, default 50)
    #[serde(default = "default_kubelet_qps")]
    pub kubelet_qps: f64,
    /// default 100 (`kubeAPIBurst`, `eventBurst`)
    #[serde(default = "default_kubelet_burst")]
    pub kubelet_burst: u32,
    /// each controller's in kube-controller-manager, default 20
    #[serde(default = "default_controller_manager_qps")]
    pub controller_manager_qps: f64,
    /// default 30
    #[serde(default = "default_controller_manager_burst")]
    pub controller_manager_burst: u32,
    /// kube-scheduler's, default 50
    #[serde(default = "default_scheduler_qps")]
    pub scheduler_qps: f64,
    /// default 100
    #[serde(default = "default_scheduler_burst")]
    pub scheduler_burst: u32,
}

fn default_qps() -> f64 {
    5.0
}
fn default_burst() -> u32 {
    10
}
fn default_kubelet_qps() -> f64 {
    50.0
}
fn default_kubelet_burst() -> u32 {
    100
}
fn default_controller_manager_qps() -> f64 {
    20.0
}
fn default_controller_manager_burst() -> u32 {
    30
}
fn default_scheduler_qps() -> f64 {
    50.0
}
fn default_scheduler_burst() -> u32 {
    100
}

impl Default for ClientLimitsSpec {
    fn default() -> Self {
        Self {
            enabled: false,
            qps: default_qps(),
            burst: default_burst(),
            kubelet_qps: default_kubelet_qps(),
            kubelet_burst: default_kubelet_burst(),
            controller_manager_qps: default_controller_manager_qps(),
            controller_manager_burst: default_controller_manager_burst(),
            scheduler_qps: default_scheduler_qps(),
            scheduler_burst: default_scheduler_burst(),
        }
    }
}

/// One client's bucket: which client, its rate [requests/s] and burst.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClientLimit {
    pub client: ClientId,
    pub qps: f64,
    pub burst: u32,
}

/// A client with a bucket of its own: its kind, which one of them (a
/// node's number, a user's), and which of its REST clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientId {
    pub kind: ClientKind,
    pub user: u32,
    pub lane: Lane,
}

/// Which of a process's REST clients sends a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lane {
    /// the only one, or the kubelet's and a controller's main one
    Main,
    /// the kubelet's event recorder's (`eventRecordQPS`)
    Events,
    /// kube-controller-manager's shared informers' LISTs (assumption: the
    /// model's pod creations and deletions are the ReplicaSet controller's,
    /// its relists the informers', each controller a client of its own)
    Informers,
}

impl ClientLimitsSpec {
    /// The bucket `kind` waits in, if its client has one: none for kubectl
    /// (see the module's note) or while the limits are off.
    pub fn limit_of(&self, kind: &RequestKind) -> Option<ClientLimit> {
        if !self.enabled || kind.client == ClientKind::User {
            return None;
        }
        let lane = match (kind.client, kind.resource, kind.verb) {
            (ClientKind::Kubelet, Resource::Events, _) => Lane::Events,
            (ClientKind::ControllerManager, _, Verb::List) => Lane::Informers,
            _ => Lane::Main,
        };
        let client = ClientId {
            kind: kind.client,
            user: kind.user,
            lane,
        };
        let (qps, burst) = self.rate_of(client);
        Some(ClientLimit { client, qps, burst })
    }

    /// A client's rate [requests/s] and burst.
    pub fn rate_of(&self, client: ClientId) -> (f64, u32) {
        match client.kind {
            ClientKind::Kubelet => (self.kubelet_qps, self.kubelet_burst),
            ClientKind::ControllerManager | ClientKind::LeaderElection => {
                (self.controller_manager_qps, self.controller_manager_burst)
            }
            ClientKind::Scheduler => (self.scheduler_qps, self.scheduler_burst),
            ClientKind::Operator | ClientKind::Admin | ClientKind::User => (self.qps, self.burst),
        }
    }

    /// Checks every value; `Err((field, message))` names the first bad one.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        for (name, qps) in [
            ("qps", self.qps),
            ("kubelet_qps", self.kubelet_qps),
            ("controller_manager_qps", self.controller_manager_qps),
            ("scheduler_qps", self.scheduler_qps),
        ] {
            if !(qps.is_finite() && (0.01..=1_000_000.0).contains(&qps)) {
                return Err((
                    name,
                    format!("must be 0.01 to 1000000 requests/s, got {qps}"),
                ));
            }
        }
        for (name, burst) in [
            ("burst", self.burst),
            ("kubelet_burst", self.kubelet_burst),
            ("controller_manager_burst", self.controller_manager_burst),
            ("scheduler_burst", self.scheduler_burst),
        ] {
            if !(1..=1_000_000).contains(&burst) {
                return Err((name, format!("must be 1 to 1000000, got {burst}")));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::models::request::Subresource;

    fn kind(client: ClientKind, verb: Verb, resource: Resource, user: u32) -> RequestKind {
        RequestKind {
            verb,
            resource,
            subresource: Subresource::None,
            client,
            namespace: 0,
            user,
            objects: 1,
            scanned: 1,
            page: Default::default(),
            read_kib_s: 0,
        }
    }

    #[test]
    fn each_component_waits_in_its_own_bucket_with_its_defaults() {
        let mut limits = ClientLimitsSpec::default();
        let lease = kind(ClientKind::Kubelet, Verb::Update, Resource::Leases, 7);
        assert_eq!(limits.limit_of(&lease), None, "off by default");
        limits.enabled = true;
        let of = |k: RequestKind| limits.limit_of(&k).map(|l| (l.qps, l.burst, l.client));
        let lease = of(lease).unwrap();
        assert_eq!((lease.0, lease.1), (50.0, 100));
        let event = of(kind(ClientKind::Kubelet, Verb::Create, Resource::Events, 7)).unwrap();
        assert_ne!(lease.2, event.2, "events have a client of their own");
        let create = of(kind(
            ClientKind::ControllerManager,
            Verb::Create,
            Resource::Pods,
            0,
        ));
        let relist = of(kind(
            ClientKind::ControllerManager,
            Verb::List,
            Resource::Pods,
            0,
        ));
        assert_eq!((create.unwrap().0, create.unwrap().1), (20.0, 30));
        assert_ne!(create.unwrap().2, relist.unwrap().2);
        let bind = of(kind(ClientKind::Scheduler, Verb::Create, Resource::Pods, 0)).unwrap();
        assert_eq!((bind.0, bind.1), (50.0, 100));
        let operator = of(kind(
            ClientKind::Operator,
            Verb::Get,
            Resource::ConfigMaps,
            3,
        ))
        .unwrap();
        assert_eq!((operator.0, operator.1), (5.0, 10));
        assert_eq!(
            of(kind(ClientKind::User, Verb::Get, Resource::Pods, 3)),
            None
        );
    }

    #[test]
    fn bad_limits_are_named() {
        let mut limits = ClientLimitsSpec {
            qps: 0.0,
            ..Default::default()
        };
        assert_eq!(limits.check().unwrap_err().0, "qps");
        limits.qps = 5.0;
        limits.scheduler_burst = 0;
        assert_eq!(limits.check().unwrap_err().0, "scheduler_burst");
    }
}
