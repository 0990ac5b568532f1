//! Seat borrowing between priority levels (KEP-1040's "borrowing", beta in
//! 1.26 and GA with `flowcontrol.apiserver.k8s.io/v1` in 1.29).
//!
//! Each limited level has a *nominal* concurrency limit (its share of the
//! server's), of which it may lend `lendablePercent` to others and beyond
//! which it may borrow up to `borrowingLimitPercent` (unlimited when unset,
//! as in every bootstrap level). Every 10 s the API server re-divides the
//! seats by the levels' recent *seat demand* (seats in use plus the seats
//! its waiting requests ask for):
//!
//! 1. each level's demand over the period gives its mean, standard
//!    deviation and high watermark; its *smoothed* demand is
//!    `max(mean + stddev, 0.977 × smoothed + 0.023 × (mean + stddev))`: it
//!    rises at once and decays with a half-life of 5 min;
//! 2. a level is guaranteed `max(minCL, min(nominalCL, high watermark))`
//!    (never less than what it cannot lend, and what it used of its own);
//!    the exempt level takes its high watermark off the top;
//! 3. the rest is shared by one *fair proportion* `p`: a level gets
//!    `p × max(guarantee, smoothed)`, clamped to `[guarantee, maxCL]`, with
//!    `p` chosen so that the limits sum to the server's (the sum of the
//!    nominal limits).
//!
//! Source: k8s.io/apiserver `pkg/util/flowcontrol/apf_controller.go`
//! (`updateBorrowingLocked`, `seatDemandStats.update`,
//! `finishQueueSetReconfigsLocked`), `conc_alloc.go`
//! (`computeConcurrencyAllocation`) and `fairqueuing/integrator.go`,
//! release 1.32. This file is a model of those, not a port.

use crate::sim::engine::time::Nanos;

/// How often the limits are re-divided (`borrowingAdjustmentPeriod`) [ns].
pub const ADJUSTMENT_PERIOD: Nanos = 10_000_000_000;

/// The weight of the past in the smoothed demand
/// (`seatDemandSmoothingCoefficient`: a half-life of 5 min at one step per
/// 10 s).
pub const SMOOTHING: f64 = 0.977;

/// A level's seat demand integrated over time since the last adjustment:
/// its time-weighted mean and variance and its maximum (`Integrator`).
#[derive(Debug, Clone, Default)]
pub struct DemandIntegrator {
    /// the demand now [seats]
    value: f64,
    /// when `value` was set [ns]
    since: Nanos,
    /// ∫ dt [s], ∫ x dt [seat·s], ∫ x² dt [seat²·s] since the last reset
    elapsed: f64,
    integral: f64,
    integral_sq: f64,
    max: f64,
}

/// One period's demand, as the integrator reports it at a reset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemandPeriod {
    /// [s]
    pub duration: f64,
    /// time-weighted mean [seats]
    pub mean: f64,
    /// time-weighted standard deviation [seats]
    pub std_dev: f64,
    /// [seats]
    pub max: f64,
}

impl DemandIntegrator {
    fn advance(&mut self, now: Nanos) {
        let dt = now.saturating_sub(self.since) as f64 / 1e9;
        self.since = now;
        self.elapsed += dt;
        self.integral += self.value * dt;
        self.integral_sq += self.value * self.value * dt;
    }

    /// The demand is `seats` from `now` on.
    pub fn set(&mut self, now: Nanos, seats: u32) {
        self.advance(now);
        self.value = seats as f64;
        self.max = self.max.max(self.value);
    }

