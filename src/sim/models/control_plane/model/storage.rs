//! The storage stage: etcd calls through the client, replies, retries.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CallFor {
    /// a write or read of one request
    Request(u64),
    /// a read shared by the requests waiting in `shared_reads` (the
    /// article's coalescing)
    Shared(SharedRead),
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

/// Where a read of `kind` is served from.
pub(super) fn read_path(kind: &RequestKind, consistent_list_from_cache: bool) -> ReadPath {
    match kind.verb {
        // Informers list with resourceVersion=0: served from the cache.
        Verb::List if kind.client == ClientKind::ControllerManager => ReadPath::Cache,
        Verb::List if consistent_list_from_cache => ReadPath::RevisionThenCache,
        _ => ReadPath::Etcd,
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) struct EtcdCall {
    pub(super) purpose: CallFor,
    pub(super) resource: Resource,
    pub(super) op: EtcdOp,
    pub(super) request_kib: f64,
    pub(super) reply_kib: f64,
    pub(super) connection: usize,
    /// the client generation the call was sent with
    pub(super) client_generation: u32,
    pub(super) attempt: u32,
    pub(super) unavailable: bool,
    /// when etcd completed it [ns]
    pub(super) done_at: Nanos,
    /// when it was first sent [ns]
    pub(super) sent_at: Nanos,
    /// a read that returns the objects themselves (else a revision check)
    pub(super) returns_objects: bool,
}

impl EtcdCall {
    /// A call about to be sent for the first time; `kib` is (request, reply)
    /// size. The connection and client generation are set when it is sent.
    pub(super) fn new(
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

impl ControlPlane {
    /// The storage stage of a request.
    pub(super) fn storage(
        &mut self,
        now: Nanos,
        ticket: u64,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
        let Some(request) = self.requests.get_mut(&ticket) else {
            return;
        };
        request.enter(Stage::Etcd, now);
        let kind = request.kind;
        if kind.verb.is_mutating() {
            let kib = kind.resource.object_kib();
            let op = EtcdOp::Write { token: 0 };
            let call = EtcdCall::new(CallFor::Request(ticket), kind.resource, op, (kib, 0.2), now);
            self.new_call(now, call, calendar, rng);
            return;
        }
        match read_path(&kind, self.spec.consistent_list_from_cache) {
            ReadPath::Cache => self.read_from_cache(now, ticket, calendar),
            ReadPath::RevisionThenCache => {
                let op = EtcdOp::Read {
                    token: 0,
                    kib: 0,
                    linearizable: true,
                };
                let key = SharedRead::Revision(kind.resource);
                self.read_call(now, ticket, key, op, (0.1, 0.1), calendar, rng);
            }
            ReadPath::Etcd => {
                // A quorum read of every object in scope, sent back whole
                // over the resource's connection.
                let kib = kind.objects as f64 * kind.resource.object_kib();
                let op = EtcdOp::Read {
                    token: 0,
                    kib: kib.ceil() as u32,
                    linearizable: true,
                };
                let key = SharedRead::Range {
                    resource: kind.resource,
                    namespace: kind.namespace,
                    objects: kind.objects,
                };
                self.read_call(now, ticket, key, op, (0.1, kib + 0.1), calendar, rng);
            }
        }
    }

    /// Sends a read for request `ticket`. The article's proxy coalesces
    /// identical reads in flight: a request whose read (`key`) is already
    /// on its way rides on it instead of sending its own.
    #[allow(clippy::too_many_arguments)]
    fn read_call(
        &mut self,
        now: Nanos,
        ticket: u64,
        key: SharedRead,
        op: EtcdOp,
        kib: (f64, f64),
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
        let purpose = if self.client.kind() == EtcdClientKind::Pool {
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
        let mut call = EtcdCall::new(purpose, resource, op, kib, now);
        call.returns_objects = matches!(key, SharedRead::Range { .. });
        self.new_call(now, call, calendar, rng);
    }

    pub(super) fn new_call(
        &mut self,
        now: Nanos,
        mut call: EtcdCall,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
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
        self.send_call(now, id, call, calendar, rng);
    }

    pub(super) fn send_call(
        &mut self,
        now: Nanos,
        id: u64,
        mut call: EtcdCall,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
        call.client_generation = self.client_generation;
        call.connection = self.client.connection_for(call.resource.index());
        call.unavailable = false;
        self.calls.insert(id, call);
        if let Some(arrival) = self
            .client
            .send(now, call.connection, id, call.request_kib, rng)
        {
            calendar.schedule(arrival, CpEvent::EtcdArrives { call: id });
        }
    }

    /// A client is dropped (replaced twice): the calls still waiting for one
    /// of its streams would never be sent, so they go out on the current one.
    pub(in crate::sim::models::control_plane) fn resend_waiting(
        &mut self,
        dropped: &mut EtcdClient,
        now: Nanos,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
        for id in dropped.take_waiting() {
            if let Some(call) = self.calls.get(&id).copied() {
                self.send_call(now, id, call, calendar, rng);
            }
        }
    }

    pub(super) fn client_for(&mut self, generation: u32) -> Option<&mut EtcdClient> {
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

    pub(super) fn etcd_replies(
        &mut self,
        now: Nanos,
        replies: &mut Vec<EtcdReply>,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
        for reply in replies.drain(..) {
            let (EtcdReply::Done(id) | EtcdReply::Unavailable(id)) = reply;
            let Some(call) = self.calls.get_mut(&id) else {
                continue;
            };
            call.unavailable = matches!(reply, EtcdReply::Unavailable(_));
            call.done_at = now;
            let (connection, kib, generation) =
                (call.connection, call.reply_kib, call.client_generation);
            let received = match self.client_for(generation) {
                Some(client) => client.reply(now, connection, kib, rng),
                // Its client is gone: the reply arrives at once (rather than
                // never, which would leave the request in flight forever).
                None => now,
            };
            calendar.schedule(received, CpEvent::EtcdReceived { call: id });
        }
    }

    pub(super) fn etcd_received(
        &mut self,
        now: Nanos,
        id: u64,
        calendar: &mut Calendar<CpEvent>,
        rng: &mut SimRng,
    ) {
        let Some(call) = self.calls.get(&id).copied() else {
            return;
        };
        if let Some(client) = self.client_for(call.client_generation)
            && let Some((waiting, arrival)) = client.received(now, call.connection, rng)
        {
            // The freed stream carries a call that waited for it.
            calendar.schedule(arrival, CpEvent::EtcdArrives { call: waiting });
        }
        if call.unavailable {
            // Upstream retries until the request's own timeout; the
            // article's client gives up after 3 attempts.
            let past_deadline = |delay: Nanos| match call.purpose {
                CallFor::Request(ticket) => self.expired(now + delay, ticket),
                CallFor::Shared(_) => false,
            };
            match retry_delay(self.client.kind(), call.attempt + 1, rng)
                .filter(|&d| !past_deadline(d))
            {
                Some(delay) => {
                    if let Some(c) = self.calls.get_mut(&id) {
                        c.attempt += 1;
                    }
                    calendar.schedule(now + delay, CpEvent::EtcdRetry { call: id });
                }
                None => {
                    self.calls.remove(&id);
                    for ticket in self.tickets_of(call.purpose) {
                        self.end(now, ticket, Outcome::TimedOut, calendar);
                    }
                }
            }
            return;
        }
        self.calls.remove(&id);
        match call.op {
            EtcdOp::Write { .. } => {
                let measured = self.measured(call.sent_at);
                self.metrics[ETCD_WRITE].arrived(measured);
                self.metrics[ETCD_WRITE].completed(now, now - call.sent_at, measured);
                // The watch event reaches the cache; the request responds.
                let event = self.next_cache_event;
                self.next_cache_event += 1;
                self.cache_events
                    .insert(event, (call.done_at, call.resource));
                let measured = self.measured(call.done_at);
                self.metrics[WATCH].arrived(measured);
                let lock = self.lock_index(call.resource, self.request_namespace(call.purpose));
                let hold = from_secs(self.spec.watch_cache.write_hold);
                self.acquire(
                    now,
                    lock,
                    Holder {
                        id: event,
                        write: true,
                        hold,
                    },
                    calendar,
                );
                for ticket in self.tickets_of(call.purpose) {
                    self.respond(now, ticket, 1, calendar);
                }
            }
            EtcdOp::Read { .. } => {
                for ticket in self.tickets_of(call.purpose) {
                    match self.requests.get(&ticket) {
                        // The objects came back from etcd: write the response.
                        Some(r) if call.returns_objects => {
                            let objects = r.kind.objects;
                            self.respond(now, ticket, objects, calendar);
                        }
                        Some(_) => self.read_from_cache(now, ticket, calendar),
                        None => {}
                    }
                }
            }
        }
    }

    pub(super) fn tickets_of(&mut self, purpose: CallFor) -> Vec<u64> {
        match purpose {
            CallFor::Request(ticket) => vec![ticket],
            CallFor::Shared(key) => self.shared_reads.remove(&key).unwrap_or_default(),
        }
    }

    pub(super) fn request_namespace(&self, purpose: CallFor) -> u32 {
        match purpose {
            CallFor::Request(ticket) => self.requests.get(&ticket).map_or(0, |r| r.kind.namespace),
            CallFor::Shared(_) => 0,
        }
    }
}
