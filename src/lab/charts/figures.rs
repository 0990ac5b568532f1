//! What each live chart shows, computed from a run's metrics and snapshot:
//! plain series (seconds before now, value), drawn by the charts.

use super::{APISERVER_BUCKETS, SPAN_SECONDS};
use crate::lab::readouts::{READOUT_WINDOWS, api_classes};
use crate::lab::view::{ChartClass, Guide};
use crate::sim::models::flow_control::LimitSnapshot;
use crate::sim::{LatencyHistogram, Nanos, Simulation, WindowSummary, to_secs};
use std::collections::VecDeque;

/// Queue depths are sampled this often for their chart [s of simulated time].
pub const QUEUE_SAMPLE_SECONDS: f64 = 0.25;

/// A line: (seconds before now, value) per point.
pub type Line = Vec<(f64, f64)>;

/// Points (seconds before now, value) of closed windows, plus the open
/// window once it is half full.
fn points(
    windows: &[WindowSummary],
    length: Nanos,
    now: Nanos,
    pick: impl Fn(&WindowSummary) -> f64,
) -> Line {
    windows
        .iter()
        .filter(|w| now - w.start >= length / 2)
        .map(|w| (-to_secs(now - (w.start + length).min(now)), pick(w)))
        .collect()
}

/// A quantile of each window (`pick`), 0 where no request completed.
fn quantile(
    windows: &[WindowSummary],
    length: Nanos,
    now: Nanos,
    pick: fn(&WindowSummary) -> f64,
) -> Line {
    points(windows, length, now, move |w| {
        if w.completed > 0 { pick(w) } else { 0.0 }
    })
}

/// The API classes' live windows, in `MetricClass::API`'s order (the
/// latency and rates charts share them).
pub fn api_windows(sim: &Simulation) -> Vec<Vec<WindowSummary>> {
    api_classes(sim).map(|m| m.windows.windows()).collect()
}

/// The latency chart of `chart`: p50, p90 and p99 per window (0 where no
/// request completed), its guide (`webhook_timeout` [s] for webhook
/// calls), and the share of the class's requests ended in each window that
/// failed (429 or timeout, 0 to 1): the quantiles are of the completed
/// ones only, so an outage must show beside them. `api` is
/// [`api_windows`] of the run.
pub fn latency(
    sim: &Simulation,
    chart: ChartClass,
    webhook_timeout: f64,
    api: &[Vec<WindowSummary>],
) -> Option<([Line; 3], Option<Guide>, Line)> {
    let chosen = sim.metrics().get(chart.metric().index())?;
    let own;
    let windows = match chart.request_class().and_then(|c| api.get(c as usize)) {
        Some(windows) => windows,
        None => {
            own = chosen.windows.windows();
            &own
        }
    };
    let (length, now) = (chosen.windows.length(), sim.now());
    let lines = [
        quantile(windows, length, now, |w| w.p50),
        quantile(windows, length, now, |w| w.p90),
        quantile(windows, length, now, |w| w.p99),
    ];
    let failed = points(windows, length, now, |w| {
        let failed = w.rejected + w.timed_out;
        let ended = failed + w.completed;
        if ended > 0 {
            failed as f64 / ended as f64
        } else {
            0.0
        }
    });
    Some((lines, chart.guide(webhook_timeout), failed))
}

/// The p99 of `chart`'s class per window (the A/B panel's overlay).
pub fn p99(sim: &Simulation, chart: ChartClass) -> Line {
    sim.metrics()
        .get(chart.metric().index())
        .map_or(Vec::new(), |m| {
            let windows = m.windows.windows();
            quantile(&windows, m.windows.length(), sim.now(), |w| w.p99)
        })
}