    /// The period up to `now`; the next starts with the demand of now as
    /// its maximum.
    pub fn reset(&mut self, now: Nanos) -> DemandPeriod {
        self.advance(now);
        let (mean, std_dev) = if self.elapsed > 0.0 {
            let mean = self.integral / self.elapsed;
            let variance = self.integral_sq / self.elapsed - mean * mean;
            // Rounding can make a constant demand's variance slightly
            // negative; upstream then reports NaN and treats it as 0.
            (
                mean,
                if variance >= 0.0 {
                    variance.sqrt()
                } else {
                    0.0
                },
            )
        } else {
            (0.0, 0.0)
        };
        let period = DemandPeriod {
            duration: self.elapsed,
            mean,
            std_dev,
            max: self.max,
        };
        self.elapsed = 0.0;
        self.integral = 0.0;
        self.integral_sq = 0.0;
        self.max = self.value;
        period
    }
}

/// What the adjustments remember of a level's demand (`seatDemandStats`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DemandStats {
    /// the last period's maximum, rounded [seats]
    pub high_watermark: u32,
    /// [seats]
    pub smoothed: f64,
}

impl DemandStats {
    pub fn update(&mut self, period: DemandPeriod) {
        self.high_watermark = period.max.round() as u32;
        if period.duration <= 0.0 {
            return;
        }
        let envelope = period.mean + period.std_dev;
        self.smoothed = envelope.max(SMOOTHING * self.smoothed + (1.0 - SMOOTHING) * envelope);
    }
}

/// A level's bounds for the division [seats].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// its share of the server's limit
    pub nominal: u32,
    /// nominal less what it may lend
    pub min: u32,
    /// nominal plus what it may borrow
    pub max: u32,
}

impl Bounds {
    /// `finishQueueSetReconfigsLocked`: lendable and borrowing limits are
    /// rounded percentages of the nominal limit; no borrowing limit means
    /// the server's whole limit may be borrowed.
    pub fn new(
        nominal: u32,
        lendable_percent: u32,
        borrowing_limit_percent: Option<u32>,
        server_limit: u32,
    ) -> Self {
        let of_nominal = |percent: u32| (nominal as f64 * percent as f64 / 100.0).round() as u32;
        let lendable = of_nominal(lendable_percent.min(100));
        let borrowable = borrowing_limit_percent.map_or(server_limit, of_nominal);
        Self {
            nominal,
            min: nominal - lendable,
            max: nominal.saturating_add(borrowable),
        }
    }

    /// What a level is guaranteed after a period: what it cannot lend, or
    /// as much of its own seats as it used, if more.
    pub fn guarantee(&self, stats: &DemandStats) -> u32 {
        self.min.max(self.nominal.min(stats.high_watermark))
    }

    /// What the exempt level takes off the top: all it used, whatever its
    /// nominal share (0 in the bootstrap configuration).
    pub fn exempt_use(&self, stats: &DemandStats) -> u32 {
        self.min.max(stats.high_watermark)
    }
}

/// One level of the division: `target` is what it would like, and it gets
/// at least `lower` and at most `upper` [seats].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Claim {
    pub target: f64,
    pub lower: f64,
    pub upper: f64,
}

/// The smallest target the division works with (`MinTarget`): a level that
/// wants nothing still has a direction to grow in.
const MIN_TARGET: f64 = 0.001;

