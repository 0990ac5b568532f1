//! The event calendar: the future of a simulation, in order.
//!
//! A discrete-event simulation jumps from one event to the next. The calendar
//! holds every scheduled event and hands back the earliest. Events at the same
//! instant come out in the order they were scheduled (each gets a sequence
//! number), which is what makes a run reproducible: no tie is ever broken by
//! memory layout or hashing.

use crate::sim::engine::time::Nanos;

/// An event of type `E` due at a time.
#[derive(Debug, Clone, Copy)]
struct Entry<E> {
    /// (time [ns] << 64) | sequence: one integer comparison orders by time,
    /// then by scheduling order
    key: u128,
    event: E,
}

impl<E> Entry<E> {
    fn time(&self) -> Nanos {
        (self.key >> 64) as Nanos
    }
}

/// A priority queue of events ordered by (time [ns], scheduling order): a
/// binary min-heap on the entries' keys, in a vector (children of `i` at
/// `2i + 1` and `2i + 2`).
///
/// Handling an event usually schedules another (the next arrival, the next
/// service), so a pop leaves the earliest entry in place, marked as taken,
/// and the next schedule overwrites it and sifts it down: one walk through
/// the heap for the pair instead of two (a pop followed by a push). Events are `Copy`, so the taken one
/// can be handed out while its slot waits, and entries move by copying.
#[derive(Debug, Clone)]
pub struct Calendar<E> {
    heap: Vec<Entry<E>>,
    next_sequence: u64,
    /// the root of `heap` has been popped and awaits removal or overwriting
    taken: bool,
}

impl<E: Copy> Default for Calendar<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> Calendar<E> {
    pub fn new() -> Self {
        Self {
            heap: Vec::with_capacity(64),
            next_sequence: 0,
            taken: false,
        }
    }

    /// Schedules `event` at absolute time `time` [ns].
    #[inline(always)]
    pub fn schedule(&mut self, time: Nanos, event: E) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        let entry = Entry {
            key: (time as u128) << 64 | sequence as u128,
            event,
        };
        if std::mem::take(&mut self.taken) {
            self.replace_root(entry);
        } else {
            self.heap.push(entry);
            self.sift_up(self.heap.len() - 1);
        }
    }

    /// The earliest entry still scheduled.
    fn earliest(&self) -> Option<&Entry<E>> {
        if self.taken {
            // The root's successor is the earlier of its two children.
            self.heap.get(1..3)?.iter().min_by_key(|entry| entry.key)
        } else {
            self.heap.first()
        }
    }

    /// The time of the earliest event [ns], if any.
    #[inline(always)]
    pub fn next_time(&self) -> Option<Nanos> {
        self.earliest().map(Entry::time)
    }

    /// Removes and returns the earliest event if it is due at or before `horizon` [ns].
    #[inline(always)]
    pub fn pop_until(&mut self, horizon: Nanos) -> Option<(Nanos, E)> {
        if std::mem::take(&mut self.taken)
            && let Some(last) = self.heap.pop()
            && !self.heap.is_empty()
        {
            self.replace_root(last);
        }
        let root = self.heap.first()?;
        if root.time() > horizon {
            return None;
        }
        self.taken = true;
        Some((root.time(), root.event))
    }

    /// Number of scheduled events.
    pub fn len(&self) -> usize {
        self.heap.len() - self.taken as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Puts `entry` at the root and moves it down to its place.
    #[inline(always)]
    fn replace_root(&mut self, entry: Entry<E>) {
        // Indices below are checked against this slice's length in the loop
        // conditions, which lets the compiler drop the bounds checks.
        let heap = self.heap.as_mut_slice();
        let len = heap.len();
        if len == 0 {
            return;
        }
        let mut hole = 0;
        let mut child = 1;
        while child < len {
            // the earlier child, if earlier than `entry`, moves up into the hole
            if child + 1 < len && heap[child + 1].key < heap[child].key {
                child += 1;
            }
            if entry.key <= heap[child].key {
                break;
            }
            heap[hole] = heap[child];
            hole = child;
            child = 2 * hole + 1;
        }
        heap[hole] = entry;
    }

    /// Moves the entry at `at` up while it is earlier than its parent.
    #[inline(always)]
    fn sift_up(&mut self, mut at: usize) {
        let heap = self.heap.as_mut_slice();
        let Some(&entry) = heap.get(at) else {
            return;
        };
        while at > 0 {
            let parent = (at - 1) / 2;
            if entry.key >= heap[parent].key {
                break;
            }
            heap[at] = heap[parent];
            at = parent;
        }
        heap[at] = entry;
    }
}

/// Lets a component schedule its own event type on a calendar of a larger
/// event enum: each mechanism (etcd, the watch cache, …) defines its events,
/// and the composed model's event type wraps them with `From`.
pub trait Schedule<Event> {
    fn at(&mut self, time: Nanos, event: Event);
}

impl<E: Copy, Event: Into<E>> Schedule<Event> for Calendar<E> {
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
                assert_eq!(calendar.next_time(), reference.first().map(|(t, _)| *t));
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
