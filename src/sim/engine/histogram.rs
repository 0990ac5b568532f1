//! Latency histograms of fixed size, whatever the run length.
//!
//! The layout is HdrHistogram's: with two significant digits, any recorded
//! latency between 1 µs and 1 h is known to within 1%, in a few kilobytes
//! that never grow. Means are kept exactly on the side, as an integer sum of
//! nanoseconds, so the queueing-theory checks compare exact means, not
//! bucket midpoints.
//!
//! Why our own code rather than the `hdrhistogram` crate (which gives the
//! same buckets and the same quantiles, checked by a test below): a live
//! chart keeps one histogram per class per 1-second window, and a textbook
//! station at 9 requests/s closes a window every 9 requests. The crate's
//! `reset` clears all 3,287 counters and its quantiles walk them from the
//! first, so that bookkeeping cost 30 times the simulation itself. Here each
//! histogram remembers the range of counters in use: reset, merge and the
//! quantile walk touch only that range.

use crate::sim::engine::time::{NANOS_PER_SEC, Nanos};
use std::fmt::Debug;

/// Smallest latency told apart from zero [µs].
const LOWEST: u64 = 1;
/// Largest latency recorded without clamping [µs]: one hour.
const HIGHEST: u64 = 3_600 * 1_000_000;
const NANOS_PER_MICRO: u64 = 1_000;

// HdrHistogram's layout for a unit of 1 µs and two significant digits: each
// power-of-two bucket has 256 sub-buckets (the smallest power of two ≥ 2 ×
// 10²), of which buckets after the first use the upper half (128).
const SUB_BUCKET_HALF_MAGNITUDE: u32 = 7;
const SUB_BUCKET_HALF: u64 = 1 << SUB_BUCKET_HALF_MAGNITUDE;
const SUB_BUCKET_MASK: u64 = 2 * SUB_BUCKET_HALF - 1;
const LEADING_ZERO_BASE: u32 = 64 - SUB_BUCKET_HALF_MAGNITUDE - 1;
/// Counters needed to reach `HIGHEST`.
const COUNTS: usize = index_of(HIGHEST) + 1;
/// The first samples' counters are remembered, so emptying a histogram that
/// holds only a few (a quiet 1-second window) clears just those.
const REMEMBERED: usize = 16;

/// The power-of-two bucket of `value` [µs].
const fn bucket_of(value: u64) -> u32 {
    LEADING_ZERO_BASE - (value | SUB_BUCKET_MASK).leading_zeros()
}

/// The counter that holds `value` [µs].
const fn index_of(value: u64) -> usize {
    let bucket = bucket_of(value);
    let sub_bucket = value >> bucket;
    (((bucket as u64 + 1) << SUB_BUCKET_HALF_MAGNITUDE) + sub_bucket - SUB_BUCKET_HALF) as usize
}

/// The smallest value [µs] counted by counter `index`.
fn lowest_of(index: usize) -> u64 {
    let bucket = (index >> SUB_BUCKET_HALF_MAGNITUDE) as u64;
    let sub_bucket = index as u64 & (SUB_BUCKET_HALF - 1);
    match bucket {
        0 => sub_bucket,
        _ => (sub_bucket + SUB_BUCKET_HALF) << (bucket - 1),
    }
}

/// The largest value [µs] counted by counter `index` (what HdrHistogram
/// reports as a quantile).
fn highest_of(index: usize) -> u64 {
    let lowest = lowest_of(index);
    lowest + (1 << bucket_of(lowest)) - 1
}

/// A bucket counter: `u32` for short windows (half the memory), `u64` for
/// whole-run totals that may pass four billion.
pub trait Counter: Copy + Default + Debug + PartialEq + 'static {
    const ONE: Self;
    fn saturating_add(self, other: Self) -> Self;
    fn as_u64(self) -> u64;
}

impl Counter for u32 {
    const ONE: Self = 1;
    fn saturating_add(self, other: Self) -> Self {
        u32::saturating_add(self, other)
    }
    fn as_u64(self) -> u64 {
        self as u64
    }
}

impl Counter for u64 {
    const ONE: Self = 1;
    fn saturating_add(self, other: Self) -> Self {
        u64::saturating_add(self, other)
    }
    fn as_u64(self) -> u64 {
        self
    }
}

