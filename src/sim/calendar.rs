//! The event calendar: the future of a simulation, in order.
//!
//! A discrete-event simulation jumps from one event to the next. The calendar
//! holds every scheduled event and hands back the earliest. Events at the same
//! instant come out in the order they were scheduled (each gets a sequence
//! number), which is what makes a run reproducible: no tie is ever broken by
//! memory layout or hashing.

use super::time::Nanos;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// An event of type `E` due at `time`.
#[derive(Debug, Clone)]
struct Entry<E> {
    time: Nanos,
    sequence: u64,
    event: E,
}

// Ordered by (time, sequence) only, reversed so that `BinaryHeap`, a max-heap,
// pops the earliest entry first.
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.sequence).cmp(&(self.time, self.sequence))
    }
}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.sequence) == (other.time, other.sequence)
    }
}
impl<E> Eq for Entry<E> {}

/// A priority queue of events ordered by (time [ns], scheduling order).
#[derive(Debug, Clone)]
pub struct Calendar<E> {
    heap: BinaryHeap<Entry<E>>,
    next_sequence: u64,
}

impl<E> Default for Calendar<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Calendar<E> {
    pub fn new() -> Self {
        Self {
            heap: BinaryHeap::with_capacity(64),
            next_sequence: 0,
        }
    }

    /// Schedules `event` at absolute time `time` [ns].
    pub fn schedule(&mut self, time: Nanos, event: E) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        self.heap.push(Entry {
            time,
            sequence,
            event,
        });
    }

    /// The time of the earliest event [ns], if any.
    pub fn next_time(&self) -> Option<Nanos> {
        self.heap.peek().map(|entry| entry.time)
    }

    /// Removes and returns the earliest event if it is due at or before `horizon` [ns].
    pub fn pop_until(&mut self, horizon: Nanos) -> Option<(Nanos, E)> {
        if self.next_time()? > horizon {
            return None;
        }
        self.heap.pop().map(|entry| (entry.time, entry.event))
    }

    /// Number of scheduled events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

/// Lets a component schedule its own event type on a calendar of a larger
/// event enum: each mechanism (etcd, the watch cache, …) defines its events,
/// and the composed model's event type wraps them with `From`.
pub trait Schedule<Event> {
    fn at(&mut self, time: Nanos, event: Event);
}

impl<E, Event: Into<E>> Schedule<Event> for Calendar<E> {
    fn at(&mut self, time: Nanos, event: Event) {
        self.schedule(time, event.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_order_and_fifo_on_ties() {
        let mut calendar = Calendar::new();
        calendar.schedule(30, "c");
        calendar.schedule(10, "a1");
        calendar.schedule(20, "b");
        calendar.schedule(10, "a2");
        calendar.schedule(10, "a3");
        let mut order = Vec::new();
        while let Some((time, event)) = calendar.pop_until(u64::MAX) {
            order.push((time, event));
        }
        assert_eq!(
            order,
            vec![(10, "a1"), (10, "a2"), (10, "a3"), (20, "b"), (30, "c")]
        );
    }

    #[test]
    fn respects_the_horizon() {
        let mut calendar = Calendar::new();
        calendar.schedule(5, ());
        calendar.schedule(15, ());
        assert!(calendar.pop_until(10).is_some());
        assert!(calendar.pop_until(10).is_none());
        assert_eq!(calendar.len(), 1);
    }
}
