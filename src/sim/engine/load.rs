//! How busy a finite resource is, exactly: the time integrals of the units
//! it uses (seats, cores, a serial loop, a lock, a connection's wire) and
//! of the units it has.
//!
//! A resource keeps a [`Load`] and tells it every change of its use (or of
//! its capacity, as APF's levels' limits move with borrowing). Two
//! [`LoadReading`]s taken at instants `a < b` give the utilisation over
//! `[a, b]`: ∫ used dt / ∫ capacity dt, the time-weighted fraction of the
//! resource in use. No sampling, so a resource busy for 3 ms out of every
//! 10 reads 30% whatever the window.

use super::time::Nanos;

/// One resource's use and capacity over time.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Load {
    /// when the resource was made [ns]
    start: Nanos,
    /// the integrals are complete up to here [ns]
    since: Nanos,
    /// units in use and units available from `since` on
    used: f64,
    capacity: f64,
    /// ∫ used dt and ∫ capacity dt up to `since` [unit·s]
    used_time: f64,
    capacity_time: f64,
}

/// A [`Load`]'s integrals at one instant [unit·s], and when the resource
/// was made [ns]: readings of a resource made anew (a re-layout, a new
/// client, a switch of flow control) are not compared with the old one's.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LoadReading {
    pub used: f64,
    pub capacity: f64,
    pub start: Nanos,
}

impl Load {
    /// A resource of `capacity` units, idle, from `now` [ns] on.
    pub fn new(now: Nanos, capacity: f64) -> Self {
        Self {
            start: now,
            since: now,
            capacity,
            ..Self::default()
        }
    }

    fn advance(&mut self, now: Nanos) {
        let dt = now.saturating_sub(self.since) as f64 / 1e9;
        self.since = self.since.max(now);
        // Units held beyond the capacity (a limit lowered under requests
        // already running, which keep their seats) count as the capacity:
        // a resource is at most all busy.
        self.used_time += self.used.min(self.capacity) * dt;
        self.capacity_time += self.capacity * dt;
    }

    /// `used` units are in use from `now` on.
    pub fn set_used(&mut self, now: Nanos, used: f64) {
        self.advance(now);
        self.used = used;
    }

    /// The resource has `capacity` units from `now` on.
    pub fn set_capacity(&mut self, now: Nanos, capacity: f64) {
        self.advance(now);
        self.capacity = capacity;
    }

    /// The integrals up to `now` [ns].
    pub fn reading(&self, now: Nanos) -> LoadReading {
        let mut load = *self;
        load.advance(now);
        LoadReading {
            used: load.used_time,
            capacity: load.capacity_time,
            start: self.start,
        }
    }
}

impl LoadReading {
    /// The sum of two readings of resources made at the same time (the
    /// levels of one flow control, the shards of one lock).
    pub fn plus(self, other: LoadReading) -> LoadReading {
        LoadReading {
            used: self.used + other.used,
            capacity: self.capacity + other.capacity,
            start: self.start.max(other.start),
        }
    }

    /// The utilisation between `earlier` and this reading (0 when the
    /// resource had no capacity meanwhile); an `earlier` reading of a
    /// resource made at another time counts as none (from the start).
    pub fn since(self, earlier: LoadReading) -> f64 {
        let earlier = if earlier.start == self.start {
            earlier
        } else {
            LoadReading::default()
        };
        let capacity = self.capacity - earlier.capacity;
        if capacity > 0.0 {
            ((self.used - earlier.used) / capacity).max(0.0)
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Nanos = 1_000_000;

    /// A one-core loop busy 3 ms of every 10 reads 30% over any whole
    /// number of periods, and 3 of 4 cores busy half the time 37.5%.
    #[test]
    fn utilisation_is_the_time_weighted_fraction_in_use() {
        let mut apply = Load::new(0, 1.0);
        let run = |apply: &mut Load, periods: std::ops::Range<u64>| {
            for period in periods {
                apply.set_used(period * 10 * MS, 1.0);
                apply.set_used(period * 10 * MS + 3 * MS, 0.0);
            }
        };
        // Readings are taken as time goes (a reading of the past is not
        // kept: the integrals only move forward).
        run(&mut apply, 0..20);
        let a = apply.reading(200 * MS);
        run(&mut apply, 20..70);
        let b = apply.reading(700 * MS);
        assert!((b.since(a) - 0.3).abs() < 1e-9, "{}", b.since(a));

        let mut cores = Load::new(0, 4.0);
        cores.set_used(0, 3.0);
        cores.set_used(500 * MS, 0.0);
        let end = cores.reading(1_000 * MS);
        assert!((end.since(LoadReading::default()) - 0.375).abs() < 1e-9);
    }

    /// A level whose limit moves (borrowing) is judged against the seats
    /// it had: 10 in use of 10, then 10 of 20, is 10 × 2 / 30 busy.
    #[test]
    fn a_moving_capacity_weighs_each_stretch_by_its_own_capacity() {
        let mut level = Load::new(0, 10.0);
        level.set_used(0, 10.0);
        level.set_capacity(1_000 * MS, 20.0);
        let end = level.reading(2_000 * MS);
        assert!((end.since(LoadReading::default()) - 20.0 / 30.0).abs() < 1e-9);
        // Lent down to 5 seats under 10 held: all busy, not twice.
        level.set_capacity(2_000 * MS, 5.0);
        let later = level.reading(3_000 * MS);
        assert!((later.since(end) - 1.0).abs() < 1e-9);
        assert_eq!(
            Load::new(0, 0.0).reading(MS).since(LoadReading::default()),
            0.0
        );
    }

    /// A resource made at 5 s (a flow control switched to) counts from
    /// then: its reading before is all zero.
    #[test]
    fn a_load_counts_from_its_start() {
        let mut late = Load::new(5_000 * MS, 2.0);
        late.set_used(5_000 * MS, 1.0);
        let r = late.reading(6_000 * MS);
        assert_eq!((r.used, r.capacity), (1.0, 2.0));
        // A reading of the resource it replaced is not subtracted.
        let old = Load::new(0, 4.0).reading(9_000 * MS);
        assert_eq!(r.since(old), 0.5);
    }
}