/// Divides `total` seats among `claims`: each gets `p × target` clamped to
/// its bounds, for the one fair proportion `p` that makes them sum to
/// `total`. Returns the allocations and `p`, or `None` when the bounds
/// cannot sum to `total`.
///
/// The sum is a continuous, non-decreasing, piecewise-linear function of
/// `p` that bends where some `p × target` meets a bound, so the answer is
/// found by walking the bends in order until the sum reaches `total`.
pub fn divide(total: f64, claims: &[Claim]) -> Option<(Vec<f64>, f64)> {
    const EPSILON: f64 = 1e-7;
    let targets: Vec<f64> = claims.iter().map(|c| c.target.max(MIN_TARGET)).collect();
    let lower_sum: f64 = claims.iter().map(|c| c.lower).sum();
    let upper_sum: f64 = claims.iter().map(|c| c.upper).sum();
    if claims
        .iter()
        .any(|c| c.lower < 0.0 || c.upper < c.lower || c.target < c.lower)
        || lower_sum - total > EPSILON
        || total - upper_sum > EPSILON
    {
        return None;
    }
    let clamp = |p: f64| -> Vec<f64> {
        claims
            .iter()
            .zip(&targets)
            .map(|(c, t)| (p * t).clamp(c.lower, c.upper))
            .collect()
    };
    if total <= lower_sum + EPSILON {
        return Some((claims.iter().map(|c| c.lower).collect(), 0.0));
    }
    if total >= upper_sum - EPSILON {
        return Some((claims.iter().map(|c| c.upper).collect(), f64::INFINITY));
    }
    // The bends, each with the change of slope it brings: a claim starts
    // following p at lower / target and stops at upper / target.
    let mut bends: Vec<(f64, f64)> = Vec::with_capacity(2 * claims.len());
    for (c, &t) in claims.iter().zip(&targets) {
        bends.push((c.lower / t, t));
        bends.push((c.upper / t, -t));
    }
    // An insertion sort: a division has at most a few dozen bends, and the
    // standard library's sorts on floats add kilobytes to the page's module.
    for i in 1..bends.len() {
        let mut j = i;
        while j > 0 && bends[j - 1].0 > bends[j].0 {
            bends.swap(j - 1, j);
            j -= 1;
        }
    }
    let (mut p, mut sum, mut slope) = (bends[0].0, lower_sum, 0.0);
    for &(at, change) in &bends {
        if at > p && slope > 0.0 {
            let reach = sum + (at - p) * slope;
            if reach >= total {
                p += (total - sum) / slope;
                return Some((clamp(p), p));
            }
            sum = reach;
        }
        p = p.max(at);
        slope += change;
    }
    Some((clamp(p), p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(target: f64, lower: f64, upper: f64) -> Claim {
        Claim {
            target,
            lower,
            upper,
        }
    }

    fn sum(allocs: &[f64]) -> f64 {
        allocs.iter().sum()
    }

    /// `conc_alloc_test.go`'s properties: the allocations sum to the total,
    /// each is within its bounds, and each is either `p × target` or at a
    /// bound that `p × target` is beyond.
    fn check(total: f64, claims: &[Claim]) -> Vec<f64> {
        let (allocs, p) = divide(total, claims).expect("feasible");
        assert!(
            (sum(&allocs) - total).abs() < 1e-6,
            "{allocs:?} sums to {total}"
        );
        for (a, c) in allocs.iter().zip(claims) {
            let fair = p * c.target.max(MIN_TARGET);
            assert!(c.lower - 1e-9 <= *a && *a <= c.upper + 1e-9, "{a} in {c:?}");
            let at_fair = (a - fair).abs() < 1e-6;
            let held_up = (a - c.lower).abs() < 1e-9 && c.lower >= fair - 1e-9;
            let held_down = (a - c.upper).abs() < 1e-9 && c.upper <= fair + 1e-9;
            assert!(at_fair || held_up || held_down, "{a} vs p × target {fair}");
        }
        allocs
    }

    #[test]
    fn without_bounds_in_the_way_seats_go_in_proportion_to_targets() {
        let allocs = check(
            100.0,
            &[
                claim(10.0, 0.0, 1e9),
                claim(30.0, 0.0, 1e9),
                claim(60.0, 0.0, 1e9),
            ],
        );
        assert_eq!(allocs, vec![10.0, 30.0, 60.0]);
        let allocs = check(200.0, &[claim(10.0, 0.0, 1e9), claim(30.0, 0.0, 1e9)]);
        assert_eq!(allocs, vec![50.0, 150.0]);
    }

    #[test]
    fn a_capped_level_leaves_the_rest_to_the_others() {
        let allocs = check(
            100.0,
            &[
                claim(50.0, 0.0, 20.0),
                claim(25.0, 0.0, 1e9),
                claim(25.0, 0.0, 1e9),
            ],
        );
        assert_eq!(allocs, vec![20.0, 40.0, 40.0]);
    }

    #[test]
    fn a_floor_holds_when_its_level_wants_little() {
        let allocs = check(
            100.0,
            &[
                claim(40.0, 40.0, 100.0),
                claim(100.0, 0.0, 1e3),
                claim(100.0, 0.0, 1e3),
            ],
        );
        assert_eq!(allocs, vec![40.0, 30.0, 30.0]);
    }

    /// The three kinds of problem upstream's `TestConcAlloc` draws: sums
    /// pinned at the lower bounds, sums pinned at the upper bounds, and free
    /// ones; a quarter of them with extra levels that want nothing.
    #[test]
    fn many_random_problems_hold_the_properties() {
        let mut rng = crate::sim::engine::random::SimRng::new(7);
        for round in 0..3_000 {
            let n = [1, 2, 3, 4, 6, 9][rng.below(6) as usize];
            let mut claims: Vec<Claim> = (0..n)
                .map(|_| {
                    let lower = (rng.uniform() * 5.0 - 1.0).max(0.0);
                    claim(
                        lower + 2.0 * rng.uniform(),
                        lower,
                        lower + 3.0 * rng.uniform(),
                    )
                })
                .collect();
            let low: f64 = claims.iter().map(|c| c.lower).sum();
            let high: f64 = claims.iter().map(|c| c.upper).sum();
            let total = match round % 3 {
                0 => low,
                1 => high,
                _ => low + (high - low) * rng.uniform(),
            };
            while rng.uniform() < 0.25 {
                claims.push(claim(0.0, 0.0, rng.uniform() + 1e-5));
            }
            // A target below its lower bound never comes from a level.
            for c in &mut claims {
                c.target = c.target.max(c.lower);
            }
            check(total, &claims);
        }
    }

    #[test]
    fn infeasible_bounds_are_refused() {
        assert!(divide(10.0, &[claim(20.0, 20.0, 30.0)]).is_none());
        assert!(divide(40.0, &[claim(20.0, 0.0, 30.0)]).is_none());
    }

    #[test]
    fn the_integrator_weights_demand_by_time() {
        let mut demand = DemandIntegrator::default();
        demand.set(0, 10);
        demand.set(2_000_000_000, 30); // 10 seats for 2 s
        let period = demand.reset(4_000_000_000); // 30 seats for 2 s
        assert_eq!(period.duration, 4.0);
        assert_eq!(period.mean, 20.0);
        assert_eq!(period.std_dev, 10.0);
        assert_eq!(period.max, 30.0);
        let next = demand.reset(5_000_000_000);
        assert_eq!((next.mean, next.std_dev, next.max), (30.0, 0.0, 30.0));
    }

    #[test]
    fn smoothed_demand_rises_at_once_and_decays_with_a_five_minute_half_life() {
        let mut stats = DemandStats::default();
        let busy = DemandPeriod {
            duration: 10.0,
            mean: 80.0,
            std_dev: 20.0,
            max: 120.0,
        };
        stats.update(busy);
        assert_eq!((stats.high_watermark, stats.smoothed), (120, 100.0));
        let idle = DemandPeriod {
            duration: 10.0,
            mean: 0.0,
            std_dev: 0.0,
            max: 0.0,
        };
        for _ in 0..30 {
            stats.update(idle);
        }
        // 30 periods of 10 s: 0.977^30 ≈ 0.497.
        assert!((stats.smoothed - 49.7).abs() < 0.1, "{}", stats.smoothed);
    }

    #[test]
    fn bounds_follow_the_bootstrap_percentages() {
        // node-high: 98 nominal seats of 600, 25 % lendable: round(24.5) = 25.
        assert_eq!(
            Bounds::new(98, 25, None, 600),
            Bounds {
                nominal: 98,
                min: 73,
                max: 698
            }
        );
        assert_eq!(Bounds::new(49, 50, Some(100), 600).max, 98);
    }
}
