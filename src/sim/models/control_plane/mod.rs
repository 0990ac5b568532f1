//! The Kubernetes control plane's request path, mechanism by mechanism, in
//! upstream's version and the article's.
//!
//! - [`spec`]: what a scenario sets (with every default's source);
//! - [`workload`]: the requests a cluster of N nodes makes;
//! - [`model`]: the running model, one request's path through flow control,
//!   webhooks, the etcd client and cluster, and the watch cache.

pub mod changes;
pub mod model;
pub mod spec;
pub mod workload;

pub use changes::ControlPlaneChange;
pub use model::{
    Bottleneck, ControlPlane, ControlPlaneSnapshot, CpEvent, InFlight, LockId, MetricClass,
    Metrics, Phase, ResourceId, ResourceLoad, ResourceUse, ServerSnapshot, Stage,
};
pub use spec::{CacheTimeout, ControlPlaneSpec, Discovery, WebhookHandling, WorkloadSpec};
