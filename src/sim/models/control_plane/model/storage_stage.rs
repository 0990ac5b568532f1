//! Step 4, the storage stage, as the control plane drives it: a request's
//! etcd call and its reply, its read from the watch cache, and a consistent
//! LIST's wait for the cache (k8s.io/apiserver v0.32 `cacher.go`,
//! `watch_cache.go`, `watch_progress.go`): after its revision read at etcd
//! a LIST waits for the cache to reach that revision, helped by the
//! progress notifications the cache asks for, and after 3 s is served from
//! etcd. The stages' own state is in [`super::storage`] and [`super::cache`].

use super::cache::{Freshness, LockId};
use super::cpu::CpuWork;
use super::event::CpEvent;
use super::requests::Outcome;
use super::snapshot::Stage;
use super::storage::{CallFor, ReadPath, Received, read_path, server_of_call};
use super::{ControlPlane, MetricClass, Phase};
use crate::sim::engine::context::Cx;
use crate::sim::engine::time::{Nanos, from_secs};
use crate::sim::models::control_plane::spec::CacheTimeout;
use crate::sim::models::request::Resource;
use crate::sim::models::watch_cache::Holder;

/// The Retry-After of a consistent LIST the cache was too far behind for
/// (`errors.NewTooManyRequests("watch cache is temporarily behind", 3)`,
/// kubernetes#138701) [s].
const CACHE_BEHIND_RETRY_AFTER: u8 = 3;

impl ControlPlane {
    /// Step 4: the storage stage of a request, its write or read.
    pub(super) fn storage(&mut self, cx: &mut Cx<CpEvent>, ticket: u64) {
        let Some(server) = self.server_of(ticket) else {
            return;
        };
        let Some(kind) = self.requests.enter(ticket, Stage::Etcd, cx.now) else {
            return;
        };
        let server = &mut self.servers[server];
        let storage = &mut server.storage;
        if kind.verb.is_mutating() {
            storage.write(
                cx,
                ticket,
                kind.resource,
                self.spec.workload.object_kib(kind.resource),
            );
            return;
        }
        // A cache still re-listing after a restart sends its reads to etcd
        // (`ResilientWatchCacheInitialization`, beta and on since 1.31).
        let path = match server.cache.is_ready(kind.resource) {
            true => read_path(&kind, self.spec.lists_from_cache()),
            false => ReadPath::Etcd,
        };
        match path {
            ReadPath::Cache => self.read_from_cache(cx, ticket),
            ReadPath::RevisionThenCache => storage.read_revision(cx, ticket, &kind),
            ReadPath::Etcd => storage.read_objects(
                cx,
                ticket,
                &kind,
                self.spec.workload.object_kib(kind.resource),
            ),
        }
    }

    pub(super) fn etcd_received(&mut self, cx: &mut Cx<CpEvent>, call: u64) {
        let timeout = self.request_timeout();
        let requests = &self.requests;
        let server = server_of_call(call);
        let received = self.servers[server]
            .storage
            .received(cx, call, |at, ticket| requests.expired(at, ticket, timeout));
        match received {
            Received::Nothing => {}
            Received::GaveUp(tickets) => {
                for ticket in tickets {
                    self.end(cx, ticket, Outcome::TimedOut);
                }
            }
            Received::Written { call, tickets } => {
                let measured = self.metrics.measured(call.sent_at);
                let writes = &mut self.metrics[MetricClass::EtcdWrite];
                writes.arrived(measured);
                writes.completed(cx.now, cx.now - call.sent_at, measured);
                // The watch event reaches every running API server's cache
                // (each has its own watch on etcd); the request responds.
                let namespace = match call.purpose {
                    CallFor::Request(ticket) => {
                        self.requests.get(ticket).map_or(0, |r| r.kind.namespace)
                    }
                    CallFor::Shared(_) | CallFor::Relist(_) | CallFor::Orphaned => 0,
                };
                let measured = self.metrics.measured(call.done_at);
                for server in self
                    .servers
                    .iter_mut()
                    .filter(|s| s.phase != Phase::Stopped)
                {
                    self.metrics[MetricClass::Watch].arrived(measured);
                    let cache = &mut server.cache;
                    cache.write(cx, call.done_at, call.resource, namespace, &self.spec);
                }
                // The write's reply carries the object as stored: decoded.
                for ticket in tickets {
                    self.respond(cx, ticket, 1, 1);
                }
            }
            Received::Read { call, .. } if matches!(call.purpose, CallFor::Relist(_)) => {
                // The re-listed objects are decoded into the cache.
                let kib = call.reply_kib.max(0.0);
                let work = from_secs(kib * self.spec.decode_per_kib);
                let relisted = CpuWork::Relisted(call.resource);
                self.servers[server].cpu.run(cx, work, relisted);
                self.hold_relist(cx, server, call.resource, kib);
            }
            Received::Read { call, tickets } => {
                for ticket in tickets {
                    match self.requests.get(ticket) {
                        // The objects came back from etcd: write the response.
                        // Every object read is decoded (a selector filters
                        // only after decoding).
                        Some(r) if call.returns_objects => {
                            let (objects, read) = (r.kind.objects, r.kind.scanned);
                            self.respond(cx, ticket, objects, read);
                        }
                        Some(_) => self.wait_until_fresh(cx, ticket, call.resource, call.done_at),
                        None => {}
                    }
                }
            }
        }
    }

