//! Latency histograms of fixed size, whatever the run length.
//!
//! An HdrHistogram keeps counts in logarithmically sized buckets: with two
//! significant digits, any recorded latency between 1 µs and 1 h is known to
//! within 1%, in a few kilobytes that never grow. Means are kept exactly on
//! the side, as an integer sum of nanoseconds, so the queueing-theory checks
//! compare exact means, not bucket midpoints.

use super::time::{NANOS_PER_SEC, Nanos};
use hdrhistogram::{Counter, Histogram};

/// Smallest latency told apart from zero [µs].
const LOWEST: u64 = 1;
/// Largest latency recorded without clamping [µs]: one hour.
const HIGHEST: u64 = 3_600 * 1_000_000;
/// Significant decimal digits kept: relative error at most 1%.
const SIGNIFICANT_DIGITS: u8 = 2;
const NANOS_PER_MICRO: u64 = 1_000;

/// A latency distribution: counts by bucket, exact count, sum and maximum.
///
/// `C` is the bucket counter: `u32` for short windows (half the memory),
/// `u64` for whole-run totals that may pass four billion.
#[derive(Debug, Clone)]
pub struct LatencyHistogram<C: Counter = u64> {
    buckets: Histogram<C>,
    count: u64,
    /// sum of all recorded latencies [ns]
    sum: u128,
    /// largest recorded latency [ns]
    max: Nanos,
}

impl<C: Counter> Default for LatencyHistogram<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: Counter> LatencyHistogram<C> {
    pub fn new() -> Self {
        let buckets = Histogram::new_with_bounds(LOWEST, HIGHEST, SIGNIFICANT_DIGITS)
            .expect("constant histogram bounds are valid");
        Self {
            buckets,
            count: 0,
            sum: 0,
            max: 0,
        }
    }

    /// Records one latency [ns]. Latencies past one hour count as one hour in
    /// the quantiles (they stay exact in the mean and maximum).
    pub fn record(&mut self, latency: Nanos) {
        let micros = (latency / NANOS_PER_MICRO).clamp(LOWEST, HIGHEST);
        // Only a counter overflow can fail here; saturate rather than panic.
        self.buckets.saturating_record(micros);
        self.count += 1;
        self.sum += latency as u128;
        self.max = self.max.max(latency);
    }

    /// Adds every sample of `other` to this histogram.
    pub fn merge(&mut self, other: &LatencyHistogram<C>) {
        // Same bounds on both sides, so `add` cannot fail.
        let _ = self.buckets.add(&other.buckets);
        self.count += other.count;
        self.sum += other.sum;
        self.max = self.max.max(other.max);
    }

    pub fn reset(&mut self) {
        // An empty histogram's buckets are all zero already (only `record`
        // and `merge` fill them, and both count): skip clearing its few
        // kilobytes. A sparse class jumping over a ring of empty windows
        // otherwise pays that for every window, on every completion.
        if self.count == 0 {
            return;
        }
        self.buckets.reset();
        self.count = 0;
        self.sum = 0;
        self.max = 0;
    }

    /// Number of recorded latencies.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The latency below which a fraction `q` of samples fall [s]; 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let micros = self.buckets.value_at_quantile(q.clamp(0.0, 1.0));
        // The bucket's upper edge can overshoot the true maximum; never report more.
        (micros as f64 / 1e6).min(self.max_secs())
    }

    /// The exact mean latency [s]; 0 when empty.
    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        (self.sum as f64 / self.count as f64) / NANOS_PER_SEC as f64
    }

    /// The largest recorded latency [s].
    pub fn max_secs(&self) -> f64 {
        self.max as f64 / NANOS_PER_SEC as f64
    }

    /// Counts per bucket for the given upper bounds [s] (Prometheus-style,
    /// non-cumulative): element i counts latencies in (bound[i-1], bound[i]],
    /// and one last element counts those above the last bound.
    pub fn bucket_counts(&self, upper_bounds: &[f64]) -> Vec<u64> {
        let mut counts = Vec::with_capacity(upper_bounds.len() + 1);
        let mut below = 0u64;
        for &bound in upper_bounds {
            let micros = (bound * 1e6) as u64;
            let at_or_below = self.buckets.count_between(0, micros.clamp(LOWEST, HIGHEST));
            counts.push(at_or_below.saturating_sub(below));
            below = at_or_below;
        }
        counts.push(self.count.saturating_sub(below));
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_within_one_percent() {
        let mut h: LatencyHistogram = LatencyHistogram::new();
        for ms in 1..=1000u64 {
            h.record(ms * 1_000_000);
        }
        for (q, expect) in [(0.5, 0.5), (0.9, 0.9), (0.99, 0.99)] {
            let got = h.quantile(q);
            assert!((got / expect - 1.0).abs() < 0.01, "q{q}: {got} vs {expect}");
        }
        assert!((h.mean() - 0.5005).abs() < 1e-12);
        assert_eq!(h.count(), 1000);
    }

    #[test]
    fn merge_and_reset() {
        let mut a: LatencyHistogram<u32> = LatencyHistogram::new();
        let mut b: LatencyHistogram<u32> = LatencyHistogram::new();
        a.record(1_000_000);
        b.record(3_000_000);
        a.merge(&b);
        assert_eq!(a.count(), 2);
        assert!((a.mean() - 0.002).abs() < 1e-12);
        a.reset();
        assert_eq!((a.count(), a.quantile(0.5), a.mean()), (0, 0.0, 0.0));
    }

    #[test]
    fn extreme_values_are_clamped_not_lost() {
        let mut h: LatencyHistogram = LatencyHistogram::new();
        h.record(0);
        h.record(u64::MAX / 2);
        assert_eq!(h.count(), 2);
        assert!(h.quantile(1.0) <= 3_600.0 + 40.0);
        assert_eq!(h.bucket_counts(&[0.005, 1.0]), vec![1, 0, 1]);
    }
}
