//! The max-inflight filter (APF off): two counters, no queues.
//!
//! Read-only requests count against `--max-requests-inflight` (default 400),
//! mutating ones against `--max-mutating-requests-inflight` (default 200,
//! `pkg/server/config.go`); a request over its limit gets HTTP 429 at once.

use super::grant::{Admission, Grant, LimitSnapshot, Slot};
use crate::sim::engine::time::Nanos;
use crate::sim::models::request::RequestKind;

#[derive(Debug, Clone)]
pub struct MaxInflight {
    pub read_only_limit: u32,
    pub mutating_limit: u32,
    read_only: u32,
    mutating: u32,
}

impl MaxInflight {
    pub fn new(read_only_limit: u32, mutating_limit: u32) -> Self {
        Self {
            read_only_limit,
            mutating_limit,
            read_only: 0,
            mutating: 0,
        }
    }

    pub fn arrive(&mut self, now: Nanos, ticket: u64, kind: &RequestKind) -> Admission {
        let (in_use, limit, slot) = if kind.verb.is_mutating() {
            (&mut self.mutating, self.mutating_limit, Slot::Mutating)
        } else {
            (&mut self.read_only, self.read_only_limit, Slot::ReadOnly)
        };
        if *in_use >= limit {
            return Admission::Reject;
        }
        *in_use += 1;
        Admission::Run(Grant::at_once(ticket, now, slot))
    }

    pub fn finish(&mut self, grant: &Grant) {
        match grant.slot {
            Slot::Mutating => self.mutating = self.mutating.saturating_sub(1),
            _ => self.read_only = self.read_only.saturating_sub(1),
        }
    }

    pub fn snapshot(&self) -> Vec<LimitSnapshot> {
        vec![
            LimitSnapshot {
                name: "read-only",
                seats: self.read_only_limit,
                in_use: self.read_only,
                waiting: 0,
            },
            LimitSnapshot {
                name: "mutating",
                seats: self.mutating_limit,
                in_use: self.mutating,
                waiting: 0,
            },
        ]
    }
}
