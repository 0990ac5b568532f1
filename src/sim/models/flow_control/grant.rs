//! What every flow-control variant hands back: a grant to execute, to be
//! returned when the request is done, or where the request waits.

use super::apf::bootstrap::Level;
use super::article_queue::ArticleClass;
use crate::sim::engine::time::Nanos;
use crate::sim::models::flow_control::apf::WorkEstimate;

/// Which limit a running request counts against (to release it later).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// an APF level's seats (`queue` None: dispatched without queuing)
    Apf {
        level: Level,
        queue: Option<u32>,
        work: WorkEstimate,
    },
    /// APF's exempt level: not limited, but its seats count as its demand
    Exempt { work: WorkEstimate },
    /// `--max-requests-inflight`
    ReadOnly,
    /// `--max-mutating-requests-inflight`
    Mutating,
    /// max-inflight's unlimited: a limit of 0, or `system:masters` over it
    Unlimited,
    /// a worker of the article's queue
    Article,
}

/// Permission to execute, held until the request finishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// the caller's request id
    pub ticket: u64,
    /// when it arrived [ns]
    pub arrived: Nanos,
    /// when it started executing [ns]
    pub started: Nanos,
    pub slot: Slot,
}

impl Grant {
    /// A request that runs at once, on arrival at `now` [ns].
    pub fn at_once(ticket: u64, now: Nanos, slot: Slot) -> Self {
        Self {
            ticket,
            arrived: now,
            started: now,
            slot,
        }
    }

    /// Seats (or slots) the request holds.
    pub fn seats(&self) -> u32 {
        match self.slot {
            Slot::Apf { work, .. } | Slot::Exempt { work } => work.max_seats(),
            _ => 1,
        }
    }
}

/// Where a queued request waits (to find it when its wait times out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitPlace {
    Apf {
        level: Level,
        queue: u32,
    },
    /// one of the article queue's classes
    Article {
        class: ArticleClass,
    },
}

/// The verdict on an arriving request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// it executes now
    Run(Grant),
    /// it waits; a later `finish` may start it; its wait ends at `deadline` [ns]
    Wait { place: WaitPlace, deadline: Nanos },
    /// HTTP 429 at once
    Reject,
}

/// A waiting request's queue wait passed its limit: it leaves with HTTP 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry {
    pub ticket: u64,
    pub place: WaitPlace,
}

/// What one limit looks like now, for drawing and readouts.
#[derive(Debug, Clone, PartialEq)]
pub struct LimitSnapshot {
    pub name: &'static str,
    /// seats (slots) the limit is configured with (APF: the level's
    /// nominal share)
    pub nominal: u32,
    /// seats (slots) available now (APF: after borrowing and lending)
    pub seats: u32,
    pub in_use: u32,
    pub waiting: u32,
}