    pub(super) fn read_from_cache(&mut self, cx: &mut Cx<CpEvent>, ticket: u64) {
        let Some(server) = self.server_of(ticket) else {
            return;
        };
        if let Some(kind) = self.requests.enter(ticket, Stage::Cache, cx.now) {
            self.servers[server]
                .cache
                .read(cx, ticket, &kind, &self.spec);
        }
    }

    /// How far a cache can know itself current for `resource` at the etcd
    /// time `at` [ns]: not past a write, by any API server, whose watch
    /// event is still on its way.
    fn known_through(&self, resource: Resource, at: Nanos) -> Nanos {
        self.servers
            .iter()
            .map(|s| s.storage.known_through(resource, at))
            .min()
            .unwrap_or(at)
    }

    pub(super) fn lock_released(
        &mut self,
        cx: &mut Cx<CpEvent>,
        server: u8,
        lock: LockId,
        holder: Holder,
    ) {
        let s = server as usize;
        let released = {
            let (before, rest) = self.servers.split_at_mut(s);
            let (this, after) = rest.split_first_mut().expect("the server exists");
            let others = before.iter().chain(after.iter());
            let known_through = |resource, at| {
                others
                    .clone()
                    .map(|o| o.storage.known_through(resource, at))
                    .fold(this.storage.known_through(resource, at), Nanos::min)
            };
            this.cache
                .released(cx, lock, holder, &self.spec, known_through)
        };
        if let Some(objects) = released
            .reader
            .and_then(|ticket| self.requests.get(ticket))
            .map(|r| r.kind.objects)
        {
            // The cache holds decoded objects: only the response to encode.
            self.respond(cx, holder.id, objects, 0);
        }
        for ticket in released.fresh {
            self.cache_fresh(cx, ticket);
        }
        if let Some((resource, cost)) = released.dispatch {
            self.servers[s]
                .cpu
                .run(cx, cost, CpuWork::Dispatch(resource));
        }
    }

    /// The progress requester of `resource`'s cache takes its turn: while
    /// readers wait it asks etcd, whose notification comes back a round
    /// trip later. A member without a leader cancels the watch streams
    /// (`WithRequireLeader`): then none comes back.
    pub(super) fn progress_request(
        &mut self,
        cx: &mut Cx<CpEvent>,
        server: u8,
        resource: Resource,
    ) {
        let cache = &mut self.servers[server as usize].cache;
        if !cache.progress_request(cx, resource) || !self.etcd.has_leader() {
            return;
        }
        let rtt = from_secs(self.spec.etcd_client.rtt.mean());
        // etcd answers once the watch has sent every event before it.
        let revision_at = self.known_through(resource, cx.now + rtt / 2);
        cx.after(
            rtt,
            CpEvent::ProgressNotified {
                server,
                resource,
                revision_at,
            },
        );
    }

    /// Consistent LIST `ticket` read etcd's revision as of `revision_at`
    /// [ns]: it reads from the cache once the cache has caught up.
    pub(super) fn wait_until_fresh(
        &mut self,
        cx: &mut Cx<CpEvent>,
        ticket: u64,
        resource: Resource,
        revision_at: Nanos,
    ) {
        let Some(request) = self.requests.get(ticket) else {
            return;
        };
        let (measured, server) = (self.metrics.measured(request.arrived), request.server);
        self.metrics[MetricClass::CacheWait].arrived(measured);
        self.requests.enter(ticket, Stage::Cache, cx.now);
        let cache = &mut self.servers[server as usize].cache;
        if cache.wait_until_fresh(cx, ticket, resource, revision_at) == Freshness::Fresh {
            self.cache_fresh(cx, ticket);
        }
    }

    /// The cache has caught up for waiting consistent LIST `ticket`.
    pub(super) fn cache_fresh(&mut self, cx: &mut Cx<CpEvent>, ticket: u64) {
        let Some(request) = self.requests.get(ticket) else {
            return;
        };
        let measured = self.metrics.measured(request.arrived);
        let waited = cx.now - request.stage_since;
        self.metrics[MetricClass::CacheWait].completed(cx.now, waited, measured);
        self.read_from_cache(cx, ticket);
    }

    /// Consistent LIST `ticket` waited 3 s for the cache in vain: it is
    /// served from etcd (`cacher.go`, the `fallback` of `GetList`), or
    /// with ConsistentListFromCacheSkipTimeoutFallback answered 429 with
    /// Retry-After 3 (`delegator.go`, kubernetes#138701).
    pub(super) fn cache_timed_out(&mut self, cx: &mut Cx<CpEvent>, ticket: u64) {
        let Some(request) = self.requests.get_mut(ticket) else {
            return;
        };
        let (measured, server) = (self.metrics.measured(request.arrived), request.server);
        self.metrics[MetricClass::CacheWait].timed_out(cx.now, measured);
        if self.spec.cache_timeout == CacheTimeout::Reject {
            request.retry_after = Some(CACHE_BEHIND_RETRY_AFTER);
            self.end(cx, ticket, Outcome::Rejected);
            return;
        }
        if let Some(kind) = self.requests.enter(ticket, Stage::Etcd, cx.now) {
            let storage = &mut self.servers[server as usize].storage;
            storage.read_objects(
                cx,
                ticket,
                &kind,
                self.spec.workload.object_kib(kind.resource),
            );
        }
    }
}
