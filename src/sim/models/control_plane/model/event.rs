//! The control plane's events: each names what happens and to whom (a
//! request's ticket, an etcd call's id, a lock, a starting client), and on
//! which API server (`server`, its index; an etcd call's id carries it).

use super::cache::LockId;
use crate::sim::engine::time::Nanos;
use crate::sim::models::etcd::EtcdEvent;
use crate::sim::models::etcd::client::Wake;
use crate::sim::models::flow_control::Expiry;
use crate::sim::models::request::{RequestKind, Resource};
use crate::sim::models::watch_cache::Holder;

#[derive(Debug, Clone, Copy)]
pub enum CpEvent {
    /// the etcd cluster's own events (disk, raft, apply)
    Etcd(EtcdEvent),
    /// the next request of a workload source
    Arrival { source: u16, generation: u32 },
    /// a queued request's wait for seats on API server `server` reaches
    /// its limit
    QueueDeadline { server: u8, expiry: Expiry },
    /// the API server's CPU has work done (a wake-up of an older `epoch`
    /// is stale: the work on the CPU changed since)
    Cpu { server: u8, epoch: u32 },
    /// a webhook call of request `ticket` returns (or times out)
    HookDone {
        server: u8,
        ticket: u64,
        hook: u8,
        /// when the call was asked for [ns]
        started: Nanos,
        timed_out: bool,
    },
    /// one way of an etcd connection (of the storage's client `generation`)
    /// has a message across
    EtcdWire {
        server: u8,
        wake: Wake,
        generation: u32,
    },
    /// an etcd call reaches the cluster
    EtcdArrives { call: u64 },
    /// etcd's reply to a call is fully received by the API server
    EtcdReceived { call: u64 },
    /// an etcd call that failed is sent again
    EtcdRetry { call: u64 },
    /// a hold on a watch cache lock ends
    LockReleased {
        server: u8,
        lock: LockId,
        holder: Holder,
    },
    /// the progress requester of `resource`'s cache takes its turn
    ProgressRequest { server: u8, resource: Resource },
    /// etcd's progress notification (of its state at `revision_at` [ns])
    /// reaches `resource`'s cache
    ProgressNotified {
        server: u8,
        resource: Resource,
        revision_at: Nanos,
    },
    /// an event (or progress notification) the watch cache lag held back
    /// reaches API server `server`'s cache
    CacheApplies {
        server: u8,
        event: u64,
        namespace: u32,
    },
    /// consistent reader `ticket` has waited 3 s for `resource`'s cache
    FreshnessTimeout {
        server: u8,
        ticket: u64,
        resource: Resource,
    },
    /// the seats a finished write held on for its watch notifications are
    /// free
    FinalSeatsFree { ticket: u64 },
    /// every 10 s: APF divides its seats between its levels again
    SeatDivision,
    /// the warm-up is over: the resources' use is measured from here
    WarmupOver,
    /// every second: the resources' readings join the recent window
    LoadMark,
    /// every second: requests whose `--request-timeout` falls in the next
    /// second get their deadline scheduled
    TimeoutSweep,
    /// a request reaches `--request-timeout`: a 504 if still unanswered
    RequestDeadline { ticket: u64 },
    /// the request waiting in its client's bucket in `slot` has its token:
    /// it is sent
    ClientSends { slot: u32 },
    /// request `ticket`'s slow client has read its whole response
    Delivered { ticket: u64 },
    /// a client retries a request its 429 told it to retry later
    ClientRetry {
        kind: RequestKind,
        retries: u8,
        discovery_client: Option<u32>,
    },
    /// a restarted (or new) API server `server` is back: its caches
    /// re-list
    ServerStarts { server: u8 },
    /// a client (re)starts and discovers the API
    DiscoveryStart { client: u32 },
    /// a starting client's rate limiter lets its next discovery request go
    DiscoverySend { client: u32 },
}

impl CpEvent {
    /// The events the model schedules for itself whatever happens (every
    /// second, every 10 s, once at the warm-up's end).
    pub fn is_periodic(&self) -> bool {
        matches!(
            self,
            CpEvent::TimeoutSweep | CpEvent::SeatDivision | CpEvent::LoadMark | CpEvent::WarmupOver
        )
    }
}

impl From<EtcdEvent> for CpEvent {
    fn from(event: EtcdEvent) -> Self {
        CpEvent::Etcd(event)
    }
}
