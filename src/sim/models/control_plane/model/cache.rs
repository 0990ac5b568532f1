//! The cache stage: an API server's watch cache. Reads hold a lock for as
//! long as their walk over the objects takes; every write's event takes the
//! write lock, then the resource's dispatcher sends it to its watchers
//! (that delay is the *watch* latency).
//!
//! **A consistent read waits for the cache to be fresh** (v0.32
//! `watch_cache.go`, `waitUntilFreshAndBlock`): it has read etcd's current
//! revision, and the cache must have reached it. The cache knows how far it
//! has come from the events it applied and from etcd's progress
//! notifications, which its progress requester asks for every 100 ms while
//! a reader waits (`watch_progress.go`). A notification comes down the watch
//! stream behind the events etcd sent before it and, like an event, takes
//! the write lock to move the cache's revision (`UpdateResourceVersion`).
//! After 3 s (`blockTimeout`) the reader gives up and the LIST goes to etcd
//! (`cacher.go`: `IsTooLargeResourceVersion` → `c.storage.GetList`).
//! Revisions are modelled as etcd's clock: an event carries the time etcd
//! completed its write, a notification the time etcd answered it.

use super::event::CpEvent;
use crate::sim::IdMap;
use crate::sim::engine::context::Cx;
use crate::sim::engine::load::{Load, LoadReading};
use crate::sim::engine::time::{Nanos, from_secs};
use crate::sim::models::control_plane::spec::ControlPlaneSpec;
use crate::sim::models::control_plane::workload::{ALL_NAMESPACES, interested_watchers};
use crate::sim::models::request::{Page, RequestKind, Resource};
use crate::sim::models::watch_cache::{CacheLocking, Holder, RwLock};
use std::collections::VecDeque;

/// Most namespace shards per resource (the article's sharding): beyond this
/// namespaces share shards, which keeps memory bounded at 10,000 namespaces.
const MAX_SHARDS: u32 = 256;
/// Lock index meaning "no lock" (a cluster-wide read under sharding).
const NO_LOCK: u32 = u32::MAX;
/// How often a cache with waiting readers asks etcd for progress
/// (`progressRequestPeriod`, `cacher/watch_progress.go`) [ns].
pub const PROGRESS_REQUEST_PERIOD: Nanos = 100_000_000;
/// How long a consistent read waits for the cache before it goes to etcd
/// (`blockTimeout`, `cacher/watch_cache.go`) [ns].
pub const FRESHNESS_TIMEOUT: Nanos = 3_000_000_000;

/// What reaches the cache down a resource's watch stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Incoming {
    /// a write's event: the cache applies it, its dispatcher sends it on
    Event,
    /// a progress notification: only the cache's revision moves
    Progress,
}

/// One lock of one layout of the locks (a change of locking or of
/// namespaces lays them out anew; holds on the old layout still end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockId {
    index: u32,
    layout: u32,
}

#[derive(Debug, Clone)]
pub(super) struct WatchCache {
    /// the API server it belongs to (its index)
    server: u8,
    /// per resource, whether the cache has its objects (a restarted API
    /// server's caches re-list first: reads go to etcd meanwhile)
    ready: [bool; Resource::SLOTS],
    /// the fraction of the watchers connected to this API server
    watcher_share: f64,
    locks: Vec<RwLock>,
    /// each of `locks` busy over time: see [`blocking`]
    held: Vec<Load>,
    /// the previous layout's locks, releasing their holds
    retired_locks: Vec<RwLock>,
    layout: u32,
    /// locks per resource
    shards: u32,
    /// per resource, the events its dispatcher has yet to send, the one
    /// on the CPU first: (event, its CPU work [ns])
    dispatching: [VecDeque<(u64, Nanos)>; Resource::SLOTS],
    /// per resource, its dispatcher busy (an event on the CPU) over time
    dispatcher_busy: [Load; Resource::SLOTS],
    /// watch events (and progress notifications) in the cache's pipeline:
    /// the etcd time they carry [ns] and their resource
    events: IdMap<u64, (Nanos, Resource, Incoming)>,
    next_event: u64,
    /// per resource, the etcd time [ns] the cache has caught up to: the
    /// newest event or notification it applied (its `resourceVersion`)
    caught_up: [Nanos; Resource::SLOTS],
    /// per resource, the consistent readers waiting for the cache to reach
    /// their revision: (ticket, revision as etcd time [ns])
    waiting: [Vec<(u64, Nanos)>; Resource::SLOTS],
    /// per resource, when its progress requester last asked etcd [ns]
    last_progress_request: [Option<Nanos>; Resource::SLOTS],
    /// per resource, whether its requester's next turn is scheduled
    requester_scheduled: [bool; Resource::SLOTS],
    /// progress notifications among `events`
    notifications_in_flight: usize,
    /// how late the cache applies what its watches bring (the lag fault,
    /// 0 when off) [ns]
    lag: Nanos,
    /// when the last event held back by the lag is applied [ns]: events
    /// keep their order when the lag shrinks
    lagged_until: Nanos,
}

