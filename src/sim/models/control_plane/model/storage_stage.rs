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
use super::storage::{CallFor, ReadPath, Received, read_path};
use super::{ControlPlane, MetricClass};
use crate::sim::engine::context::Cx;
use crate::sim::engine::time::{Nanos, from_secs};
use crate::sim::models::request::Resource;
use crate::sim::models::watch_cache::Holder;

impl ControlPlane {
    /// Step 4: the storage stage of a request, its write or read.
    pub(super) fn storage(&mut self, cx: &mut Cx<CpEvent>, ticket: u64) {
        let Some(kind) = self.requests.enter(ticket, Stage::Etcd, cx.now) else {
            return;
        };
        let storage = &mut self.server.storage;
        if kind.verb.is_mutating() {
            storage.write(cx, ticket, kind.resource);
            return;
        }
        match read_path(&kind, self.spec.lists_from_cache()) {
            ReadPath::Cache => self.read_from_cache(cx, ticket),
            ReadPath::RevisionThenCache => storage.read_revision(cx, ticket, &kind),
            ReadPath::Etcd => storage.read_objects(cx, ticket, &kind),
        }
    }

    pub(super) fn etcd_received(&mut self, cx: &mut Cx<CpEvent>, call: u64) {
        let timeout = self.request_timeout();
        let requests = &self.requests;
        let received = self
            .server
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
                // The watch event reaches the cache; the request responds.
                let measured = self.metrics.measured(call.done_at);
                self.metrics[MetricClass::Watch].arrived(measured);
                let namespace = match call.purpose {
                    CallFor::Request(ticket) => {
                        self.requests.get(ticket).map_or(0, |r| r.kind.namespace)
                    }
                    CallFor::Shared(_) => 0,
                };
                self.server
                    .cache
                    .write(cx, call.done_at, call.resource, namespace, &self.spec);
                // The write's reply carries the object as stored: decoded.
                for ticket in tickets {
                    self.respond(cx, ticket, 1, 1);
                }
            }
            Received::Read { call, tickets } => {
                for ticket in tickets {
                    match self.requests.get(ticket) {
                        // The objects came back from etcd: write the response.
                        // Every object read is decoded (a selector filters
                        // only after decoding).
                        Some(r) if call.returns_objects => {
                            let objects = r.kind.objects;
                            self.respond(cx, ticket, objects, objects);
                        }
                        Some(_) => self.wait_until_fresh(cx, ticket, call.resource, call.done_at),
                        None => {}
                    }
                }
            }
        }
    }

    pub(super) fn read_from_cache(&mut self, cx: &mut Cx<CpEvent>, ticket: u64) {
        if let Some(kind) = self.requests.enter(ticket, Stage::Cache, cx.now) {
            self.server.cache.read(cx, ticket, &kind, &self.spec);
        }
    }

    pub(super) fn lock_released(&mut self, cx: &mut Cx<CpEvent>, lock: LockId, holder: Holder) {
        let storage = &self.server.storage;
        let known_through = |resource, at| storage.known_through(resource, at);
        let cache = &mut self.server.cache;
        let released = cache.released(cx, lock, holder, &self.spec, known_through);
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
            self.server.cpu.run(cx, cost, CpuWork::Dispatch(resource));
        }
    }

    /// The progress requester of `resource`'s cache takes its turn: while
    /// readers wait it asks etcd, whose notification comes back a round
    /// trip later. A member without a leader cancels the watch streams
    /// (`WithRequireLeader`): then none comes back.
    pub(super) fn progress_request(&mut self, cx: &mut Cx<CpEvent>, resource: Resource) {
        if !self.server.cache.progress_request(cx, resource) || !self.etcd.has_leader() {
            return;
        }
        let rtt = from_secs(self.spec.etcd_client.rtt.mean());
        // etcd answers once the watch has sent every event before it.
        let revision_at = self
            .server
            .storage
            .known_through(resource, cx.now + rtt / 2);
        cx.after(
            rtt,
            CpEvent::ProgressNotified {
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
        let measured = self.metrics.measured(request.arrived);
        self.metrics[MetricClass::CacheWait].arrived(measured);
        self.requests.enter(ticket, Stage::Cache, cx.now);
        let cache = &mut self.server.cache;
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
    /// served from etcd (`cacher.go`, the `fallback` of `GetList`).
    pub(super) fn fall_back_to_etcd(&mut self, cx: &mut Cx<CpEvent>, ticket: u64) {
        let Some(request) = self.requests.get(ticket) else {
            return;
        };
        let measured = self.metrics.measured(request.arrived);
        self.metrics[MetricClass::CacheWait].timed_out(cx.now, measured);
        if let Some(kind) = self.requests.enter(ticket, Stage::Etcd, cx.now) {
            self.server.storage.read_objects(cx, ticket, &kind);
        }
    }
}
