//! What an event handler is given besides its model's own state.
//!
//! A model's state is its own; what every handler shares is the instant of
//! the event it handles, the calendar on which it schedules what follows,
//! and the run's one source of random numbers. [`Cx`] carries the three
//! together (as NeXosim hands each model its `cx`), so a stage of a model
//! takes one argument for them, not three.

use crate::sim::engine::calendar::Calendar;
use crate::sim::engine::random::SimRng;
use crate::sim::engine::time::Nanos;

/// The context of one event: its time, the calendar, the random numbers.
pub struct Cx<'a, E> {
    /// the simulated time of the event being handled [ns]
    pub now: Nanos,
    pub calendar: &'a mut Calendar<E>,
    pub rng: &'a mut SimRng,
}

impl<'a, E: Copy> Cx<'a, E> {
    pub fn new(now: Nanos, calendar: &'a mut Calendar<E>, rng: &'a mut SimRng) -> Self {
        Self { now, calendar, rng }
    }

    /// Schedules `event` at `time` [ns].
    #[inline]
    pub fn at(&mut self, time: Nanos, event: E) {
        self.calendar.schedule(time, event);
    }

    /// Schedules `event` `delay` [ns] from now (saturating: a huge draw
    /// never wraps the clock).
    #[inline]
    pub fn after(&mut self, delay: Nanos, event: E) {
        self.calendar
            .schedule(self.now.saturating_add(delay), event);
    }
}
