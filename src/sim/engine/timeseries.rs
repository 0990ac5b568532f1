//! A ring of per-window statistics: the data behind the live charts.
//!
//! Simulated time is cut into windows of equal length (1 s by default). The
//! ring keeps the current window and the last `closed` ones; older windows
//! are overwritten, so memory is fixed. A closed window's quantiles are
//! computed the first time they are read and kept, so drawing a 60-point
//! chart each frame costs 60 reads, not 60 histogram walks, and a batch run
//! that never draws never pays for them.

use crate::sim::engine::histogram::LatencyHistogram;
use crate::sim::engine::time::Nanos;
use std::cell::Cell;

/// What one window saw, summarised when it closed.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WindowSummary {
    /// start of the window [ns]
    pub start: Nanos,
    /// requests that completed in the window
    pub completed: u64,
    /// requests rejected (HTTP 429 or a full queue) in the window
    pub rejected: u64,
    /// requests that timed out in the window
    pub timed_out: u64,
    /// latency quantiles of the requests completed in the window [s]
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    /// mean latency of the requests completed in the window [s]
    pub mean: f64,
}

#[derive(Debug, Clone, Default)]
struct Window {
    /// start and counts; the latency fields are filled in when read
    summary: WindowSummary,
    latency: LatencyHistogram<u32>,
    /// the full summary, once computed for a closed window (which no longer
    /// changes); cleared when the slot is reused
    closed: Cell<Option<WindowSummary>>,
}

impl Window {
    /// The summary with the latency statistics filled in from the histogram.
    fn summarised(&self) -> WindowSummary {
        let [p50, p90, p99] = self.latency.quantiles([0.5, 0.9, 0.99]);
        WindowSummary {
            p50,
            p90,
            p99,
            mean: self.latency.mean(),
            ..self.summary
        }
    }

    /// The summary of a closed window, computed once.
    fn closed_summary(&self) -> WindowSummary {
        if let Some(summary) = self.closed.get() {
            return summary;
        }
        let summary = self.summarised();
        self.closed.set(Some(summary));
        summary
    }
}

/// The last few windows of one request class.
#[derive(Debug, Clone)]
pub struct WindowRing {
    /// window length [ns]
    length: Nanos,
    slots: Vec<Window>,
    /// index of the current window (time / length)
    current: u64,
    /// the current window's slot and end [ns]: events come in time order, so
    /// almost every record lands here without a division
    current_slot: usize,
    current_end: Nanos,
}

impl WindowRing {
    /// A ring of windows of `length` [ns] keeping `closed` finished windows.
    pub fn new(length: Nanos, closed: usize) -> Self {
        let length = length.max(1);
        let slots = (0..=closed).map(|_| Window::default()).collect();
        Self {
            length,
            slots,
            current: 0,
            current_slot: 0,
            current_end: length,
        }
    }

    /// Window length [ns].
    pub fn length(&self) -> Nanos {
        self.length
    }

    /// Moves the current window forward to the one holding `time`, closing
    /// the windows passed over.
    #[inline(always)]
    pub fn roll_to(&mut self, time: Nanos) {
        if time >= self.current_end {
            self.roll_forward(time);
        }
    }

    #[cold]
    fn roll_forward(&mut self, time: Nanos) {
        let target = time / self.length;
        if target <= self.current {
            return;
        }
        // Only the last `slots.len()` windows can still be seen.
        let first_new = target
            .saturating_sub(self.slots.len() as u64 - 1)
            .max(self.current + 1);
        for index in first_new..=target {
            let slot = self.slot(index);
            let window = &mut self.slots[slot];
            window.latency.reset();
            window.closed.set(None);
            window.summary = WindowSummary {
                start: index * self.length,
                ..WindowSummary::default()
            };
        }
        self.current = target;
        self.current_slot = self.slot(target);
        self.current_end = (target + 1).saturating_mul(self.length);
    }

    fn slot(&self, index: u64) -> usize {
        (index % self.slots.len() as u64) as usize
    }

    #[inline(always)]
    fn window_at(&mut self, time: Nanos) -> Option<&mut Window> {
        self.roll_to(time);
        if time >= self.current_end - self.length {
            return Some(&mut self.slots[self.current_slot]);
        }
        let index = time / self.length;
        // Events are handled in time order, so `index` is never behind by
        // more than the ring; a stale index is dropped rather than misfiled.
        if index + (self.slots.len() as u64) <= self.current {
            return None;
        }
        let slot = self.slot(index);
        Some(&mut self.slots[slot])
    }