/// A latency distribution: counts by bucket, exact count, sum and maximum.
#[derive(Debug, Clone)]
pub struct LatencyHistogram<C: Counter = u64> {
    /// one counter per bucket, allocated in full at creation so memory does
    /// not change during a run
    counts: Box<[C]>,
    /// lowest and highest counter in use; (COUNTS, 0) when empty
    first: usize,
    last: usize,
    /// the counters of the first `REMEMBERED` samples recorded since the
    /// last reset, and how many there were (`REMEMBERED + 1`: too many)
    touched: [u16; REMEMBERED],
    touched_len: u8,
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
        Self {
            counts: vec![C::default(); COUNTS].into_boxed_slice(),
            first: COUNTS,
            last: 0,
            touched: [0; REMEMBERED],
            touched_len: 0,
            count: 0,
            sum: 0,
            max: 0,
        }
    }

    /// Records one latency [ns]. Latencies past one hour count as one hour in
    /// the quantiles (they stay exact in the mean and maximum).
    #[inline(always)]
    pub fn record(&mut self, latency: Nanos) {
        let micros = (latency / NANOS_PER_MICRO).clamp(LOWEST, HIGHEST);
        let index = index_of(micros);
        // `micros` ≤ HIGHEST, so `index` < COUNTS; `get_mut` keeps this free of panics.
        if let Some(counter) = self.counts.get_mut(index) {
            // A counter saturates rather than wraps (four billion in a window).
            *counter = counter.saturating_add(C::ONE);
        }
        // `reset` leaves (first, last) = (COUNTS, 0), so no branch here.
        self.first = self.first.min(index);
        self.last = self.last.max(index);
        let remembered = self.touched_len as usize;
        if let Some(touched) = self.touched.get_mut(remembered) {
            *touched = index as u16; // index < COUNTS < 2^16
        }
        self.touched_len = (remembered + 1).min(REMEMBERED + 1) as u8;
        self.count += 1;
        self.sum += latency as u128;
        self.max = self.max.max(latency);
    }

    /// The counters in use, with the index of the first.
    fn used(&self) -> (usize, &[C]) {
        match self.count {
            0 => (0, &[]),
            _ => (self.first, &self.counts[self.first..=self.last]),
        }
    }

    /// Adds every sample of `other` to this histogram.
    pub fn merge(&mut self, other: &LatencyHistogram<C>) {
        if other.count == 0 {
            return;
        }
        let (first, counts) = other.used();
        for (mine, &theirs) in self.counts[first..].iter_mut().zip(counts) {
            *mine = mine.saturating_add(theirs);
        }
        self.first = self.first.min(other.first);
        self.last = self.last.max(other.last);
        // Merged samples are not remembered one by one: `reset` will clear
        // the whole range in use.
        self.touched_len = REMEMBERED as u8 + 1;
        self.count += other.count;
        self.sum += other.sum;
        self.max = self.max.max(other.max);
    }

    /// Empties the histogram, clearing only the counters in use.
    pub fn reset(&mut self) {
        match self.touched.get(..self.touched_len as usize) {
            Some(touched) => {
                for &index in touched {
                    if let Some(counter) = self.counts.get_mut(index as usize) {
                        *counter = C::default();
                    }
                }
            }
            None => self.counts[self.first..=self.last].fill(C::default()),
        }
        (self.first, self.last) = (COUNTS, 0);
        self.touched_len = 0;
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
        self.quantiles([q])[0]
    }

    /// Several quantiles in one pass (fastest in ascending order) [s].
    ///
    /// The same values as HdrHistogram's `value_at_quantile`: the top of the
    /// bucket holding the sample of rank ⌈q·n⌉ (at least 1), capped at the
    /// largest latency recorded.
    pub fn quantiles<const N: usize>(&self, qs: [f64; N]) -> [f64; N] {
        let mut out = [0.0; N];
        if self.count == 0 {
            return out;
        }
        let (first, counts) = self.used();
        // The walk so far: the last counter read, the samples before it
        // and up to it.
        let (mut at, mut before, mut below) = (None::<usize>, 0u64, 0u64);
        for (slot, q) in out.iter_mut().zip(qs) {
            let q = q.clamp(0.0, 1.0);
            let rank = ((q * self.count as f64).ceil() as u64).max(1);
            if let Some(offset) = at
                && rank <= below
            {
                if rank > before {
                    // In the counter where the previous quantile stopped.
                    *slot = self.report_at(first + offset, q);
                    continue;
                }
                // Out of order: walk again from the start.
                (at, before, below) = (None, 0, 0);
            }
            // Only saturated counters can fall short of the rank.
            *slot = self.max_secs();
            let start = at.map_or(0, |i| i + 1);
            for (offset, counter) in counts.iter().enumerate().skip(start) {
                before = below;
                below += counter.as_u64();
                at = Some(offset);
                if below >= rank {
                    *slot = self.report_at(first + offset, q);
                    break;
                }
            }
        }
        out
    }

    /// The quantile reported at counter `index` [s].
    fn report_at(&self, index: usize, q: f64) -> f64 {
        let micros = if q == 0.0 {
            lowest_of(index)
        } else {
            highest_of(index)
        };
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
            let at_or_below = self.count_up_to(index_of(micros.clamp(LOWEST, HIGHEST)));
            counts.push(at_or_below.saturating_sub(below));
            below = at_or_below;
        }
        counts.push(self.count.saturating_sub(below));
        counts
    }

    /// Samples in counters 0 to `index`, inclusive.
    fn count_up_to(&self, index: usize) -> u64 {
        let (first, counts) = self.used();
        let end = (index + 1).saturating_sub(first).min(counts.len());
        counts[..end].iter().map(|c| c.as_u64()).sum()
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
        assert!(a.counts.iter().all(|&c| c == 0));
        a.record(5_000_000);
        assert!((a.quantile(0.5) - 0.005).abs() < 1e-4);
        // Both ways of clearing: the remembered counters, and the range.
        for samples in [3u64, 16, 17, 500] {
            for i in 0..samples {
                a.record((i + 1) * 7_777_777);
            }
            a.reset();
            assert!(a.counts.iter().all(|&c| c == 0), "{samples} samples");
        }
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

    /// Same buckets, quantiles and bucket counts as the `hdrhistogram` crate
    /// with the layout this module copies, on samples spread over every
    /// order of magnitude, through merges and resets.
    #[test]
    fn agrees_with_hdrhistogram() {
        use crate::sim::SimRng;
        let mut rng = SimRng::new(11);
        let qs = [0.0, 0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0];
        let bounds = [0.000_5, 0.005, 0.1, 1.0, 7.5, 60.0, 4_000.0];
        let mut merged: LatencyHistogram<u32> = LatencyHistogram::new();
        let mut reference: hdrhistogram::Histogram<u32> =
            hdrhistogram::Histogram::new_with_bounds(LOWEST, HIGHEST, 2).expect("valid bounds");
        for round in 0..40u64 {
            let mut ours: LatencyHistogram<u32> = LatencyHistogram::new();
            let mut theirs: hdrhistogram::Histogram<u32> =
                hdrhistogram::Histogram::new_with_bounds(LOWEST, HIGHEST, 2).expect("valid bounds");
            let samples = 1 + rng.below(round * 50 + 1);
            for _ in 0..samples {
                // log-uniform from 1 ns to about 3 h
                let latency = libm::exp(rng.uniform() * 30.0) as u64;
                ours.record(latency);
                theirs.saturating_record((latency / NANOS_PER_MICRO).clamp(LOWEST, HIGHEST));
            }
            let cap =
                |micros: u64, h: &LatencyHistogram<u32>| (micros as f64 / 1e6).min(h.max_secs());
            for (q, got) in qs.iter().zip(ours.quantiles(qs)) {
                assert_eq!(
                    got,
                    cap(theirs.value_at_quantile(*q), &ours),
                    "q{q} round {round}"
                );
                assert_eq!(ours.quantile(*q), got);
            }
            let expected: Vec<u64> = {
                let mut below = 0;
                let mut counts: Vec<u64> = bounds
                    .iter()
                    .map(|b| {
                        let at = theirs.count_between(0, ((b * 1e6) as u64).clamp(LOWEST, HIGHEST));
                        let n = at - below;
                        below = at;
                        n
                    })
                    .collect();
                counts.push(theirs.len() - below);
                counts
            };
            assert_eq!(ours.bucket_counts(&bounds), expected, "round {round}");
            merged.merge(&ours);
            reference.add(&theirs).expect("same bounds");
            for (q, got) in qs.iter().zip(merged.quantiles(qs)) {
                assert_eq!(
                    got,
                    cap(reference.value_at_quantile(*q), &merged),
                    "merged q{q}"
                );
            }
            if round % 7 == 6 {
                merged.reset();
                reference.reset();
            }
        }
    }
}
