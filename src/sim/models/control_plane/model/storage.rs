//! The storage stage: an API server's etcd client, its calls in flight,
//! their replies and retries.
//!
//! A write goes through the client (a connection, a stream) to raft and
//! back. A read goes to the watch cache or to etcd (see [`read_path`]).
//! The article's proxy coalesces identical reads in flight: a request whose
//! read is already on its way rides on it instead of sending its own.

use super::event::CpEvent;
use crate::sim::IdMap;
use crate::sim::engine::context::Cx;
use crate::sim::engine::time::Nanos;
use crate::sim::models::control_plane::spec::ControlPlaneSpec;
use crate::sim::models::etcd::client::{EtcdClient, EtcdClientKind, Sent, Wake, Way, retry_delay};
use crate::sim::models::etcd::{EtcdOp, EtcdReply};
use crate::sim::models::request::{ClientKind, Page, RequestKind, Resource, Verb};

/// Whom an etcd call is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CallFor {
    /// a write or read of one request
    Request(u64),
    /// a read shared by the requests waiting in `shared_reads` (the
    /// article's coalescing)
    Shared(SharedRead),
    /// a restarted API server's cache re-listing a resource
    Relist(Resource),
    /// a re-list of a server's life that ended (it stopped or was
    /// killed): its reply is dropped, and it is not sent again
    Orphaned,
}

/// A read that the article's proxy can share between requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum SharedRead {
    /// the current revision of a resource (before a LIST from the cache)
    Revision(Resource),
    /// the same objects read from etcd
    Range {
        resource: Resource,
        namespace: u32,
        objects: u32,
    },
}

/// An etcd call's id carries its API server in its top bits: the events
/// about it find their way back without a table.
const CALL_SERVER_SHIFT: u32 = 56;

/// How long a failed re-list waits before it lists again [ns].
const RELIST_RETRY: Nanos = 1_000_000_000;

/// The API server (its index) whose storage made call `id`.
pub(super) fn server_of_call(id: u64) -> usize {
    (id >> CALL_SERVER_SHIFT) as usize
}

/// Where a read is served from (kubernetes.md, watch cache).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ReadPath {
    /// from the watch cache as it is (`resourceVersion=0`): informers'
    /// LISTs, which the controllers' relists are
    Cache,
    /// a consistent LIST from the cache: etcd's current revision first,
    /// then the cache once it has caught up (ConsistentListFromCache,
    /// beta and on since 1.31)
    RevisionThenCache,
    /// a quorum read at etcd: a GET without resourceVersion (always), and
    /// a consistent LIST when the cache cannot serve it (before 1.31)
    Etcd,
}

