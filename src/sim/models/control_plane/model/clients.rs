//! Step 0: a request waits in its client's token bucket before it is sent
//! (client-go's rate limiter; the buckets' sizes and sources are in
//! `spec/clients.rs`).
//!
//! A bucket holds up to `burst` tokens and gains `qps` a second. A request
//! takes one; when none is left it takes the next one to come and waits for
//! it, so the tokens go below zero and each request waits its turn, as
//! x/time/rate's `Reserve` and `Wait` do. The wait is the client's, not the
//! API server's: the server never sees the request meanwhile, and
//! `MetricClass::ClientWait` measures it apart from APF's queue wait.

use super::{ControlPlane, CpEvent, MetricClass};
use crate::sim::IdMap;
use crate::sim::engine::context::Cx;
use crate::sim::engine::time::{Nanos, from_secs};
use crate::sim::models::control_plane::spec::{
    CLIENT_WAIT_LIMIT, ClientId, ClientLimit, ClientLimitsSpec,
};
use crate::sim::models::request::{ClientKind, RequestKind};

/// One client's bucket.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// tokens at `at` (below zero: reserved by requests still waiting)
    tokens: f64,
    /// [ns]
    at: Nanos,
    /// [tokens/s]
    qps: f64,
    burst: u32,
}

impl Bucket {
    /// Its tokens at `now`.
    fn tokens_at(&self, now: Nanos) -> f64 {
        let gained = now.saturating_sub(self.at) as f64 * 1e-9 * self.qps;
        (self.tokens + gained).min(self.burst as f64)
    }
}

/// A request waiting in its client for its token.
#[derive(Debug, Clone, Copy)]
pub(super) struct Waiting {
    pub kind: RequestKind,
    pub retries: u8,
    /// when the command it is a page of began [ns]
    pub command_arrived: Option<Nanos>,
    /// when it began to wait [ns]
    pub since: Nanos,
}

/// Every client's bucket, and the requests waiting in them.
#[derive(Debug, Clone, Default)]
pub(super) struct Clients {
    buckets: IdMap<ClientId, Bucket>,
    /// by slot; a free slot is `None`
    waiting: Vec<Option<Waiting>>,
    free: Vec<u32>,
}

impl Clients {
    /// Reserves a token of `limit`'s bucket at `now`: how long its request
    /// must wait [ns], or `None` when that would pass
    /// [`CLIENT_WAIT_LIMIT`] (then no token is taken).
    fn reserve(&mut self, now: Nanos, limit: ClientLimit) -> Option<Nanos> {
        let bucket = self.buckets.entry(limit.client).or_insert(Bucket {
            tokens: limit.burst as f64,
            at: now,
            qps: limit.qps,
            burst: limit.burst,
        });
        let tokens = bucket.tokens_at(now) - 1.0;
        let wait = if tokens < 0.0 {
            -tokens / bucket.qps
        } else {
            0.0
        };
        if wait > CLIENT_WAIT_LIMIT {
            return None;
        }
        bucket.tokens = tokens;
        bucket.at = now;
        Some(from_secs(wait))
    }

    /// The limits changed at `now`: each bucket keeps what it gained at
    /// its old rate so far and gains at its new one from here (its waiting
    /// requests keep their turns, as x/time/rate's `SetLimit` does).
    pub fn retune(&mut self, now: Nanos, limits: &ClientLimitsSpec) {
        for (client, bucket) in self.buckets.iter_mut() {
            let (qps, burst) = limits.rate_of(*client);
            bucket.tokens = bucket.tokens_at(now).min(burst as f64);
            bucket.at = now;
            bucket.qps = qps;
            bucket.burst = burst;
        }
    }

    fn hold(&mut self, waiting: Waiting) -> u32 {
        match self.free.pop() {
            Some(slot) => {
                self.waiting[slot as usize] = Some(waiting);
                slot
            }
            None => {
                self.waiting.push(Some(waiting));
                (self.waiting.len() - 1) as u32
            }
        }
    }

    fn release(&mut self, slot: u32) -> Option<Waiting> {
        let waiting = self.waiting.get_mut(slot as usize)?.take()?;
        self.free.push(slot);
        Some(waiting)
    }

    /// Requests waiting in their clients now.
    pub fn waiting(&self) -> usize {
        // Every slot is waiting or free.
        self.waiting.len() - self.free.len()
    }

    /// Requests waiting in their clients now, by kind of client.
    pub fn waiting_by_client(&self) -> Vec<(ClientKind, u32)> {
        let mut by: Vec<(ClientKind, u32)> = Vec::new();
        for waiting in self.waiting.iter().flatten() {
            match by.iter_mut().find(|(kind, _)| *kind == waiting.kind.client) {
                Some((_, n)) => *n += 1,
                None => by.push((waiting.kind.client, 1)),
            }
        }
        by
    }
}

impl ControlPlane {
    /// A client sends `kind`: at once, or after its wait in the client's
    /// bucket, or not at all when that wait would be too long.
    pub(super) fn send(
        &mut self,
        cx: &mut Cx<CpEvent>,
        kind: RequestKind,
        retries: u8,
        command_arrived: Option<Nanos>,
    ) {
        let Some(limit) = self.spec.client_limits.limit_of(&kind) else {
            self.arrive(cx, kind, None, retries, command_arrived);
            return;
        };
        let measured = self.metrics.measured(cx.now);
        let class = &mut self.metrics[MetricClass::ClientWait];
        class.arrived(measured);
        match self.clients.reserve(cx.now, limit) {
            Some(0) => {
                class.completed(cx.now, 0, measured);
                self.arrive(cx, kind, None, retries, command_arrived);
            }
            Some(wait) => {
                let slot = self.clients.hold(Waiting {
                    kind,
                    retries,
                    command_arrived,
                    since: cx.now,
                });
                cx.after(wait, CpEvent::ClientSends { slot });
            }
            // Given up ("would exceed context deadline"): the API server
            // never hears of it.
            None => class.timed_out(cx.now, measured),
        }
    }

    /// A request's token came: it goes to the API server.
    pub(super) fn client_sends(&mut self, cx: &mut Cx<CpEvent>, slot: u32) {
        let Some(waiting) = self.clients.release(slot) else {
            return;
        };
        let measured = self.metrics.measured(waiting.since);
        self.metrics[MetricClass::ClientWait].completed(cx.now, cx.now - waiting.since, measured);
        self.arrive(
            cx,
            waiting.kind,
            None,
            waiting.retries,
            waiting.command_arrived,
        );
    }
}
