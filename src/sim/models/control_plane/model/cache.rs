//! The cache stage: an API server's watch cache. Reads hold a lock for as
//! long as their walk over the objects takes; every write's event takes the
//! write lock, then the resource's dispatcher sends it to its watchers
//! (that delay is the *watch* latency).

use super::event::CpEvent;
use crate::sim::IdMap;
use crate::sim::engine::context::Cx;
use crate::sim::engine::time::{Nanos, from_secs};
use crate::sim::models::control_plane::spec::ControlPlaneSpec;
use crate::sim::models::control_plane::workload::{ALL_NAMESPACES, interested_watchers};
use crate::sim::models::request::{RequestKind, Resource};
use crate::sim::models::watch_cache::{CacheLocking, Holder, RwLock};

/// Most namespace shards per resource (the article's sharding): beyond this
/// namespaces share shards, which keeps memory bounded at 10,000 namespaces.
const MAX_SHARDS: u32 = 256;
/// Lock index meaning "no lock" (a cluster-wide read under sharding).
const NO_LOCK: u32 = u32::MAX;

/// One lock of one layout of the locks (a change of locking or of
/// namespaces lays them out anew; holds on the old layout still end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockId {
    index: u32,
    layout: u32,
}

#[derive(Debug, Clone)]
pub(super) struct WatchCache {
    locks: Vec<RwLock>,
    /// the previous layout's locks, releasing their holds
    retired_locks: Vec<RwLock>,
    layout: u32,
    /// locks per resource
    shards: u32,
    /// when each resource's dispatcher is next free [ns]
    dispatcher_free: [Nanos; Resource::ALL.len()],
    /// watch events in the cache's pipeline: their etcd completion time
    /// [ns] and resource
    events: IdMap<u64, (Nanos, Resource)>,
    next_event: u64,
}

impl WatchCache {
    pub fn new(spec: &ControlPlaneSpec) -> Self {
        let mut cache = Self {
            locks: Vec::new(),
            retired_locks: Vec::new(),
            layout: 0,
            shards: 1,
            dispatcher_free: [0; Resource::ALL.len()],
            events: IdMap::default(),
            next_event: 0,
        };
        cache.lay_out(spec);
        cache
    }

    /// Lays the locks out for the spec's locking and namespaces.
    pub fn lay_out(&mut self, spec: &ControlPlaneSpec) {
        self.shards = match spec.cache_locking {
            CacheLocking::PerResource => 1,
            CacheLocking::NamespaceShards => spec.workload.namespaces.clamp(1, MAX_SHARDS),
        };
        let fresh = vec![RwLock::default(); Resource::ALL.len() * self.shards as usize];
        self.retired_locks = std::mem::replace(&mut self.locks, fresh);
        self.layout = self.layout.wrapping_add(1);
    }

    fn lock_index(&self, resource: Resource, namespace: u32) -> u32 {
        if namespace == ALL_NAMESPACES && self.shards > 1 {
            return NO_LOCK;
        }
        let shard = if namespace == ALL_NAMESPACES {
            0
        } else {
            namespace % self.shards
        };
        resource.index() as u32 * self.shards + shard
    }

    fn acquire(&mut self, cx: &mut Cx<CpEvent>, index: u32, holder: Holder) {
        let lock = LockId {
            index,
            layout: self.layout,
        };
        let granted = match self.locks.get_mut(index as usize) {
            Some(l) => l.acquire(holder),
            None => true,
        };
        if granted {
            cx.after(holder.hold, CpEvent::LockReleased { lock, holder });
        }
    }

    /// Request `ticket` of `kind` reads from the cache: it walks the
    /// objects in scope under the read lock.
    pub fn read(
        &mut self,
        cx: &mut Cx<CpEvent>,
        ticket: u64,
        kind: &RequestKind,
        spec: &ControlPlaneSpec,
    ) {
        let cache = &spec.watch_cache;
        let hold = from_secs(cache.read_base + cache.read_per_object * kind.objects as f64);
        let index = self.lock_index(kind.resource, kind.namespace);
        let holder = Holder {
            id: ticket,
            write: false,
            hold,
        };
        self.acquire(cx, index, holder);
    }

    /// A write etcd completed at `done_at` [ns] reaches the cache as an
    /// event: it waits for the write lock of its resource (and namespace).
    pub fn write(
        &mut self,
        cx: &mut Cx<CpEvent>,
        done_at: Nanos,
        resource: Resource,
        namespace: u32,
        spec: &ControlPlaneSpec,
    ) {
        let event = self.next_event;
        self.next_event += 1;
        self.events.insert(event, (done_at, resource));
        let index = self.lock_index(resource, namespace);
        let holder = Holder {
            id: event,
            write: true,
            hold: from_secs(spec.watch_cache.write_hold),
        };
        self.acquire(cx, index, holder);
    }

    /// `holder`'s hold on `lock` ends; waiters granted in turn start their
    /// holds. A write's event goes on to its dispatcher; a read is done:
    /// returns the reader's ticket.
    pub fn released(
        &mut self,
        cx: &mut Cx<CpEvent>,
        lock: LockId,
        holder: Holder,
        spec: &ControlPlaneSpec,
    ) -> Option<u64> {
        let mut granted = Vec::new();
        let locks = if lock.layout == self.layout {
            &mut self.locks
        } else {
            &mut self.retired_locks
        };
        if let Some(l) = locks.get_mut(lock.index as usize) {
            l.release(holder.write, &mut granted);
        }
        for next in granted {
            cx.after(next.hold, CpEvent::LockReleased { lock, holder: next });
        }
        if !holder.write {
            return Some(holder.id);
        }
        // The dispatcher of this resource sends the event to its watchers.
        let &(_, resource) = self.events.get(&holder.id)?;
        let cache = &spec.watch_cache;
        let cost = from_secs(
            cache.dispatch_base + cache.dispatch_per_watcher * interested_watchers(resource) as f64,
        );
        let slot = &mut self.dispatcher_free[resource.index()];
        let delivered = cx.now.max(*slot) + cost;
        *slot = delivered;
        cx.at(delivered, CpEvent::WatchDelivered { event: holder.id });
        None
    }

    /// Watch event `event` reached its watchers: when etcd had it [ns].
    pub fn delivered(&mut self, event: u64) -> Option<Nanos> {
        self.events.remove(&event).map(|(done_at, _)| done_at)
    }

    /// Watch events in the pipeline.
    pub fn events_in_flight(&self) -> usize {
        self.events.len()
    }

    /// Per resource, the sum over its locks of `count` (holders, waiters).
    pub fn per_resource(&self, count: fn(&RwLock) -> u32) -> Vec<u32> {
        self.locks
            .chunks(self.shards.max(1) as usize)
            .map(|shards| shards.iter().map(count).sum())
            .collect()
    }
}
