//! One way of one etcd connection: its bandwidth shared equally between
//! the messages crossing it (processor sharing; see [`super::client`]).

use crate::sim::engine::time::Nanos;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One way of one connection: its bandwidth shared equally between the
/// messages crossing it (processor sharing).
///
/// `served` is the KiB each message crossing now has received since the
/// pipe was last idle: it grows at bandwidth / n while n messages cross. A
/// message of k KiB entering when `served` is s is across when it reaches
/// s + k (its tag); the message with the lowest tag is across first.
#[derive(Debug, Clone, Default)]
pub(super) struct Pipe {
    pub(super) served: f64,
    /// when `served` was last brought up to date [ns]
    pub(super) updated: Nanos,
    /// messages crossing, the lowest tag first: (tag as ordered bits, call
    /// id). A heap, not a B-tree: far less code in the page's wasm.
    pub(super) crossing: BinaryHeap<Reverse<(u64, u64)>>,
    /// moves on at each change: a wake-up of an older epoch is stale
    pub(super) epoch: u32,
    /// time with a message crossing, up to `updated` [s]
    pub(super) busy: f64,
}

impl Pipe {
    /// Brings `served` up to `now`; `kib_per_ns` is the pipe's bandwidth.
    pub(super) fn advance(&mut self, now: Nanos, kib_per_ns: f64) {
        let n = self.crossing.len();
        if n > 0 && now > self.updated {
            self.served += (now - self.updated) as f64 * kib_per_ns / n as f64;
            self.busy += (now - self.updated) as f64 / 1e9;
        }
        self.updated = self.updated.max(now);
    }

    /// When the first message is across, if any, for a wake-up of the new epoch.
    pub(super) fn next(&mut self, kib_per_ns: f64) -> Option<(Nanos, u32)> {
        self.epoch = self.epoch.wrapping_add(1);
        let &Reverse((tag, _)) = self.crossing.peek()?;
        let left = (f64::from_bits(tag) - self.served).max(0.0);
        let ns = (left * self.crossing.len() as f64 / kib_per_ns).ceil();
        // A message of billions of KiB on a slow pipe: saturate, never overflow.
        let at = self.updated.saturating_add(ns.min(1e18) as Nanos);
        Some((at, self.epoch))
    }

    /// Time with a message crossing, up to `now` [s].
    pub(super) fn busy_until(&self, now: Nanos) -> f64 {
        let pending = match self.crossing.is_empty() {
            true => 0,
            false => now.saturating_sub(self.updated),
        };
        self.busy + pending as f64 / 1e9
    }

    pub(super) fn enter(
        &mut self,
        now: Nanos,
        id: u64,
        kib: f64,
        kib_per_ns: f64,
    ) -> Option<(Nanos, u32)> {
        self.advance(now, kib_per_ns);
        if self.crossing.is_empty() {
            self.served = 0.0;
        }
        let tag = self.served + kib.max(0.0);
        self.crossing.push(Reverse((tag.to_bits(), id)));
        self.next(kib_per_ns)
    }

    /// The wake-up of `epoch` at `now`: the messages across go to `done`,
    /// each with `now`.
    pub(super) fn wake(
        &mut self,
        now: Nanos,
        epoch: u32,
        kib_per_ns: f64,
        done: &mut Vec<(u64, Nanos)>,
    ) -> Option<(Nanos, u32)> {
        if epoch != self.epoch {
            return None;
        }
        self.advance(now, kib_per_ns);
        // The first is across (it was woken for); the others within rounding.
        let slack = 1e-9 * self.served.max(1.0);
        let mut first = true;
        while let Some(&Reverse((tag, id))) = self.crossing.peek() {
            if !first && f64::from_bits(tag) > self.served + slack {
                break;
            }
            first = false;
            self.crossing.pop();
            done.push((id, now));
        }
        self.next(kib_per_ns)
    }
}
