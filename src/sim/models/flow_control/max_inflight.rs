//! The max-inflight filter (APF off): two counters, no queues.
//!
//! Read-only requests count against `--max-requests-inflight` (default 400),
//! mutating ones against `--max-mutating-requests-inflight` (default 200,
//! `pkg/server/config.go`); a request over its limit gets HTTP 429 at once.
//!
//! As upstream's filter does (`pkg/server/filters/maxinflight.go`,
//! `WithMaxInFlightLimit`): a limit of 0 means no limit for its kind of
//! request, and a member of `system:masters` over the limit is served
//! anyway ("a system:master is so powerful that they should always get an
//! answer"), without taking a slot.

use super::grant::{Admission, Grant, LimitSnapshot, Slot};
use crate::sim::engine::load::{Load, LoadReading};
use crate::sim::engine::time::Nanos;
use crate::sim::models::request::{ClientKind, RequestKind};

#[derive(Debug, Clone)]
pub struct MaxInflight {
    pub read_only_limit: u32,
    pub mutating_limit: u32,
    read_only: u32,
    mutating: u32,
    /// the two limits' slots in use over time
    read_only_load: Load,
    mutating_load: Load,
}

impl MaxInflight {
    /// The two limits, from `now` [ns] on.
    pub fn new(now: Nanos, read_only_limit: u32, mutating_limit: u32) -> Self {
        Self {
            read_only_limit,
            mutating_limit,
            read_only: 0,
            mutating: 0,
            read_only_load: Load::new(now, read_only_limit as f64),
            mutating_load: Load::new(now, mutating_limit as f64),
        }
    }

    /// New limits from `now` on (requests over them finish as they are).
    pub fn set_limits(&mut self, now: Nanos, read_only: u32, mutating: u32) {
        self.read_only_limit = read_only;
        self.mutating_limit = mutating;
        self.note(now);
    }

    /// A limit of 0 is no limit: its slots in use count for nothing.
    fn note(&mut self, now: Nanos) {
        let counted = |in_use: u32, limit: u32| if limit == 0 { 0.0 } else { in_use as f64 };
        self.read_only_load
            .set_used(now, counted(self.read_only, self.read_only_limit));
        self.read_only_load
            .set_capacity(now, self.read_only_limit as f64);
        self.mutating_load
            .set_used(now, counted(self.mutating, self.mutating_limit));
        self.mutating_load
            .set_capacity(now, self.mutating_limit as f64);
    }

    /// Each limit's slots in use over time up to `now` (an unlimited
    /// one, a limit of 0, has no capacity) [slot·s].
    pub fn loads(&self, now: Nanos) -> Vec<(&'static str, LoadReading)> {
        vec![
            ("read-only", self.read_only_load.reading(now)),
            ("mutating", self.mutating_load.reading(now)),
        ]
    }

    pub fn arrive(&mut self, now: Nanos, ticket: u64, kind: &RequestKind) -> Admission {
        let (in_use, limit, slot) = if kind.verb.is_mutating() {
            (&mut self.mutating, self.mutating_limit, Slot::Mutating)
        } else {
            (&mut self.read_only, self.read_only_limit, Slot::ReadOnly)
        };
        if limit == 0 {
            return Admission::Run(Grant::at_once(ticket, now, Slot::Unlimited));
        }
        if *in_use >= limit {
            if kind.client == ClientKind::Admin {
                return Admission::Run(Grant::at_once(ticket, now, Slot::Unlimited));
            }
            return Admission::Reject;
        }
        *in_use += 1;
        self.note(now);
        Admission::Run(Grant::at_once(ticket, now, slot))
    }

    pub fn finish(&mut self, now: Nanos, grant: &Grant) {
        match grant.slot {
            Slot::Mutating => self.mutating = self.mutating.saturating_sub(1),
            Slot::Unlimited => {}
            _ => self.read_only = self.read_only.saturating_sub(1),
        }
        self.note(now);
    }

    pub fn snapshot(&self) -> Vec<LimitSnapshot> {
        vec![
            LimitSnapshot {
                name: "read-only",
                nominal: self.read_only_limit,
                seats: self.read_only_limit,
                in_use: self.read_only,
                waiting: 0,
            },
            LimitSnapshot {
                name: "mutating",
                nominal: self.mutating_limit,
                seats: self.mutating_limit,
                in_use: self.mutating,
                waiting: 0,
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::models::request::{Resource, Verb};

    fn kind(verb: Verb, client: ClientKind) -> RequestKind {
        RequestKind {
            verb,
            resource: Resource::Pods,
            subresource: Default::default(),
            client,
            namespace: 0,
            user: 0,
            objects: 1,
            scanned: 1,
            page: Default::default(),
            read_kib_s: 0,
        }
    }

    /// `pkg/server/filters/maxinflight.go`: "at this point we're about to
    /// return a 429, BUT not all actors should be rate limited": members of
    /// `system:masters` are served over the limit.
    #[test]
    fn system_masters_are_never_rejected() {
        let mut filter = MaxInflight::new(0, 1, 1);
        let get = kind(Verb::Get, ClientKind::User);
        assert!(matches!(filter.arrive(0, 1, &get), Admission::Run(_)));
        assert_eq!(filter.arrive(0, 2, &get), Admission::Reject);
        let admin = kind(Verb::Get, ClientKind::Admin);
        for ticket in 3..10 {
            assert!(matches!(
                filter.arrive(0, ticket, &admin),
                Admission::Run(_)
            ));
        }
        assert_eq!(filter.snapshot()[0].in_use, 1, "served without a slot");
    }

    /// `pkg/server/filters/maxinflight.go`: a limit of 0 creates no
    /// channel for its kind of request, which then runs unlimited.
    #[test]
    fn a_limit_of_zero_means_no_limit() {
        let mut filter = MaxInflight::new(0, 1, 0);
        let patch = kind(Verb::Patch, ClientKind::Kubelet);
        for ticket in 0..1_000 {
            assert!(matches!(
                filter.arrive(0, ticket, &patch),
                Admission::Run(_)
            ));
        }
    }
}