/// What a consistent read's wait for the cache came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Freshness {
    /// the cache has the revision: read it now
    Fresh,
    /// the reader waits (it hears back through [`Released::fresh`] or its
    /// `FreshnessTimeout`)
    Waiting,
}

/// What the end of a hold on a lock lets go on.
#[derive(Debug, Default)]
pub(super) struct Released {
    /// the reader whose walk is done
    pub reader: Option<u64>,
    /// consistent readers the cache has now caught up for
    pub fresh: Vec<u64>,
    /// an idle dispatcher was given an event: its CPU work [ns] starts now
    pub dispatch: Option<(usize, Nanos)>,
}

/// Whether a lock is busy as a resource: held by a writer (one at a time),
/// or by readers while someone waits for it. Readers alone share it, so a
/// lock always held by overlapping readers with nobody waiting limits
/// nothing.
fn blocking(lock: &RwLock) -> f64 {
    let busy = lock.is_write_held() || (lock.holders() > 0 && lock.waiters() > 0);
    busy as u32 as f64
}

impl WatchCache {
    pub fn new(server: u8, spec: &ControlPlaneSpec) -> Self {
        let mut cache = Self {
            server,
            ready: [true; Resource::SLOTS],
            watcher_share: 1.0,
            locks: Vec::new(),
            held: Vec::new(),
            retired_locks: Vec::new(),
            layout: 0,
            shards: 1,
            dispatching: Default::default(),
            dispatcher_busy: [Load::new(0, 1.0); Resource::SLOTS],
            events: IdMap::default(),
            next_event: 0,
            caught_up: [0; Resource::SLOTS],
            waiting: Default::default(),
            last_progress_request: [None; Resource::SLOTS],
            requester_scheduled: [false; Resource::SLOTS],
            notifications_in_flight: 0,
            lag: 0,
            lagged_until: 0,
        };
        cache.lay_out(0, spec);
        cache
    }

