//! The requests in the API server, by ticket, and how each one ends.

use super::replicas::Connection;
use super::snapshot::Stage;
use crate::sim::IdMap;
use crate::sim::engine::time::Nanos;
use crate::sim::models::flow_control::Grant;
use crate::sim::models::request::{ClientKind, RequestKind};

/// One request on its path.
#[derive(Debug, Clone)]
pub(super) struct Request {
    pub kind: RequestKind,
    /// the API server it is on (its index)
    pub server: u8,
    /// its client's connection (`None`: one of its own, kubectl's)
    pub connection: Option<Connection>,
    /// when it reached the API server [ns]
    pub arrived: Nanos,
    /// when its command's first request did: a LIST's later pages continue
    /// the command of its first [ns]
    pub command_arrived: Nanos,
    /// its seats, while it holds them
    pub grant: Option<Grant>,
    /// API server CPU time it will use [ns], drawn at arrival
    pub cpu: Nanos,
    /// the discovery client this request belongs to
    pub discovery_client: Option<u32>,
    pub stage: Stage,
    /// when it entered its stage [ns]
    pub stage_since: Nanos,
    /// its client's attempts before this one (client-go retries 429s)
    pub retries: u8,
    /// its client got a 504 at `--request-timeout`; its handler goes on
    /// (holding its seats) until it ends, unmeasured
    pub answered: bool,
    /// memory its response holds on its server until it ends [bytes]
    pub memory: f64,
    /// the Retry-After of its 429 when another stage than APF's gave it
    /// (the watch cache's "temporarily behind": 3) [s]
    pub retry_after: Option<u8>,
}

/// How a request ends: exactly once, one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Completed,
    /// HTTP 429
    Rejected,
    /// timed out or failed (a webhook, etcd)
    TimedOut,
}

/// The requests in flight.
#[derive(Debug, Clone, Default)]
pub(super) struct Requests {
    by_ticket: IdMap<u64, Request>,
    next_ticket: u64,
    /// requests in flight whose client already got a 504
    answered: usize,
}

impl Requests {
    /// Takes a new request in; returns its ticket.
    pub fn admit(&mut self, request: Request) -> u64 {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.by_ticket.insert(ticket, request);
        ticket
    }

    pub fn get(&self, ticket: u64) -> Option<&Request> {
        self.by_ticket.get(&ticket)
    }

    pub fn get_mut(&mut self, ticket: u64) -> Option<&mut Request> {
        self.by_ticket.get_mut(&ticket)
    }

    pub fn remove(&mut self, ticket: u64) -> Option<Request> {
        let request = self.by_ticket.remove(&ticket)?;
        self.answered -= request.answered as usize;
        Some(request)
    }

    /// Request `ticket` reached `--request-timeout` unanswered: its client
    /// gets a 504 now. Returns it, if it was in flight and not answered yet.
    pub fn answer_timed_out(&mut self, ticket: u64) -> Option<&Request> {
        let request = self.by_ticket.get_mut(&ticket)?;
        if request.answered {
            return None;
        }
        request.answered = true;
        self.answered += 1;
        Some(request)
    }

    /// Tickets of the requests in flight whose timeout falls before `until`
    /// [ns] and that are not answered yet, with their deadline.
    pub fn due_before(&self, until: Nanos, timeout: Nanos) -> Vec<(u64, Nanos)> {
        let mut due: Vec<u64> = self
            .by_ticket
            .iter()
            .filter(|(_, r)| !r.answered && r.arrived.saturating_add(timeout) < until)
            .map(|(&ticket, _)| ticket)
            .collect();
        // In ticket order, which is arrival order: the same on every
        // platform (the map's order is not: its hash depends on usize).
        due.sort_unstable();
        due.into_iter()
            .map(|ticket| {
                (
                    ticket,
                    self.by_ticket[&ticket].arrived.saturating_add(timeout),
                )
            })
            .collect()
    }

    /// Requests in flight that still await an answer.
    pub fn unanswered(&self) -> usize {
        self.by_ticket.len() - self.answered
    }

    /// Moves request `ticket` into `stage` at `now` [ns]; its kind, if it
    /// is still in flight.
    pub fn enter(&mut self, ticket: u64, stage: Stage, now: Nanos) -> Option<RequestKind> {
        let request = self.by_ticket.get_mut(&ticket)?;
        request.stage = stage;
        request.stage_since = now;
        Some(request.kind)
    }

    /// Whether request `ticket` has outlived `timeout` [ns] at `now`, or
    /// is gone.
    pub fn expired(&self, now: Nanos, ticket: u64, timeout: Nanos) -> bool {
        self.by_ticket
            .get(&ticket)
            .is_none_or(|r| now >= r.arrived.saturating_add(timeout))
    }

    pub fn len(&self) -> usize {
        self.by_ticket.len()
    }

    /// Requests of people (kubectl) in flight, not answered yet.
    pub fn users(&self) -> usize {
        self.by_ticket
            .values()
            .filter(|r| r.kind.client == ClientKind::User && !r.answered)
            .count()
    }

    pub fn iter(&self) -> impl Iterator<Item = (u64, &Request)> {
        self.by_ticket.iter().map(|(&ticket, r)| (ticket, r))
    }
}
