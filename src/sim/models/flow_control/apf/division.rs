//! The division of an [`Apf`]'s seats between its levels: every 10 s,
//! by their demand ([`borrowing`](super::borrowing)), and at once after a
//! change of configuration; and the seats each level borrowed and lent.

use super::borrowing::{self, Claim};
use super::{Apf, ApfLevel, LEVELS, LevelSeats};
use crate::sim::engine::time::Nanos;
use crate::sim::models::flow_control::grant::Grant;

impl Apf {
    /// Re-divides the seats by the demand since the last division
    /// (upstream every 10 s: [`borrowing::ADJUSTMENT_PERIOD`]); requests
    /// that start on seats a level gained are appended to `started`.
    pub fn divide_seats(&mut self, now: Nanos, started: &mut Vec<Grant>) {
        // What the division reads: when none of it moved (an idle server's
        // demand stays at its fixed point), the limits are as they were.
        let mut moved = false;
        for entry in &mut self.levels {
            let before = entry.stats;
            let period = entry.demand.reset(now);
            entry.stats.update(period);
            moved |= entry.stats != before;
        }
        if moved {
            self.apply_limits(now, started);
        }
    }

    /// Divides the seats now, after a change of configuration (the period's
    /// demand counts as it is).
    pub(super) fn redivide(&mut self, now: Nanos, started: &mut Vec<Grant>) {
        for entry in &mut self.levels {
            let period = entry.demand.reset(now);
            entry.stats.update(period);
        }
        self.apply_limits(now, started);
    }

    fn apply_limits(&mut self, now: Nanos, started: &mut Vec<Grant>) {
        let limits = self.current_limits();
        self.accrue(now);
        for (i, limit) in limits.into_iter().enumerate() {
            if let Some(queues) = self.levels[i].queues.as_mut() {
                queues.set_concurrency_limit(now, limit);
            }
            let level = self.levels[i].level;
            self.dispatch_level(now, level, started);
        }
    }

    /// Each level's limit for the next period, in `levels`' order
    /// (`updateBorrowingLocked`); the nominal ones without borrowing. The
    /// exempt level's entry is unused: it is never limited.
    fn current_limits(&self) -> Vec<u32> {
        let nominal: Vec<u32> = self.levels.iter().map(|l| l.bounds.nominal).collect();
        if !self.borrowing {
            return nominal;
        }
        let nominal_sum = nominal.iter().sum::<u32>() as f64;
        // What the exempt level used comes off the top.
        let mut remaining = nominal_sum;
        let (mut min_sum, mut guarantee_sum) = (0.0, 0.0);
        let mut claims = Vec::with_capacity(self.levels.len());
        for entry in &self.levels {
            if entry.queues.is_none() {
                remaining -= entry.bounds.exempt_use(&entry.stats) as f64;
                continue;
            }
            let guarantee = entry.bounds.guarantee(&entry.stats) as f64;
            min_sum += entry.bounds.min as f64;
            guarantee_sum += guarantee;
            claims.push(Claim {
                target: guarantee.max(entry.stats.smoothed),
                lower: guarantee,
                upper: entry.bounds.max as f64,
            });
        }
        let limit = |entry: &ApfLevel, claim: Option<f64>| -> u32 {
            let b = entry.bounds;
            if entry.queues.is_none() {
                b.exempt_use(&entry.stats)
            } else if remaining <= min_sum {
                // Not even the unlendable seats fit: each keeps those.
                b.min
            } else if remaining <= guarantee_sum {
                // The guarantees do not fit: each gets its unlendable seats
                // and the same fraction of the rest of its guarantee.
                let share = (remaining - min_sum) / (guarantee_sum - min_sum);
                b.min + ((b.guarantee(&entry.stats) - b.min) as f64 * share).round() as u32
            } else {
                claim.map_or(b.nominal, |a| a.round() as u32)
            }
        };
        // Upstream divides the whole nominal sum among the limited levels
        // here, not what the exempt level left, and keeps the current
        // limits if the division fails.
        let allocs = if remaining > guarantee_sum {
            match borrowing::divide(nominal_sum, &claims) {
                Some((allocs, _)) => allocs,
                None => return self.limits_now(),
            }
        } else {
            Vec::new()
        };
        let mut allocs = allocs.into_iter();
        self.levels
            .iter()
            .map(|entry| {
                let claim = if entry.queues.is_some() {
                    allocs.next()
                } else {
                    None
                };
                limit(entry, claim)
            })
            .collect()
    }

    /// Each level's limit now, in `levels`' order (0 for exempt).
    fn limits_now(&self) -> Vec<u32> {
        self.levels
            .iter()
            .map(|l| {
                l.queues
                    .as_ref()
                    .map_or(0, |q| q.config().concurrency_limit)
            })
            .collect()
    }

    /// Adds the time since `limit_since` to every level's seats borrowed
    /// and lent.
    fn accrue(&mut self, now: Nanos) {
        let dt = now.saturating_sub(self.limit_since) as f64;
        self.limit_since = now;
        for entry in &mut self.levels {
            if let Some(queues) = &entry.queues {
                let current = queues.config().concurrency_limit as f64;
                let nominal = entry.bounds.nominal as f64;
                entry.borrowed += (current - nominal).max(0.0) * dt;
                entry.lent += (nominal - current).max(0.0) * dt;
            }
        }
    }

    /// Every limited level's seats: nominal, now, and borrowed and lent on
    /// average since the start.
    pub fn level_seats(&self, now: Nanos) -> Vec<LevelSeats> {
        let since = now.saturating_sub(self.limit_since) as f64;
        let elapsed = (now as f64).max(1.0);
        self.levels
            .iter()
            .filter_map(|l| {
                let current = l.queues.as_ref()?.config().concurrency_limit;
                let (seats, nominal) = (current as f64, l.bounds.nominal as f64);
                Some(LevelSeats {
                    name: LEVELS[l.level as usize].name,
                    nominal: l.bounds.nominal,
                    current,
                    mean_borrowed: (l.borrowed + (seats - nominal).max(0.0) * since) / elapsed,
                    mean_lent: (l.lent + (nominal - seats).max(0.0) * since) / elapsed,
                })
            })
            .collect()
    }
}
