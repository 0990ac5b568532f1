//! etcd: the cluster (raft, disks, reads) and the API server's client.
//!
//! Upstream (k8s.io/apiserver `storagebackend/factory/etcd3.go`, etcd
//! `client/v3`): the API server uses a clientv3 client per resource type,
//! one HTTP/2 connection per etcd endpoint each; reads are retried on
//! `Unavailable`, writes are not. The article's "1.32-tuned
//! etcd gRPC proxy" (a pool of connections, exponential back-off, LIST
//! coalescing) does not exist upstream: it is modelled as a what-if.

pub mod benchmark;
pub mod client;
pub mod disk;
mod pipe;
pub mod server;
pub mod spec;

pub use server::{Etcd, EtcdEvent, EtcdOp, EtcdReply, EtcdSnapshot};
pub use spec::EtcdSpec;
