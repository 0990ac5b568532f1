//! One way of one etcd connection: its bandwidth shared equally between
//! the messages crossing it (processor sharing; see [`super::client`] and
//! [`crate::sim::engine::sharing`]).

use crate::sim::engine::load::{Load, LoadReading};
use crate::sim::engine::sharing::{Share, Sharing};
use crate::sim::engine::time::Nanos;

/// One way of one connection, and how long a message was crossing it.
#[derive(Debug, Clone)]
pub(super) struct Pipe {
    wire: Sharing,
    /// 1 while a message crosses, else 0
    busy: Load,
}

impl Pipe {
    pub(super) fn new(now: Nanos) -> Self {
        Self {
            wire: Sharing::default(),
            busy: Load::new(now, 1.0),
        }
    }

    fn note(&mut self, now: Nanos) {
        self.busy
            .set_used(now, (!self.wire.is_empty()) as u8 as f64);
    }

    /// Message `id` of `kib` KiB starts across at `now`: the next wake-up.
    pub(super) fn enter(
        &mut self,
        now: Nanos,
        id: u64,
        kib: f64,
        kib_per_ns: f64,
    ) -> Option<(Nanos, u32)> {
        let next = self.wire.enter(now, id, kib, Share::wire(kib_per_ns));
        self.note(now);
        next
    }

    /// The wake-up of `epoch` at `now`: the messages across go to `done`.
    pub(super) fn wake(
        &mut self,
        now: Nanos,
        epoch: u32,
        kib_per_ns: f64,
        done: &mut Vec<(u64, Nanos)>,
    ) -> Option<(Nanos, u32)> {
        let next = self.wire.wake(now, epoch, Share::wire(kib_per_ns), done);
        self.note(now);
        next
    }

    /// Removes and returns the messages crossing (a client dropped at `now`).
    pub(super) fn take_all(&mut self, now: Nanos) -> Vec<u64> {
        let ids = self.wire.take_all();
        self.note(now);
        ids
    }

    /// Time with a message crossing, up to `now` [s].
    pub(super) fn reading(&self, now: Nanos) -> LoadReading {
        self.busy.reading(now)
    }
}