    /// A request completed at `time` [ns] after `latency` [ns].
    #[inline(always)]
    pub fn record_completion(&mut self, time: Nanos, latency: Nanos) {
        if let Some(window) = self.window_at(time) {
            window.summary.completed += 1;
            window.latency.record(latency);
        }
    }

    /// A request was rejected at `time` [ns].
    pub fn record_rejection(&mut self, time: Nanos) {
        if let Some(window) = self.window_at(time) {
            window.summary.rejected += 1;
        }
    }

    /// A request timed out at `time` [ns].
    pub fn record_timeout(&mut self, time: Nanos) {
        if let Some(window) = self.window_at(time) {
            window.summary.timed_out += 1;
        }
    }

    /// Summaries of the closed windows in the ring, oldest first, followed by
    /// the current (still open) window summarised as of now.
    pub fn windows(&self) -> Vec<WindowSummary> {
        let kept = (self.slots.len() as u64).min(self.current + 1);
        let first = self.current + 1 - kept;
        (first..=self.current)
            .map(|index| {
                let window = &self.slots[self.slot(index)];
                if index == self.current {
                    window.summarised()
                } else {
                    window.closed_summary()
                }
            })
            .collect()
    }

    /// Adds the last `count` windows (the current one included) to
    /// `latencies`, and returns when the oldest of them began and their
    /// 429s and timeouts: the source of the "last 10 s" readouts. Merging
    /// into the caller's histogram lets one histogram gather several classes
    /// each frame without a temporary one for each.
    pub fn merge_recent(&self, count: usize, latencies: &mut LatencyHistogram<u32>) -> Recent {
        let kept = (self.slots.len() as u64)
            .min(self.current + 1)
            .min(count.max(1) as u64);
        let first = self.current + 1 - kept;
        let mut recent = Recent {
            start: first * self.length,
            rejected: 0,
            timed_out: 0,
        };
        for index in first..=self.current {
            let window = &self.slots[self.slot(index)];
            latencies.merge(&window.latency);
            recent.rejected += window.summary.rejected;
            recent.timed_out += window.summary.timed_out;
        }
        recent
    }
}

/// The last few windows of a ring, taken together (see
/// [`WindowRing::merge_recent`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recent {
    /// start of the oldest window [ns]
    pub start: Nanos,
    /// requests rejected in them
    pub rejected: u64,
    /// requests timed out in them
    pub timed_out: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    const S: Nanos = 1_000_000_000;

    #[test]
    fn windows_close_and_summarise() {
        let mut ring = WindowRing::new(S, 3);
        ring.record_completion(S / 2, 10_000_000);
        ring.record_completion(S + 1, 30_000_000);
        ring.record_rejection(S + 2);
        ring.record_timeout(2 * S);
        let windows = ring.windows();
        assert_eq!(windows.len(), 3);
        assert_eq!(windows[0].completed, 1);
        assert!((windows[0].p50 - 0.010).abs() < 1e-4);
        assert_eq!((windows[1].completed, windows[1].rejected), (1, 1));
        assert_eq!((windows[2].start, windows[2].timed_out), (2 * S, 1));
        let mut latencies = LatencyHistogram::new();
        let recent = ring.merge_recent(2, &mut latencies);
        assert_eq!((recent.start, recent.rejected, recent.timed_out), (S, 1, 1));
        assert_eq!(latencies.count(), 1);
    }

    #[test]
    fn old_windows_are_forgotten_and_memory_is_fixed() {
        let mut ring = WindowRing::new(S, 60);
        for second in 0..10_000u64 {
            ring.record_completion(second * S, 1_000_000);
        }
        let windows = ring.windows();
        assert_eq!(windows.len(), 61);
        assert_eq!(windows[0].start, (10_000 - 61) * S);
        assert!(windows.iter().all(|w| w.completed == 1));
        let mut recent = LatencyHistogram::new();
        let since = ring.merge_recent(10, &mut recent).start;
        assert_eq!((recent.count(), since), (10, 9_990 * S));
    }

    #[test]
    fn a_long_jump_clears_everything() {
        let mut ring = WindowRing::new(S, 5);
        ring.record_completion(0, 1);
        ring.roll_to(1_000 * S);
        assert!(ring.windows().iter().all(|w| w.completed == 0));
        assert_eq!(ring.windows().last().map(|w| w.start), Some(1_000 * S));
    }
}
