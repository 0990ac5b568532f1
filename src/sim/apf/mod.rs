//! API Priority and Fairness (APF), as upstream Kubernetes implements it.
//!
//! Each priority level owns a number of *seats* (its concurrency limit) and,
//! unless it is configured without queues, a set of FIFO queues served by
//! fair queuing: a flow (a flow schema plus a distinguisher such as the user
//! or namespace) is dealt a hand of queues by shuffle sharding
//! ([`dealer`]), joins the one with the least waiting work, and the
//! dispatcher serves queues so that each busy queue progresses through
//! virtual time at the same rate ([`queueset`]).
//!
//! Source: kubernetes `staging/src/k8s.io/apiserver/pkg/util/flowcontrol/`
//! (`fairqueuing/queueset/queueset.go`, `shufflesharding/`), release 1.32.

pub mod dealer;
pub mod queueset;

pub use dealer::Dealer;
pub use queueset::{Admission, Dispatch, QueueSet, QueueSetConfig, RejectReason, WorkEstimate};
