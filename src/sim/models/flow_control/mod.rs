//! The API server's flow control, in three variants:
//!
//! - [`Apf`](apf::Apf): API Priority and Fairness, upstream's default since
//!   1.20: the bootstrap priority levels, flow schemas and fair queuing;
//! - [`MaxInflight`](max_inflight::MaxInflight): the older two-limit filter
//!   (APF off): read-only and mutating requests each have a limit, and a
//!   request over it gets HTTP 429 at once;
//! - [`ArticleQueue`](article_queue::ArticleQueue): the article's strict
//!   priority queue (mutating > read > webhook). **Not upstream.**

pub mod apf;
pub mod article_queue;
pub mod grant;
pub mod max_inflight;

pub use apf::work::WorkFacts;
pub use grant::{Admission, Expiry, Grant, LimitSnapshot, Slot, WaitPlace};

use crate::sim::engine::load::LoadReading;
use crate::sim::engine::time::Nanos;
use crate::sim::models::request::RequestKind;
use serde::{Deserialize, Serialize};

/// Which flow control the API server runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlowControlKind {
    /// API Priority and Fairness (upstream default)
    Apf,
    /// the two inflight limits, APF off (upstream)
    MaxInflight,
    /// the article's strict-priority queue (not upstream)
    ArticleQueue,
}

/// The running flow control of one API server.
#[derive(Debug, Clone)]
pub enum FlowControl {
    Apf(apf::Apf),
    MaxInflight(max_inflight::MaxInflight),
    Article(article_queue::ArticleQueue),
}

/// What a flow control is built with: the server's flags.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlowSettings {
    /// `--max-requests-inflight` and `--max-mutating-requests-inflight`;
    /// APF and the article's workers use their sum
    pub read_only: u32,
    pub mutating: u32,
    /// APF's longest wait in a queue [ns]
    pub queue_wait_limit: Nanos,
    /// the article's queue: capacity [requests] and timeout [ns]
    pub article_capacity: u32,
    pub article_timeout: Nanos,
    /// whether APF's levels lend and borrow seats
    pub seat_borrowing: bool,
}

impl FlowControl {
    /// Flow control of `kind`, running from `now` [ns] on.
    pub fn new(kind: FlowControlKind, settings: &FlowSettings, now: Nanos) -> Self {
        let s = settings;
        let total = s.read_only.saturating_add(s.mutating).max(1);
        match kind {
            FlowControlKind::Apf => FlowControl::Apf(apf::Apf::new(
                now,
                total,
                s.queue_wait_limit,
                s.seat_borrowing,
            )),
            FlowControlKind::MaxInflight => FlowControl::MaxInflight(
                max_inflight::MaxInflight::new(now, s.read_only, s.mutating),
            ),
            FlowControlKind::ArticleQueue => FlowControl::Article(
                article_queue::ArticleQueue::new(now, total, s.article_capacity, s.article_timeout),
            ),
        }
    }

    /// Each of its limits' use over time up to `now`, by the limit's name
    /// (APF: each limited level's seats; max-inflight: its two limits;
    /// the article's queue: its workers).
    pub fn loads(&self, now: Nanos) -> Vec<(&'static str, LoadReading)> {
        match self {
            FlowControl::Apf(apf) => apf.loads(now),
            FlowControl::MaxInflight(filter) => filter.loads(now),
            FlowControl::Article(queue) => queue.loads(now),
        }
    }

    /// A request arrives. Requests started as a side effect are appended to
    /// `started`.
    pub fn arrive(
        &mut self,
        now: Nanos,
        ticket: u64,
        kind: &RequestKind,
        facts: &WorkFacts,
        started: &mut Vec<Grant>,
    ) -> Admission {
        match self {
            FlowControl::Apf(apf) => apf.arrive(now, ticket, kind, facts, started),
            FlowControl::MaxInflight(filter) => filter.arrive(now, ticket, kind),
            FlowControl::Article(queue) => {
                queue.arrive(now, ticket, article_queue::ArticleClass::of(kind))
            }
        }
    }

    /// The request holding `grant` is done; waiting requests may start.
    pub fn finish(&mut self, now: Nanos, grant: &Grant, started: &mut Vec<Grant>) {
        match self {
            FlowControl::Apf(apf) => apf.finish(now, grant, started),
            FlowControl::MaxInflight(filter) => filter.finish(now, grant),
            FlowControl::Article(queue) => queue.finish(now, started),
        }
    }

    /// A finished request's extra seats for its watch notifications are free
    /// (APF only: the others give no such seats).
    pub fn release_final(&mut self, now: Nanos, grant: &Grant, started: &mut Vec<Grant>) {
        if let FlowControl::Apf(apf) = self {
            apf.release_final(now, grant, started);
        }
    }

    /// The Retry-After [s] of a 429 for a request of `kind`: APF's level's
    /// (1 to 32 s); 1 for max-inflight (`maxinflight.go`) and, as an
    /// assumption, for the article's queue.
    pub fn retry_after(&self, kind: &RequestKind) -> u64 {
        match self {
            FlowControl::Apf(apf) => apf.retry_after(kind),
            _ => 1,
        }
    }

    /// A waiting request's deadline passed: true if it was still waiting
    /// (it is now removed and gets HTTP 429).
    pub fn expire(&mut self, now: Nanos, expiry: &Expiry) -> bool {
        match self {
            FlowControl::Apf(apf) => apf.expire(now, expiry),
            FlowControl::MaxInflight(_) => false,
            FlowControl::Article(queue) => queue.expire(expiry),
        }
    }

    /// New inflight flags, applied to new dispatches.
    pub fn set_inflight_limits(
        &mut self,
        now: Nanos,
        read_only: u32,
        mutating: u32,
        started: &mut Vec<Grant>,
    ) {
        let total = read_only.saturating_add(mutating).max(1);
        match self {
            FlowControl::Apf(apf) => apf.set_server_concurrency_limit(now, total, started),
            FlowControl::MaxInflight(filter) => filter.set_limits(now, read_only, mutating),
            FlowControl::Article(queue) => queue.set_workers(now, total, started),
        }
    }

    /// APF's periodic division of seats between its levels (nothing for
    /// the others); requests that start on gained seats go to `started`.
    /// Without borrowing APF still closes its demand's period, as upstream
    /// always measures it, and keeps the nominal limits.
    pub fn divide_seats(&mut self, now: Nanos, started: &mut Vec<Grant>) {
        if let FlowControl::Apf(apf) = self {
            apf.divide_seats(now, started);
        }
    }

    /// Turns APF's seat borrowing on or off (nothing for the others).
    pub fn set_borrowing(&mut self, now: Nanos, on: bool, started: &mut Vec<Grant>) {
        if let FlowControl::Apf(apf) = self {
            apf.set_borrowing(now, on, started);
        }
    }

    /// APF's levels' seats over the run (none for the others).
    pub fn level_seats(&self, now: Nanos) -> Vec<apf::LevelSeats> {
        match self {
            FlowControl::Apf(apf) => apf.level_seats(now),
            _ => Vec::new(),
        }
    }

    pub fn snapshot(&self) -> Vec<LimitSnapshot> {
        match self {
            FlowControl::Apf(apf) => apf.snapshot(),
            FlowControl::MaxInflight(filter) => filter.snapshot(),
            FlowControl::Article(queue) => queue.snapshot(),
        }
    }
}