/// Where a read of `kind` is served from (`cacher.go`, `shouldDelegateList`
/// at v0.32): a page with a `continue` token goes to etcd, as a GET
/// without resourceVersion does; informers' `resourceVersion=0` LISTs are
/// served from the cache as it is; a consistent LIST (or its first page)
/// from the cache once it is fresh, where the etcd version allows.
pub(super) fn read_path(kind: &RequestKind, consistent_list_from_cache: bool) -> ReadPath {
    match kind.verb {
        Verb::List if matches!(kind.page, Page::Continue { .. }) => ReadPath::Etcd,
        Verb::List if kind.client == ClientKind::ControllerManager => ReadPath::Cache,
        Verb::List if consistent_list_from_cache => ReadPath::RevisionThenCache,
        _ => ReadPath::Etcd,
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) struct EtcdCall {
    pub purpose: CallFor,
    pub resource: Resource,
    pub op: EtcdOp,
    /// request size [KiB]
    pub request_kib: f64,
    /// reply size [KiB]
    pub reply_kib: f64,
    connection: usize,
    /// the client generation the call was sent with
    client_generation: u32,
    attempt: u32,
    unavailable: bool,
    /// when etcd completed it [ns]
    pub done_at: Nanos,
    /// when it was first sent [ns]
    pub sent_at: Nanos,
    /// a read that returns the objects themselves (else a revision check)
    pub returns_objects: bool,
}

impl EtcdCall {
    /// A call about to be sent for the first time; `kib` is (request, reply)
    /// size. The connection and client generation are set when it is sent.
    fn new(
        purpose: CallFor,
        resource: Resource,
        op: EtcdOp,
        (request_kib, reply_kib): (f64, f64),
        now: Nanos,
    ) -> Self {
        Self {
            purpose,
            resource,
            op,
            request_kib,
            reply_kib,
            connection: 0,
            client_generation: 0,
            attempt: 0,
            unavailable: false,
            done_at: 0,
            sent_at: now,
            returns_objects: false,
        }
    }
}

/// What a received reply means for the requests it was for.
#[derive(Debug)]
pub(super) enum Received {
    /// nothing for them yet (it is retried, or its call is gone)
    Nothing,
    /// etcd stayed unavailable past their deadline: they fail
    GaveUp(Vec<u64>),
    /// the write is in etcd
    Written { call: EtcdCall, tickets: Vec<u64> },
    /// the read is back, with the objects or with the revision only
    Read { call: EtcdCall, tickets: Vec<u64> },
}

#[derive(Debug, Clone)]
pub(super) struct Storage {
    /// the API server it belongs to (its index)
    server: u8,
    client: EtcdClient,
    /// the previous client, finishing its calls after a switch
    retired_client: Option<EtcdClient>,
    client_generation: u32,
    calls: IdMap<u64, EtcdCall>,
    next_call: u64,
    /// requests riding on a read in flight (the article's coalescing)
    shared_reads: IdMap<SharedRead, Vec<u64>>,
    /// scratch: the messages across a pipe at a wake-up, reused
    across: Vec<(u64, Nanos)>,
    /// per resource, the writes etcd has done whose replies (and so, in
    /// the model, watch events) are on their way: (etcd time [ns], call),
    /// oldest first, as etcd answers in time order
    unreceived_writes: [Vec<(Nanos, u64)>; Resource::SLOTS],
}

impl Storage {
    pub fn new(server: u8, spec: &ControlPlaneSpec) -> Self {
        Self {
            server,
            client: EtcdClient::new(0, &spec.etcd_client, spec.workload.all_resources().count()),
            retired_client: None,
            client_generation: 0,
            calls: IdMap::default(),
            next_call: (server as u64) << CALL_SERVER_SHIFT,
            shared_reads: IdMap::default(),
            across: Vec::new(),
            unreceived_writes: Default::default(),
        }
    }

    /// Request `ticket` writes one object of `resource`, of `kib` [KiB].
    pub fn write(&mut self, cx: &mut Cx<CpEvent>, ticket: u64, resource: Resource, kib: f64) {
        let op = EtcdOp::Write { token: 0 };
        let call = EtcdCall::new(CallFor::Request(ticket), resource, op, (kib, 0.2), cx.now);
        self.new_call(cx, call);
    }

    /// Request `ticket` of `kind` reads etcd's current revision, before
    /// the cache serves it.
    pub fn read_revision(&mut self, cx: &mut Cx<CpEvent>, ticket: u64, kind: &RequestKind) {
        let op = EtcdOp::Read {
            token: 0,
            kib: 0,
            linearizable: true,
        };
        let key = SharedRead::Revision(kind.resource);
        self.read(cx, ticket, key, op, (0.1, 0.1), true);
    }

    /// Request `ticket` of `kind` reads its objects of `object_kib` [KiB]
    /// each (a page's, or every one in scope, matched by its selector or
    /// not) from etcd with a quorum read, sent back over the resource's
    /// connection.
    pub fn read_objects(
        &mut self,
        cx: &mut Cx<CpEvent>,
        ticket: u64,
        kind: &RequestKind,
        object_kib: f64,
    ) {
        let kib = kind.scanned as f64 * object_kib;
        let op = EtcdOp::Read {
            token: 0,
            kib: kib.ceil() as u32,
            linearizable: true,
        };
        let key = SharedRead::Range {
            resource: kind.resource,
            namespace: kind.namespace,
            objects: kind.scanned,
        };
        // A later page reads from its own continue token's revision: no
        // other read in flight is the same.
        let shareable = !matches!(kind.page, Page::Continue { .. });
        self.read(cx, ticket, key, op, (0.1, kib + 0.1), shareable);
    }

    /// The cache re-lists `resource`: every one of its `objects` objects
    /// of `object_kib` [KiB] read from etcd in one consistent LIST (the
    /// reflector's first LIST, unpaginated from the cacher).
    pub fn relist(
        &mut self,
        cx: &mut Cx<CpEvent>,
        resource: Resource,
        objects: u64,
        object_kib: f64,
    ) {
        let kib = objects as f64 * object_kib;
        let op = EtcdOp::Read {
            token: 0,
            kib: kib.ceil().min(u32::MAX as f64) as u32,
            linearizable: true,
        };
        let purpose = CallFor::Relist(resource);
        let mut call = EtcdCall::new(purpose, resource, op, (0.1, kib + 0.1), cx.now);
        call.returns_objects = true;
        self.new_call(cx, call);
    }

    /// The server's life ended: its re-lists in flight are orphaned (a
    /// late reply must not make the next life's cache ready).
    pub fn orphan_relists(&mut self) {
        for call in self.calls.values_mut() {
            if matches!(call.purpose, CallFor::Relist(_)) {
                call.purpose = CallFor::Orphaned;
            }
        }
    }

    /// Sends a read for request `ticket`, or lets it ride on the same read
    /// in flight (the article's proxy).
    fn read(
        &mut self,
        cx: &mut Cx<CpEvent>,
        ticket: u64,
        key: SharedRead,
        op: EtcdOp,
        kib: (f64, f64),
        shareable: bool,
    ) {
        let purpose = if shareable && self.client.kind() == EtcdClientKind::Pool {
            let waiters = self.shared_reads.entry(key).or_default();
            waiters.push(ticket);
            if waiters.len() > 1 {
                return;
            }
            CallFor::Shared(key)
        } else {
            CallFor::Request(ticket)
        };
        let resource = match key {
            SharedRead::Revision(resource) | SharedRead::Range { resource, .. } => resource,
        };
        let mut call = EtcdCall::new(purpose, resource, op, kib, cx.now);
        call.returns_objects = matches!(key, SharedRead::Range { .. });
        self.new_call(cx, call);
    }

    fn new_call(&mut self, cx: &mut Cx<CpEvent>, mut call: EtcdCall) {
        let id = self.next_call;
        self.next_call += 1;
        call.op = match call.op {
            EtcdOp::Write { .. } => EtcdOp::Write { token: id },
            EtcdOp::Read {
                kib, linearizable, ..
            } => EtcdOp::Read {
                token: id,
                kib,
                linearizable,
            },
        };
        self.calls.insert(id, call);
        self.send(cx, id, call);
    }

    fn send(&mut self, cx: &mut Cx<CpEvent>, id: u64, mut call: EtcdCall) {
        call.client_generation = self.client_generation;
        call.connection = self.client.connection_for(call.resource.index());
        call.unavailable = false;
        self.calls.insert(id, call);
        if let Sent::OnWire(wake) = self
            .client
            .send(cx.now, call.connection, id, call.request_kib)
        {
            self.schedule(cx, self.client_generation, wake);
        }
    }

    fn schedule(&self, cx: &mut Cx<CpEvent>, generation: u32, wake: Option<Wake>) {
        if let Some(wake) = wake {
            let server = self.server;
            cx.at(
                wake.at,
                CpEvent::EtcdWire {
                    server,
                    wake,
                    generation,
                },
            );
        }
    }

    /// A connection's pipe is due: the messages across it reach etcd, or
    /// the API server, half a round trip later.
    pub fn woken(&mut self, cx: &mut Cx<CpEvent>, generation: u32, wake: Wake) {
        let mut across = std::mem::take(&mut self.across);
        let next = match self.client_for(generation) {
            Some(client) => client.woken(wake, cx.rng, &mut across),
            None => None,
        };
        self.schedule(cx, generation, next);
        for (call, at) in across.drain(..) {
            let event = match wake.way {
                Way::Out => CpEvent::EtcdArrives { call },
                Way::In => CpEvent::EtcdReceived { call },
            };
            cx.at(at, event);
        }
        self.across = across;
    }

    /// What call `id` asks of etcd, while it is in flight.
    pub fn op_of(&self, id: u64) -> Option<EtcdOp> {
        self.calls.get(&id).map(|call| call.op)
    }

    /// Call `id` failed and is sent again.
    pub fn retry(&mut self, cx: &mut Cx<CpEvent>, id: u64) {
        if let Some(call) = self.calls.get(&id).copied() {
            self.send(cx, id, call);
        }
    }

    /// A new etcd client for new calls; the old one finishes its calls.
    pub fn replace_client(&mut self, cx: &mut Cx<CpEvent>, spec: &ControlPlaneSpec) {
        let fresh = EtcdClient::new(
            cx.now,
            &spec.etcd_client,
            spec.workload.all_resources().count(),
        );
        let retired = std::mem::replace(&mut self.client, fresh);
        let dropped = self.retired_client.replace(retired);
        self.client_generation = self.client_generation.wrapping_add(1);
        // The client retired before is dropped now: the calls still waiting
        // for one of its streams would never be sent, so they go out on the
        // current one (they stayed in flight forever before).
        if let Some(mut dropped) = dropped {
            for id in dropped.take_waiting() {
                if let Some(call) = self.calls.get(&id).copied() {
                    self.send(cx, id, call);
                }
            }
            // Its messages still crossing arrive at once (their wake-ups
            // would find no client, and the requests would never end).
            for (call, way) in dropped.take_crossing(cx.now) {
                let event = match way {
                    Way::Out => CpEvent::EtcdArrives { call },
                    Way::In => CpEvent::EtcdReceived { call },
                };
                cx.at(cx.now, event);
            }
        }
    }

    fn client_for(&mut self, generation: u32) -> Option<&mut EtcdClient> {
        if generation == self.client_generation {
            Some(&mut self.client)
        } else if generation == self.client_generation.wrapping_sub(1) {
            self.retired_client.as_mut()
        } else {
            // Replaced twice since: that client (and its connections) is
            // gone. Handing back the last one instead indexed its
            // connections with the old client's numbers (found by fuzzing).
            None
        }
    }

    /// etcd answered these calls now: each reply travels back over its
    /// connection.
    pub fn replies(&mut self, cx: &mut Cx<CpEvent>, replies: &mut Vec<EtcdReply>) {
        for reply in replies.drain(..) {
            let (EtcdReply::Done(id) | EtcdReply::Unavailable(id)) = reply;
            let Some(call) = self.calls.get_mut(&id) else {
                continue;
            };
            call.unavailable = matches!(reply, EtcdReply::Unavailable(_));
            call.done_at = cx.now;
            if !call.unavailable && matches!(call.op, EtcdOp::Write { .. }) {
                self.unreceived_writes[call.resource.index()].push((cx.now, id));
            }
            let (connection, kib, generation) =
                (call.connection, call.reply_kib, call.client_generation);
            match self.client_for(generation) {
                Some(client) => {
                    let wake = client.reply(cx.now, connection, id, kib);
                    self.schedule(cx, generation, wake);
                }
                // Its client is gone: the reply arrives at once (rather than
                // never, which would leave the request in flight forever).
                None => cx.at(cx.now, CpEvent::EtcdReceived { call: id }),
            }
        }
    }

    /// The reply to call `id` is in. `expired(at, ticket)` tells whether a
    /// request is past its own timeout at `at` [ns]: upstream retries a read
    /// of an unavailable etcd until then (100 attempts at most) and a write
    /// not at all; the article's client gives up after 3 attempts.
    pub fn received(
        &mut self,
        cx: &mut Cx<CpEvent>,
        id: u64,
        expired: impl Fn(Nanos, u64) -> bool,
    ) -> Received {
        let Some(call) = self.calls.get(&id).copied() else {
            return Received::Nothing;
        };
        let unreceived = &mut self.unreceived_writes[call.resource.index()];
        if let Some(at) = unreceived.iter().position(|&(_, c)| c == id) {
            unreceived.remove(at);
        }
        if let Some(client) = self.client_for(call.client_generation)
            && let Some((_waiting, wake)) = client.received(cx.now, call.connection)
        {
            // The freed stream carries a call that waited for it.
            self.schedule(cx, call.client_generation, wake);
        }
        if call.unavailable {
            let now = cx.now;
            let past_deadline = |delay: Nanos| match call.purpose {
                CallFor::Request(ticket) => expired(now + delay, ticket),
                CallFor::Shared(_) | CallFor::Relist(_) => false,
                CallFor::Orphaned => true,
            };
            let write = matches!(call.op, EtcdOp::Write { .. });
            let (kind, endpoints) = (self.client.kind(), self.client.endpoints());
            return match retry_delay(kind, write, call.attempt + 1, endpoints, cx.rng)
                .filter(|&d| !past_deadline(d))
            {
                Some(delay) => {
                    if let Some(c) = self.calls.get_mut(&id) {
                        c.attempt += 1;
                    }
                    cx.at(now + delay, CpEvent::EtcdRetry { call: id });
                    Received::Nothing
                }
                // A cache's re-list never gives up: its reflector lists
                // again until it has the objects (every second here).
                None if matches!(call.purpose, CallFor::Relist(_)) => {
                    cx.at(now + RELIST_RETRY, CpEvent::EtcdRetry { call: id });
                    Received::Nothing
                }
                None => {
                    self.calls.remove(&id);
                    Received::GaveUp(self.tickets_of(call.purpose))
                }
            };
        }
        self.calls.remove(&id);
        let tickets = self.tickets_of(call.purpose);
        match call.op {
            EtcdOp::Write { .. } => Received::Written { call, tickets },
            EtcdOp::Read { .. } => Received::Read { call, tickets },
        }
    }

    fn tickets_of(&mut self, purpose: CallFor) -> Vec<u64> {
        match purpose {
            CallFor::Request(ticket) => vec![ticket],
            CallFor::Shared(key) => self.shared_reads.remove(&key).unwrap_or_default(),
            CallFor::Relist(_) | CallFor::Orphaned => Vec::new(),
        }
    }

    /// How far the cache can know itself current for `resource` at the
    /// etcd time `at` [ns]: not past a write etcd has done whose reply, and
    /// so (in the model) its watch event, is still on its way, since the
    /// watch stream delivers in revision order.
    pub fn known_through(&self, resource: Resource, at: Nanos) -> Nanos {
        match self.unreceived_writes[resource.index()].first() {
            Some(&(pending, _)) => at.min(pending.saturating_sub(1)),
            None => at,
        }
    }

    /// The etcd client new calls go on.
    pub fn client(&self) -> &EtcdClient {
        &self.client
    }

    /// Streams in use per resource's client upstream, per connection of
    /// the article's pool (for drawing).
    pub fn streams_in_use(&self) -> Vec<u32> {
        self.client.streams_in_use()
    }

    /// The current client's connections in all.
    pub fn connections(&self) -> usize {
        self.client.connections()
    }
}
