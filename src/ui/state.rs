//! The page's controls as data, and the reducer that changes them.
//!
//! Components dispatch [`Action`]s; the reducer clamps every value into its
//! control's range, so nothing a slider, key or URL sends can reach the
//! simulation out of range. The running simulation itself lives outside Yew
//! state (see `live.rs`): the reducer only says what the reader asked for.

use crate::sim::{Change, StationChange};
use std::ops::RangeInclusive;
use std::rc::Rc;
use yew::Reducible;

/// Range of the "Arrival rate" slider [requests/s].
pub const ARRIVAL_RATE: RangeInclusive<f64> = 1.0..=400.0;
/// Range of the "Seats" slider.
pub const SEATS: RangeInclusive<u32> = 1..=64;

/// What the reader has set.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Poisson arrival rate [requests/s]
    pub arrival_rate: f64,
    /// servers: requests served at once
    pub seats: u32,
    /// the simulated clock runs
    pub playing: bool,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            arrival_rate: 100.0,
            seats: 8,
            playing: true,
        }
    }
}

/// Something the reader did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    SetArrivalRate(f64),
    SetSeats(u32),
    TogglePlay,
}

impl Reducible for Params {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::SetArrivalRate(rate) => {
                next.arrival_rate = if rate.is_finite() {
                    rate.clamp(*ARRIVAL_RATE.start(), *ARRIVAL_RATE.end())
                } else {
                    self.arrival_rate
                };
            }
            Action::SetSeats(seats) => next.seats = seats.clamp(*SEATS.start(), *SEATS.end()),
            Action::TogglePlay => next.playing = !next.playing,
        }
        // Same value: hand back the same Rc so Yew skips the re-render.
        if next == *self { self } else { Rc::new(next) }
    }
}

impl Params {
    /// The simulation changes that turn `before` into `self`.
    pub fn changes_since(&self, before: &Params) -> Vec<Change> {
        let mut changes = Vec::new();
        if self.arrival_rate != before.arrival_rate {
            changes.push(Change::Station(StationChange::ArrivalRate(
                self.arrival_rate,
            )));
        }
        if self.seats != before.seats {
            changes.push(Change::Station(StationChange::Servers(self.seats)));
        }
        changes
    }
}
