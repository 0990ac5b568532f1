//! Per-class metrics: counters, latency distributions and the live windows.
//!
//! Two scopes are kept. `all` counts every request since time zero and is what
//! conservation is checked against. The *measured* statistics (summary counts,
//! waits, response-time distribution) cover only requests that arrived after
//! the warm-up, the usual way to remove the bias of starting empty.

use crate::sim::engine::histogram::LatencyHistogram;
use crate::sim::engine::time::{NANOS_PER_SEC, Nanos};
use crate::sim::engine::timeseries::WindowRing;
use serde::{Deserialize, Serialize};

/// Window length of the live time series [ns]: 1 s of simulated time.
pub const WINDOW: Nanos = NANOS_PER_SEC;
/// Closed windows kept for the charts: the last 60 s.
pub const WINDOWS_KEPT: usize = 60;

/// What happened to requests, by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub arrived: u64,
    pub completed: u64,
    /// turned away at once (full queue, HTTP 429)
    pub rejected: u64,
    /// gave up after waiting too long
    pub timed_out: u64,
}

impl Counts {
    /// Requests that arrived and have not finished one way or another.
    ///
    /// Saturating: in the measured scope a request's arrival and its end can
    /// fall on two sides of the warm-up (a webhook call that waited for a
    /// slot of the dedicated limit is judged by when it got the slot), so
    /// measured completions can exceed measured arrivals by a few. That
    /// underflowed (found by fuzzing); `all` is exact and is what
    /// conservation is checked on.
    pub fn in_flight(&self) -> u64 {
        self.arrived
            .saturating_sub(self.completed + self.rejected + self.timed_out)
    }
}

/// The statistics of one request class.
#[derive(Debug, Clone)]
pub struct ClassMetrics {
    pub name: String,
    /// every request since time zero
    pub all: Counts,
    /// requests that arrived after the warm-up
    pub measured: Counts,
    /// measured requests that started service
    started: u64,
    /// their summed queue wait [ns]
    queue_wait_sum: u128,
    /// response time (arrival to completion) of measured completions
    response: LatencyHistogram<u64>,
    /// the live view: every request, by the window it finished in
    pub windows: WindowRing,
}

impl ClassMetrics {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            all: Counts::default(),
            measured: Counts::default(),
            started: 0,
            queue_wait_sum: 0,
            response: LatencyHistogram::new(),
            windows: WindowRing::new(WINDOW, WINDOWS_KEPT),
        }
    }

    pub fn arrived(&mut self, measured: bool) {
        self.all.arrived += 1;
        self.measured.arrived += measured as u64;
    }

    pub fn rejected(&mut self, now: Nanos, measured: bool) {
        self.all.rejected += 1;
        self.measured.rejected += measured as u64;
        self.windows.record_rejection(now);
    }

    pub fn timed_out(&mut self, now: Nanos, measured: bool) {
        self.all.timed_out += 1;
        self.measured.timed_out += measured as u64;
        self.windows.record_timeout(now);
    }

    /// A request left the queue for service after waiting `queue_wait` [ns].
    pub fn started(&mut self, queue_wait: Nanos, measured: bool) {
        if measured {
            self.started += 1;
            self.queue_wait_sum += queue_wait as u128;
        }
    }

    /// A request completed at `now` [ns], `response` [ns] after it arrived.
    pub fn completed(&mut self, now: Nanos, response: Nanos, measured: bool) {
        self.all.completed += 1;
        if measured {
            self.measured.completed += 1;
            self.response.record(response);
        }
        self.windows.record_completion(now, response);
    }

    /// The response-time distribution of measured completions.
    pub fn response(&self) -> &LatencyHistogram<u64> {
        &self.response
    }

    /// Summary of the measured requests, as the CLI prints it.
    pub fn summary(&self) -> ClassSummary {
        let mean_queue_wait_s = if self.started == 0 {
            0.0
        } else {
            self.queue_wait_sum as f64 / self.started as f64 / NANOS_PER_SEC as f64
        };
        ClassSummary {
            arrived: self.measured.arrived,
            completed: self.measured.completed,
            rejected: self.measured.rejected,
            timed_out: self.measured.timed_out,
            in_flight: self.measured.in_flight(),
            mean_queue_wait_s,
            mean_response_s: self.response.mean(),
            p50_s: self.response.quantile(0.50),
            p90_s: self.response.quantile(0.90),
            p99_s: self.response.quantile(0.99),
        }
    }
}

/// The measured statistics of one request class (after warm-up).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClassSummary {
    pub arrived: u64,
    pub completed: u64,
    pub rejected: u64,
    pub timed_out: u64,
    /// arrived but neither completed, rejected nor timed out at the end
    pub in_flight: u64,
    /// mean wait in the queue of requests that reached a server [s]
    pub mean_queue_wait_s: f64,
    /// mean time from arrival to completion of completed requests [s]
    pub mean_response_s: f64,
    /// response-time quantiles of completed requests [s] (within 1%)
    pub p50_s: f64,
    pub p90_s: f64,
    pub p99_s: f64,
}
