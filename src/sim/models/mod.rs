//! What is simulated, each model driven by the engine's calendar:
//!
//! - [`station`]: the textbook M/G/c/K station;
//! - [`closed_loop`]: one APF priority level under closed-loop clients, as
//!   Kubernetes' own queueset tests drive it;
//! - [`control_plane`]: the Kubernetes control plane's request path, in
//!   stages, with its mechanisms as models of their own:
//!   [`flow_control`] (APF and its fair queuing, max-inflight, the article's
//!   queue), the [`watch_cache`]'s locks, and [`etcd`] (its client and its
//!   cluster);
//! - [`request`]: what a request is (verb, resource, client, class).

pub mod closed_loop;
pub mod control_plane;
pub mod etcd;
pub mod flow_control;
pub mod request;
pub mod station;
pub mod watch_cache;
