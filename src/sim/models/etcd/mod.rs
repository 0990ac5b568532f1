//! etcd: the cluster (raft, disks, reads) and the API server's client.
//!
//! Upstream facts (kubernetes.md, "etcd and its client"): the API server
//! uses clientv3 with one gRPC connection per resource type, multiplexed;
//! retries on `Unavailable` wait a fixed ~25 ms. The article's "1.32-tuned
//! etcd gRPC proxy" (a pool of connections, exponential back-off, LIST
//! coalescing) does not exist upstream: it is modelled as a what-if.

pub mod benchmark;
pub mod client;
pub mod disk;
pub mod server;
pub mod spec;

pub use server::{Etcd, EtcdEvent, EtcdOp, EtcdReply, EtcdSnapshot};
pub use spec::EtcdSpec;
