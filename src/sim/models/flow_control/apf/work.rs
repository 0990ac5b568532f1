//! APF's work estimator: how many seats a request occupies, and for how
//! long after it finishes (k8s.io/apiserver
//! `pkg/util/flowcontrol/request/`, release 1.32).
//!
//! - **LIST** (`list_work_estimator.go`): the estimate counts the objects
//!   the server will process, from the object-count tracker's figure for
//!   the *whole resource* (every namespace), whatever the LIST's scope:
//!   all of them for a LIST served from the watch cache, all of them plus
//!   the page for a LIST from etcd with a selector, and twice the page (the
//!   page being every object when there is no `limit`) for one without.
//!   Seats = ⌈processed / 100⌉, within [1, the level's maximum seats].
//! - **Mutations** (`mutating_work_estimator.go`): 1 seat while executing;
//!   then, when at least 10 watchers are interested in the change, the
//!   event's fan-out is accounted as ⌈watchers / 10⌉ seats × 5 ms of
//!   work, reshaped to at most the level's maximum seats (held longer),
//!   held after the request finishes. Watches indexed by the watch cache
//!   (kubelets' pod watches on `spec.nodeName`) are not counted
//!   (`watch_tracker.go`, `getBuiltinIndexes`).
//! - Everything else: 1 seat.

use super::queueset::WorkEstimate;
use crate::sim::engine::time::Nanos;
use crate::sim::models::request::{RequestKind, Verb};

/// `ObjectsPerSeat` (`config.go`).
pub const OBJECTS_PER_SEAT: u64 = 100;
/// `WatchesPerSeat` (`config.go`).
pub const WATCHES_PER_SEAT: u32 = 10;
/// `eventAdditionalDuration` (`config.go`): seat-time per ⌈watchers / 10⌉ [ns].
pub const EVENT_ADDITIONAL_DURATION: Nanos = 5_000_000;

/// What the estimator knows of a request besides its kind, as the API
/// server knows it when the request arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WorkFacts {
    /// objects of the request's resource in storage, every namespace (the
    /// object-count tracker's figure)
    pub stored: u64,
    /// a LIST the watch cache will serve (else etcd will)
    pub from_cache: bool,
    /// a LIST's `limit` (0: none)
    pub limit: u32,
    /// a LIST with a label or field selector
    pub selective: bool,
    /// watchers the watch tracker counts as interested in a mutation
    pub watchers: u32,
}

/// The objects a LIST will process, as `list_work_estimator.go` estimates
/// them.
pub fn list_objects_processed(facts: &WorkFacts) -> u64 {
    let stored = facts.stored;
    let limit = match facts.limit as u64 {
        0 => stored,
        limit => limit.min(stored),
    };
    if facts.from_cache {
        stored
    } else if facts.selective {
        stored + limit
    } else {
        2 * limit
    }
}

/// The work of request `kind` in a level whose requests take at most
/// `max_seats` seats.
pub fn estimate(kind: &RequestKind, facts: &WorkFacts, max_seats: u32) -> WorkEstimate {
    let max_seats = max_seats.max(1);
    if kind.verb == Verb::List {
        let seats = list_objects_processed(facts)
            .div_ceil(OBJECTS_PER_SEAT)
            .clamp(1, max_seats as u64);
        return WorkEstimate::seats(seats as u32);
    }
    if kind.verb.is_mutating() && facts.watchers >= WATCHES_PER_SEAT {
        let final_seats = facts.watchers.div_ceil(WATCHES_PER_SEAT);
        // The fan-out's seat-time, reshaped to at most `max_seats` wide.
        let work = final_seats as u64 * EVENT_ADDITIONAL_DURATION;
        let final_seats = final_seats.min(max_seats);
        return WorkEstimate {
            initial_seats: 1,
            final_seats,
            additional_latency: work / final_seats as u64,
        };
    }
    WorkEstimate::seats(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::models::request::{ClientKind, Resource};

    fn kind(verb: Verb, objects: u32) -> RequestKind {
        RequestKind {
            verb,
            resource: Resource::Pods,
            subresource: Default::default(),
            client: ClientKind::User,
            namespace: 3,
            user: 0,
            objects,
            scanned: objects,
            page: Default::default(),
            read_kib_s: 0,
        }
    }

    /// `list_work_estimator.go`: a LIST of one namespace's 300 pods, in a
    /// cluster of 30,000, is estimated from the 30,000 (the count is the
    /// resource's); from the cache it processes them all, from etcd without
    /// a selector twice its page, with one the whole resource and the page.
    #[test]
    fn list_seats_count_the_whole_resource_not_the_namespace() {
        let list = kind(Verb::List, 300);
        let facts = |from_cache, limit, selective| WorkFacts {
            stored: 30_000,
            from_cache,
            limit,
            selective,
            watchers: 0,
        };
        assert_eq!(list_objects_processed(&facts(true, 0, false)), 30_000);
        assert_eq!(list_objects_processed(&facts(false, 0, false)), 60_000);
        assert_eq!(list_objects_processed(&facts(false, 500, false)), 1_000);
        assert_eq!(list_objects_processed(&facts(false, 500, true)), 30_500);
        // global-default's requests take at most 8 seats: every one of
        // these LISTs takes 8, where the namespace's 300 objects gave 3.
        for f in [facts(true, 0, false), facts(false, 500, false)] {
            assert_eq!(estimate(&list, &f, 8).initial_seats, 8);
        }
        let small = WorkFacts {
            stored: 250,
            from_cache: true,
            ..Default::default()
        };
        assert_eq!(estimate(&list, &small, 8).initial_seats, 3);
        let empty = WorkFacts::default();
        assert_eq!(estimate(&list, &empty, 8).initial_seats, 1, "never 0");
    }

    /// `mutating_work_estimator.go`: fewer than 10 watchers cost nothing
    /// after the request; 21 cost ⌈21 / 10⌉ = 3 seats × 5 ms, held after
    /// it finishes; 1,000 cost 100 seats × 5 ms, reshaped to the level's
    /// 10 seats for 50 ms.
    #[test]
    fn a_write_with_many_watchers_holds_extra_seats_after_it_finishes() {
        let patch = kind(Verb::Patch, 1);
        let with = |watchers| WorkFacts {
            watchers,
            ..Default::default()
        };
        assert_eq!(estimate(&patch, &with(9), 10), WorkEstimate::seats(1));
        let w = estimate(&patch, &with(21), 10);
        assert_eq!((w.initial_seats, w.final_seats), (1, 3));
        assert_eq!(w.additional_latency, 5_000_000);
        let w = estimate(&patch, &with(1_000), 10);
        assert_eq!((w.final_seats, w.additional_latency), (10, 50_000_000));
        assert_eq!(
            estimate(&kind(Verb::Get, 1), &with(1_000), 10).max_seats(),
            1
        );
    }
}
