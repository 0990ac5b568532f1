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

/// An event of type `E` due at a time.
#[derive(Debug, Clone)]
struct Entry<E> {
    /// (time [ns] << 64) | sequence: one integer comparison orders by time,
    /// then by scheduling order (cheaper than comparing a pair, and this is
    /// the comparison every heap operation makes)
    key: u128,
    event: E,
}

impl<E> Entry<E> {
    fn time(&self) -> Nanos {
        (self.key >> 64) as Nanos
    }
}

// Ordered by key only, reversed so that `BinaryHeap`, a max-heap, pops the
// earliest entry first. The heap compares with `<=`: spelled out, so each is
// one integer comparison.
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
    fn lt(&self, other: &Self) -> bool {
        self.key > other.key
    }
    fn le(&self, other: &Self) -> bool {
        self.key >= other.key
    }
    fn gt(&self, other: &Self) -> bool {
        self.key < other.key
    }
    fn ge(&self, other: &Self) -> bool {
        self.key <= other.key
    }
}
impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
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
            key: (time as u128) << 64 | sequence as u128,
            event,
        });
    }

    /// The time of the earliest event [ns], if any.
    pub fn next_time(&self) -> Option<Nanos> {
        self.heap.peek().map(Entry::time)
    }

    /// Removes and returns the earliest event if it is due at or before `horizon` [ns].
    pub fn pop_until(&mut self, horizon: Nanos) -> Option<(Nanos, E)> {
        if self.next_time()? > horizon {
            return None;
        }
        self.heap.pop().map(|entry| (entry.time(), entry.event))
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

    /// Random interleavings of schedules and pops come out as a sorted list
    /// of (time, sequence) would give them.
    #[test]
    fn matches_a_sorted_reference() {
        let mut rng = crate::sim::SimRng::new(3);
        let mut calendar = Calendar::new();
        let mut reference = std::collections::BTreeSet::new();
        let mut sequence = 0u64;
        let mut now = 0;
        for step in 0..20_000u64 {
            if rng.below(3) > 0 || calendar.is_empty() {
                // few distinct times, so ties are common
                let time = now + rng.below(50);
                calendar.schedule(time, sequence);
                reference.insert((time, sequence));
                sequence += 1;
            } else {
                let expected = reference.pop_first();
                assert_eq!(calendar.pop_until(u64::MAX), expected, "step {step}");
                now = expected.map_or(now, |(time, _)| time);
            }
            assert_eq!(calendar.len(), reference.len());
        }
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
