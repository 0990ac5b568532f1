//! The article's request queue. **Not in upstream Kubernetes** (article A1).
//!
//! Three FIFO classes served in strict priority, mutating > read > webhook
//! (the order the article states; its own sample code inserts them the
//! other way round). A shared capacity bounds all three: an arrival when the
//! queue is full is rejected. A worker pool (the server's concurrency limit)
//! serves the head of the highest non-empty class. A request waiting longer
//! than the per-request timeout (500 ms in the article's demo) is dropped.
//! Strict priority means a steady stream of higher-class requests starves
//! the lower classes completely: compare APF's fair queuing.

use super::grant::{Admission, Expiry, Grant, LimitSnapshot, Slot, WaitPlace};
use crate::sim::engine::load::{Load, LoadReading};
use crate::sim::engine::time::Nanos;
use crate::sim::models::request::RequestKind;
use std::collections::VecDeque;

/// Default capacity (the article's "1.32 default", 1000).
pub const DEFAULT_CAPACITY: u32 = 1_000;
/// Default per-request timeout [s] (the article's demo, 500 ms).
pub const DEFAULT_TIMEOUT: f64 = 0.5;

/// The article's three classes, highest priority first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleClass {
    Mutating,
    Read,
    /// webhook callbacks (the model's webhooks are calls, not requests, so
    /// none arrive in this class)
    Webhook,
}

impl ArticleClass {
    pub const ALL: [ArticleClass; 3] = [
        ArticleClass::Mutating,
        ArticleClass::Read,
        ArticleClass::Webhook,
    ];

    /// The class a request joins: mutating before reads.
    pub fn of(kind: &RequestKind) -> Self {
        if kind.verb.is_mutating() {
            ArticleClass::Mutating
        } else {
            ArticleClass::Read
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ArticleClass::Mutating => "mutating",
            ArticleClass::Read => "read",
            ArticleClass::Webhook => "webhook",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ArticleQueue {
    pub workers: u32,
    pub capacity: u32,
    /// longest wait [ns]
    pub timeout: Nanos,
    busy: u32,
    /// per class: (ticket, arrived) in arrival order
    classes: [VecDeque<(u64, Nanos)>; 3],
    /// workers busy over time
    load: Load,
}

impl ArticleQueue {
    /// The queue from `now` [ns] on.
    pub fn new(now: Nanos, workers: u32, capacity: u32, timeout: Nanos) -> Self {
        let workers = workers.max(1);
        Self {
            workers,
            capacity,
            timeout,
            busy: 0,
            classes: Default::default(),
            load: Load::new(now, workers as f64),
        }
    }

    fn note(&mut self, now: Nanos) {
        self.load.set_used(now, self.busy as f64);
        self.load.set_capacity(now, self.workers as f64);
    }

    /// Its workers busy over time up to `now` [worker·s].
    pub fn loads(&self, now: Nanos) -> Vec<(&'static str, LoadReading)> {
        vec![("workers", self.load.reading(now))]
    }

    fn waiting(&self) -> usize {
        self.classes.iter().map(VecDeque::len).sum()
    }

    /// A request of `class` arrives.
    pub fn arrive(&mut self, now: Nanos, ticket: u64, class: ArticleClass) -> Admission {
        if self.busy < self.workers && self.waiting() == 0 {
            self.busy += 1;
            self.note(now);
            return Admission::Run(Grant::at_once(ticket, now, Slot::Article));
        }
        if self.waiting() >= self.capacity as usize {
            return Admission::Reject;
        }
        self.classes[class as usize].push_back((ticket, now));
        Admission::Wait {
            place: WaitPlace::Article { class },
            deadline: now.saturating_add(self.timeout),
        }
    }

    /// Frees a worker and starts waiting requests, highest class first.
    pub fn finish(&mut self, now: Nanos, started: &mut Vec<Grant>) {
        self.busy = self.busy.saturating_sub(1);
        self.dispatch(now, started);
        self.note(now);
    }

    pub fn set_workers(&mut self, now: Nanos, workers: u32, started: &mut Vec<Grant>) {
        self.workers = workers.max(1);
        self.dispatch(now, started);
        self.note(now);
    }

    fn dispatch(&mut self, now: Nanos, started: &mut Vec<Grant>) {
        while self.busy < self.workers {
            let Some((ticket, arrived)) = self.classes.iter_mut().find_map(VecDeque::pop_front)
            else {
                break;
            };
            self.busy += 1;
            started.push(Grant {
                ticket,
                arrived,
                started: now,
                slot: Slot::Article,
            });
        }
    }

    /// Drops the request if it still waits; true if it did.
    pub fn expire(&mut self, expiry: &Expiry) -> bool {
        let WaitPlace::Article { class } = expiry.place else {
            return false;
        };
        let queue = &mut self.classes[class as usize];
        match queue
            .iter()
            .position(|&(ticket, _)| ticket == expiry.ticket)
        {
            Some(position) => queue.remove(position).is_some(),
            None => false,
        }
    }

    pub fn snapshot(&self) -> Vec<LimitSnapshot> {
        let mut limits = vec![LimitSnapshot {
            name: "workers",
            nominal: self.workers,
            seats: self.workers,
            in_use: self.busy,
            waiting: self.waiting() as u32,
        }];
        for (class, waiting) in ArticleClass::ALL.iter().zip(&self.classes) {
            limits.push(LimitSnapshot {
                name: class.name(),
                nominal: 0,
                seats: 0,
                in_use: 0,
                waiting: waiting.len() as u32,
            });
        }
        limits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_priority_serves_mutating_first_and_starves_webhooks() {
        let mut queue = ArticleQueue::new(0, 1, 10, 1_000);
        assert!(matches!(
            queue.arrive(0, 0, ArticleClass::Read),
            Admission::Run(_)
        ));
        queue.arrive(1, 1, ArticleClass::Webhook);
        queue.arrive(2, 2, ArticleClass::Read);
        queue.arrive(3, 3, ArticleClass::Mutating);
        let mut started = Vec::new();
        queue.finish(4, &mut started);
        queue.finish(5, &mut started);
        queue.finish(6, &mut started);
        let order: Vec<u64> = started.iter().map(|g| g.ticket).collect();
        assert_eq!(order, vec![3, 2, 1], "mutating, then read, then webhook");
    }

    #[test]
    fn full_queue_rejects_and_timeouts_drop() {
        let mut queue = ArticleQueue::new(0, 1, 1, 500);
        queue.arrive(0, 0, ArticleClass::Mutating);
        let Admission::Wait { place, deadline } = queue.arrive(0, 1, ArticleClass::Read) else {
            panic!("waits")
        };
        assert_eq!(deadline, 500);
        assert_eq!(
            queue.arrive(0, 2, ArticleClass::Mutating),
            Admission::Reject
        );
        assert!(queue.expire(&Expiry { ticket: 1, place }));
        assert!(!queue.expire(&Expiry { ticket: 1, place }));
    }
}