/// API requests completed, rejected (429) and timed out per simulated
/// second, window by window (closed windows only). `api` is
/// [`api_windows`] of the run.
pub fn rates(sim: &Simulation, api: &[Vec<WindowSummary>]) -> [Line; 3] {
    let (Some(first), Some(class)) = (api.first(), api_classes(sim).next()) else {
        return Default::default();
    };
    let (length, now) = (class.windows.length(), sim.now());
    let closed = first.len().saturating_sub(1);
    let sum = |pick: fn(&WindowSummary) -> u64| -> Line {
        (0..closed)
            .map(|i| {
                let w = &first[i];
                let total: u64 = api.iter().filter_map(|c| c.get(i)).map(pick).sum();
                (
                    -to_secs(now.saturating_sub(w.start + length)),
                    total as f64 / to_secs(length),
                )
            })
            .collect()
    };
    [
        sum(|w| w.completed),
        sum(|w| w.rejected),
        sum(|w| w.timed_out),
    ]
}

/// API requests of the last `READOUT_WINDOWS` seconds per bucket of
/// `apiserver_request_duration_seconds` (the last: above 60 s).
pub fn latency_buckets(sim: &Simulation) -> Vec<u64> {
    let mut recent: LatencyHistogram<u32> = LatencyHistogram::new();
    for class in api_classes(sim) {
        class.windows.merge_recent(READOUT_WINDOWS, &mut recent);
    }
    recent.bucket_counts(&APISERVER_BUCKETS)
}

/// Requests waiting per queue, sampled over the last 60 s.
#[derive(Debug, Clone, Default)]
pub struct QueueHistory {
    /// (simulated time [s], requests waiting per queue)
    samples: VecDeque<(f64, Vec<u32>)>,
}

impl QueueHistory {
    /// Samples the queues of `limits` at `now` [s] (every
    /// `QUEUE_SAMPLE_SECONDS`), forgetting what is older than 60 s.
    pub fn record(&mut self, now: f64, limits: &[LimitSnapshot]) {
        let samples = &mut self.samples;
        if samples.back().is_some_and(|(t, _)| *t > now) {
            samples.clear(); // a new run
        }
        if samples
            .back()
            .is_none_or(|(t, _)| now - t >= QUEUE_SAMPLE_SECONDS)
        {
            samples.push_back((now, limits.iter().map(|l| l.waiting).collect()));
        }
        while samples.front().is_some_and(|(t, _)| now - t > SPAN_SECONDS) {
            samples.pop_front();
        }
    }

    /// One line per queue (at most `queues`), seconds before `now` [s].
    pub fn lines(&self, now: f64, queues: usize) -> Vec<Line> {
        let count = self.samples.back().map_or(0, |(_, w)| w.len()).min(queues);
        (0..count)
            .map(|q| {
                self.samples
                    .iter()
                    .map(|(t, w)| (t - now, w.get(q).copied().unwrap_or(0) as f64))
                    .collect()
            })
            .collect()
    }
}

/// A change to a run as a chart's mark names it: "Slow webhook on",
/// "Flow control: Priority queue", "Nodes 5,000", "greedy tenant at
/// 30,000 req/s". `spec` names a workload source.
pub fn change_label(
    change: &crate::sim::Change,
    spec: Option<&crate::sim::models::control_plane::ControlPlaneSpec>,
) -> String {
    use crate::lab::controls::{CONTROLS, Input};
    use crate::sim::Change;
    use crate::sim::models::control_plane::ControlPlaneChange as C;
    // (Not the timeline's key for the rest: writing it takes the TOML
    // serializer, 11 KB gzipped the page does not otherwise need.)
    let Change::ControlPlane(change) = change else {
        return "a change".to_owned();
    };
    if let C::SourceRate { index, rate } = *change {
        let name = spec
            .and_then(|s| s.workload.sources.get(index as usize))
            .map_or("a source", |s| s.name.as_str());
        return format!("{name} at {}", crate::lab::format::rate(rate));
    }
    let Some((row, value)) = CONTROLS.iter().find_map(|r| Some((r, r.absorb(change)?))) else {
        return "a scheduled change".to_owned();
    };
    match row.input {
        Input::Toggle => format!("{} {}", row.label, if value != 0.0 { "on" } else { "off" }),
        Input::Press => row.label.to_owned(),
        Input::Switch(choices) => match choices.get(value as usize) {
            Some(choice) => format!("{}: {}", row.label, choice.label),
            None => row.label.to_owned(),
        },
        Input::Slider { .. } => format!(
            "{} {}",
            row.label,
            crate::lab::format::slider_readout(row.control, value)
        ),
    }
}