    /// Lays the locks out at `now` for the spec's locking and namespaces.
    pub fn lay_out(&mut self, now: Nanos, spec: &ControlPlaneSpec) {
        self.shards = match spec.cache_locking {
            CacheLocking::PerResource => 1,
            CacheLocking::NamespaceShards => spec.workload.namespaces.clamp(1, MAX_SHARDS),
        };
        let count = spec.workload.all_resources().count() * self.shards as usize;
        let fresh = vec![RwLock::default(); count];
        self.retired_locks = std::mem::replace(&mut self.locks, fresh);
        self.held = vec![Load::new(now, 1.0); count];
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
            Some(l) => {
                let granted = l.acquire(holder);
                self.held[index as usize].set_used(cx.now, blocking(l));
                granted
            }
            None => true,
        };
        if granted {
            let server = self.server;
            cx.after(
                holder.hold,
                CpEvent::LockReleased {
                    server,
                    lock,
                    holder,
                },
            );
        }
    }

    /// Request `ticket` of `kind` reads from the cache: it walks the
    /// objects in scope under the read lock. A first page walks them all:
    /// v0.32's `WaitUntilFreshAndList` lists the whole prefix under the
    /// lock (`ListPrefix(key, "", 0)`), and `cacher.go` cuts the page after.
    pub fn read(
        &mut self,
        cx: &mut Cx<CpEvent>,
        ticket: u64,
        kind: &RequestKind,
        spec: &ControlPlaneSpec,
    ) {
        let cache = &spec.watch_cache;
        let walked = match kind.page {
            Page::First { scanned_rest, .. } => kind.scanned as f64 + scanned_rest as f64,
            _ => kind.scanned as f64,
        };
        let hold = from_secs(cache.read_base + cache.read_per_object * walked);
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
        self.incoming(cx, done_at, resource, namespace, Incoming::Event, spec);
    }

    /// A progress notification etcd sent at `revision_at` [ns] reaches the
    /// cache: behind the events before it, it takes the write lock.
    pub fn progress_notified(
        &mut self,
        cx: &mut Cx<CpEvent>,
        revision_at: Nanos,
        resource: Resource,
        spec: &ControlPlaneSpec,
    ) {
        let incoming = Incoming::Progress;
        self.incoming(cx, revision_at, resource, ALL_NAMESPACES, incoming, spec);
    }

    fn incoming(
        &mut self,
        cx: &mut Cx<CpEvent>,
        revision_at: Nanos,
        resource: Resource,
        namespace: u32,
        incoming: Incoming,
        spec: &ControlPlaneSpec,
    ) {
        let event = self.next_event;
        self.next_event += 1;
        self.events.insert(event, (revision_at, resource, incoming));
        self.notifications_in_flight += (incoming == Incoming::Progress) as usize;
        let apply_at = (cx.now + self.lag).max(self.lagged_until);
        if apply_at > cx.now {
            // The stream stalls before the cache: what comes down it waits
            // in order (etcd's watch keeps it), and the cache's revision
            // stands still meanwhile.
            self.lagged_until = apply_at;
            let server = self.server;
            cx.at(
                apply_at,
                CpEvent::CacheApplies {
                    server,
                    event,
                    namespace,
                },
            );
            return;
        }
        self.apply(cx, event, namespace, spec);
    }

    /// Sets how late the cache applies what comes down its watches [ns].
    pub fn set_lag(&mut self, lag: Nanos) {
        self.lag = lag;
    }

    /// Event `event`, held back by the lag, reaches the cache now: it
    /// takes the write lock.
    pub fn apply(
        &mut self,
        cx: &mut Cx<CpEvent>,
        event: u64,
        namespace: u32,
        spec: &ControlPlaneSpec,
    ) {
        let Some(&(_, resource, _)) = self.events.get(&event) else {
            return;
        };
        let index = self.lock_index(resource, namespace);
        let holder = Holder {
            id: event,
            write: true,
            hold: from_secs(spec.watch_cache.write_hold),
        };
        self.acquire(cx, index, holder);
    }

    /// Consistent reader `ticket` read etcd's revision of `resource` as of
    /// `revision_at` [ns]: fresh if the cache has it, else it waits, and
    /// the resource's progress requester asks etcd for progress.
    pub fn wait_until_fresh(
        &mut self,
        cx: &mut Cx<CpEvent>,
        ticket: u64,
        resource: Resource,
        revision_at: Nanos,
    ) -> Freshness {
        let r = resource.index();
        if self.caught_up[r] >= revision_at {
            return Freshness::Fresh;
        }
        self.waiting[r].push((ticket, revision_at));
        cx.after(
            FRESHNESS_TIMEOUT,
            CpEvent::FreshnessTimeout {
                server: self.server,
                ticket,
                resource,
            },
        );
        if !self.requester_scheduled[r] {
            // Its timer fired while nobody waited (it was reset to fire at
            // once), or is still running from its last request.
            let next = self.last_progress_request[r]
                .map_or(cx.now, |last| cx.now.max(last + PROGRESS_REQUEST_PERIOD));
            let server = self.server;
            cx.at(next, CpEvent::ProgressRequest { server, resource });
            self.requester_scheduled[r] = true;
        }
        Freshness::Waiting
    }

    /// The progress requester of `resource` takes its turn: while readers
    /// wait it asks etcd for progress, and again 100 ms later. Returns
    /// whether it asked.
    pub fn progress_request(&mut self, cx: &mut Cx<CpEvent>, resource: Resource) -> bool {
        let r = resource.index();
        self.requester_scheduled[r] = false;
        if self.waiting[r].is_empty() {
            return false;
        }
        self.last_progress_request[r] = Some(cx.now);
        cx.after(
            PROGRESS_REQUEST_PERIOD,
            CpEvent::ProgressRequest {
                server: self.server,
                resource,
            },
        );
        self.requester_scheduled[r] = true;
        true
    }

    /// Reader `ticket`'s 3 s are up: whether it was still waiting (it now
    /// goes to etcd).
    pub fn give_up_waiting(&mut self, ticket: u64, resource: Resource) -> bool {
        let waiting = &mut self.waiting[resource.index()];
        let Some(at) = waiting.iter().position(|&(t, _)| t == ticket) else {
            return false;
        };
        waiting.remove(at);
        true
    }

    /// Readers waiting for the cache, over every resource.
    pub fn readers_waiting(&self) -> usize {
        self.waiting.iter().map(Vec::len).sum()
    }

    /// `holder`'s hold on `lock` ends; waiters granted in turn start their
    /// holds. A read is done. An event or notification moves the cache's
    /// revision, which may let waiting consistent readers go, though not
    /// past a write still on its way (`known_through`: how far the etcd
    /// time it carries may take a resource's cache); an event then goes on
    /// to its resource's dispatcher.
    pub fn released(
        &mut self,
        cx: &mut Cx<CpEvent>,
        lock: LockId,
        holder: Holder,
        spec: &ControlPlaneSpec,
        known_through: impl Fn(Resource, Nanos) -> Nanos,
    ) -> Released {
        let mut granted = Vec::new();
        let locks = if lock.layout == self.layout {
            &mut self.locks
        } else {
            &mut self.retired_locks
        };
        if let Some(l) = locks.get_mut(lock.index as usize) {
            l.release(holder.write, &mut granted);
            if lock.layout == self.layout {
                self.held[lock.index as usize].set_used(cx.now, blocking(l));
            }
        }
        for next in granted {
            let server = self.server;
            cx.after(
                next.hold,
                CpEvent::LockReleased {
                    server,
                    lock,
                    holder: next,
                },
            );
        }
        let mut released = Released::default();
        if !holder.write {
            released.reader = Some(holder.id);
            return released;
        }
        let Some(&(revision_at, resource, incoming)) = self.events.get(&holder.id) else {
            return released;
        };
        let r = resource.index();
        let revision_at = known_through(resource, revision_at);
        if revision_at > self.caught_up[r] {
            self.caught_up[r] = revision_at;
            let caught_up = revision_at;
            self.waiting[r].retain(|&(ticket, wanted)| {
                let fresh = wanted <= caught_up;
                if fresh {
                    released.fresh.push(ticket);
                }
                !fresh
            });
        }
        if incoming == Incoming::Progress {
            self.events.remove(&holder.id);
            self.notifications_in_flight -= 1;
            return released;
        }
        // The dispatcher of this resource sends the event to its watchers,
        // one event after another, on the API server's CPU.
        let cache = &spec.watch_cache;
        // It decodes the event from etcd's watch first (the etcd3
        // watcher's goroutine, on the way to the cache).
        let cost = from_secs(
            spec.decode_per_kib * spec.workload.object_kib(resource)
                + cache.dispatch_base
                + cache.dispatch_per_watcher
                    * interested_watchers(resource, &spec.workload) as f64
                    * self.watcher_share,
        );
        let queue = &mut self.dispatching[r];
        queue.push_back((holder.id, cost));
        if queue.len() == 1 {
            self.dispatcher_busy[r].set_used(cx.now, 1.0);
            released.dispatch = Some((r, cost));
        }
        released
    }

    /// The dispatcher of resource `r` has sent its head event at `now`:
    /// when etcd had that event [ns], and the CPU work of its next event
    /// if it has one.
    pub fn dispatched(&mut self, now: Nanos, r: usize) -> (Option<Nanos>, Option<Nanos>) {
        let Some(queue) = self.dispatching.get_mut(r) else {
            return (None, None);
        };
        let sent = queue
            .pop_front()
            .and_then(|(event, _)| self.events.remove(&event));
        let next = queue.front().map(|&(_, cost)| cost);
        if next.is_none() {
            self.dispatcher_busy[r].set_used(now, 0.0);
        }
        (sent.map(|(done_at, ..)| done_at), next)
    }

    /// Whether the cache of `resource` has its objects (else its reads go
    /// to etcd: `ResilientWatchCacheInitialization`, beta since 1.31).
    pub fn is_ready(&self, resource: Resource) -> bool {
        self.ready[resource.index()]
    }

    /// The caches start over empty (a restart): every resource re-lists.
    pub fn unready(&mut self) {
        self.ready = [false; Resource::SLOTS];
    }

    /// `resource`'s re-list is in: the cache serves it again.
    pub fn relisted(&mut self, resource: Resource) {
        self.ready[resource.index()] = true;
    }

    /// This API server has `share` (0 to 1) of the watchers: each event's
    /// dispatch costs that much of the per-watcher work.
    pub fn set_watcher_share(&mut self, share: f64) {
        self.watcher_share = share;
    }

    /// Watch events in the pipeline (progress notifications left out).
    pub fn events_in_flight(&self) -> usize {
        self.events.len() - self.notifications_in_flight
    }

    /// Per resource, its dispatcher busy (an event on the CPU) over time
    /// up to `now` [s]: one goroutine, so always busy is its limit.
    pub fn dispatcher_readings(&self, now: Nanos) -> Vec<LoadReading> {
        self.dispatcher_busy
            .iter()
            .map(|load| load.reading(now))
            .collect()
    }

    /// Per resource, its locks busy over time up to `now` (its shards'
    /// together: capacity one per shard) [s].
    pub fn held_readings(&self, now: Nanos) -> Vec<LoadReading> {
        self.held
            .chunks(self.shards.max(1) as usize)
            .map(|shards| {
                shards.iter().fold(LoadReading::default(), |sum, load| {
                    sum.plus(load.reading(now))
                })
            })
            .collect()
    }

    /// Per resource, the sum over its locks of `count` (holders, waiters).
    pub fn per_resource(&self, count: fn(&RwLock) -> u32) -> Vec<u32> {
        self.locks
            .chunks(self.shards.max(1) as usize)
            .map(|shards| shards.iter().map(count).sum())
            .collect()
    }
}
