//! The requests in the API server, by ticket, and how each one ends.

use super::snapshot::Stage;
use crate::sim::IdMap;
use crate::sim::engine::time::Nanos;
use crate::sim::models::flow_control::Grant;
use crate::sim::models::request::{ClientKind, RequestKind};

/// One request on its path.
#[derive(Debug, Clone)]
pub(super) struct Request {
    pub kind: RequestKind,
    /// when it reached the API server [ns]
    pub arrived: Nanos,
    /// its seats, while it holds them
    pub grant: Option<Grant>,
    /// API server CPU time it will use [ns], drawn at arrival
    pub cpu: Nanos,
    /// the discovery client this request belongs to
    pub discovery_client: Option<u32>,
    pub stage: Stage,
    /// when it entered its stage [ns]
    pub stage_since: Nanos,
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
        self.by_ticket.remove(&ticket)
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

    /// Requests of people (kubectl) in flight.
    pub fn users(&self) -> usize {
        self.by_ticket
            .values()
            .filter(|r| r.kind.client == ClientKind::User)
            .count()
    }

    pub fn iter(&self) -> impl Iterator<Item = (u64, &Request)> {
        self.by_ticket.iter().map(|(&ticket, r)| (ticket, r))
    }
}
