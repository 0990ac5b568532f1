//! Stories: a scenario told in a few steps, as the explorables do it.
//!
//! Each step says something, does what a reader would do on the controls
//! (turn on a fault, switch a mechanism, Reset), shows the chart it talks
//! about, plays the run to a simulated second and pauses there. What the
//! step promises the reader will see is data, a [`Promise`]: a measure of
//! one class over the readouts' last 10 simulated seconds (or of a priority
//! level at the pause: its seats, seats in use, requests waiting), above or
//! below a bound. The page measures it at the pause and shows whether it held; a
//! test walks every story natively and another in the page, so a promise
//! the model does not keep fails a test rather than misleading a reader.
//!
//! A story is one row of [`SCENARIOS`] (`table.rs`) or of [`TIPS`]
//! (`tips.rs`); a step is one row of its `steps`.

mod questions;
mod table;
mod tips;

pub use questions::{QUESTIONS, Question};
pub use table::SCENARIOS;
pub use tips::TIPS;

/// Every story: the scenarios' (the first visit's first), the tips', then
/// the questions'.
pub fn all() -> impl Iterator<Item = &'static Story> {
    SCENARIOS
        .iter()
        .chain(TIPS)
        .chain(QUESTIONS.iter().map(|q| &q.story))
}

use super::controls::Control;
use super::readouts::{READOUT_WINDOWS, recent_of};
use super::view::ChartClass;
use crate::sim::Simulation;
use crate::sim::models::control_plane::MetricClass;

/// What a step does on the controls as it begins, as the reader would.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Act {
    /// a new run from the settings so far (time starts again at 0)
    Reset,
    /// a slider to this value, in its unit
    Set(Control, f64),
    /// a switch to the choice with this URL key
    Choose(Control, &'static str),
    /// a fault that stays on, turned on
    TurnOn(Control),
    /// a fault that happens once, pressed
    Press(Control),
}

/// What a promise measures of a class, over the readouts' windows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    /// the 99th percentile of the completed requests' latency [s]
    P99,
    /// the median [s]
    P50,
    /// requests that failed (429 or timeout) per simulated second
    Failed,
    /// requests turned away with 429 per simulated second
    Rejected,
    /// requests that timed out per simulated second (a 504 at
    /// `--request-timeout`, or a webhook call's timeout under failurePolicy
    /// Fail)
    TimedOut,
    /// requests completed per simulated second
    Completed,
    /// the share of the requests ended that failed (429 or timeout), 0 to 1
    FailedShare,
    /// requests waiting in this priority level's queues at the pause
    Waiting(&'static str),
    /// seats of this priority level in use at the pause
    InUse(&'static str),
    /// seats this priority level has now (after borrowing and lending)
    Seats(&'static str),
    /// this priority level's nominal seats (its share of the server's)
    Nominal(&'static str),
    /// how busy this resource (as "Limit now" names it) was over the last
    /// 10 s, 0 to 1
    Busy(&'static str),
    /// clients connected to this API server ("apiserver-2") at the pause
    Connections(&'static str),
    /// the most memory this API server held at once so far [GiB]
    PeakMemory(&'static str),
    /// times the OOM killer killed this API server so far
    OomKills(&'static str),
}

/// Which side of its bound a promise's measure must be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Above(f64),
    Below(f64),
}

/// What the reader is told they will see at a step's pause.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Promise {
    pub class: MetricClass,
    pub measure: Measure,
    pub bound: Bound,
}

/// One step of a story.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub text: &'static str,
    /// done on the controls as the step begins, in order
    pub acts: &'static [Act],
    /// the latency chart's class while the step plays
    pub chart: ChartClass,
    /// simulated seconds per wall second while it plays
    pub speed: f64,
    /// the simulated second it pauses at, if it pauses
    pub until: Option<f64>,
    /// what the reader will see at the pause
    pub promises: &'static [Promise],
}

/// A story: the shipped scenario it starts from and its steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Story {
    /// its URL value (`?story=…`)
    pub id: &'static str,
    pub title: &'static str,
    /// the catalog id of the scenario it opens
    pub preset: &'static str,
    pub steps: &'static [Step],
}

/// The story a first visit (a link with nothing in it) opens on.
pub const FIRST_VISIT: &str = "first-visit";

impl Story {
    pub fn find(id: &str) -> Option<&'static Story> {
        all().find(|s| s.id == id)
    }

    /// The story of a shipped scenario, if it has one (a mechanism's tip
    /// is a story of its own, whose id starts with `try-`; the default
    /// preset's story is the first visit's).
    pub fn of_preset(preset: &str) -> Option<&'static Story> {
        SCENARIOS
            .iter()
            .find(|s| s.preset == preset && !s.id.starts_with("try-"))
    }
}

impl Promise {
    /// What the promise measures in `sim` now: NaN for a latency when
    /// nothing completed, and for anything of a run that is not a control
    /// plane's or a level it does not have (so no bound holds: "below 1 s"
    /// of nothing is not a kept promise).
    pub fn measure(&self, sim: &Simulation) -> f64 {
        if sim.metrics().len() != MetricClass::ALL.len() {
            return f64::NAN;
        }
        let recent = recent_of(sim, &[self.class], READOUT_WINDOWS);
        let failed = recent.rejected_rate + recent.timeout_rate;
        let latency = |quantile: f64| {
            if recent.throughput > 0.0 {
                quantile
            } else {
                f64::NAN
            }
        };
        match self.measure {
            Measure::P99 => latency(recent.p99),
            Measure::P50 => latency(recent.p50),
            Measure::Failed => failed,
            Measure::Rejected => recent.rejected_rate,
            Measure::TimedOut => recent.timeout_rate,
            Measure::Completed => recent.throughput,
            // (`failed_share` says 0 when nothing ended; a promise, nothing.)
            Measure::FailedShare if failed + recent.throughput > 0.0 => recent.failed_share(),
            Measure::FailedShare => f64::NAN,
            Measure::Busy(resource) => sim
                .recent_ranking(READOUT_WINDOWS)
                .into_iter()
                .find(|(r, _)| r.to_string() == resource)
                .map_or(f64::NAN, |(_, busy)| busy),
            Measure::Connections(server)
            | Measure::PeakMemory(server)
            | Measure::OomKills(server) => sim
                .control_plane_snapshot(u64::MAX, 0)
                .and_then(|s| {
                    let index = (1..=s.servers.len())
                        .find(|i| server.strip_prefix("apiserver-") == Some(&i.to_string()))?;
                    let s = &s.servers[index - 1];
                    Some(match self.measure {
                        Measure::PeakMemory(_) => s.peak_memory_gib,
                        Measure::OomKills(_) => s.oom_kills as f64,
                        _ => s.connections as f64,
                    })
                })
                .unwrap_or(f64::NAN),
            Measure::Waiting(level)
            | Measure::InUse(level)
            | Measure::Seats(level)
            | Measure::Nominal(level) => sim
                .control_plane_snapshot(u64::MAX, 0)
                .and_then(|s| s.limits.into_iter().find(|l| l.name == level))
                .map_or(f64::NAN, |l| match self.measure {
                    Measure::Waiting(_) => l.waiting as f64,
                    Measure::InUse(_) => l.in_use as f64,
                    Measure::Nominal(_) => l.nominal as f64,
                    _ => l.seats as f64,
                }),
        }
    }

    pub fn holds(&self, value: f64) -> bool {
        match self.bound {
            Bound::Above(bound) => value > bound,
            Bound::Below(bound) => value < bound,
        }
    }

    /// The promise in words: "mutating p99 above 1 s".
    pub fn describe(&self) -> String {
        let (side, bound) = match self.bound {
            Bound::Above(b) => ("above", b),
            Bound::Below(b) => ("below", b),
        };
        format!("{} {side} {}", self.what(), self.format(bound))
    }

    /// What is measured: "mutating p99", "read-single failures".
    pub fn what(&self) -> String {
        let class = class_words(self.class);
        match self.measure {
            Measure::P99 => format!("{class} p99"),
            Measure::P50 => format!("{class} p50"),
            Measure::Failed => format!("{class} failures (429 or timeout)"),
            Measure::Rejected => format!("{class} 429s"),
            Measure::TimedOut => format!("{class} timeouts"),
            Measure::Completed => format!("{class} completed"),
            Measure::FailedShare => format!("share of {class} requests failing"),
            Measure::Waiting(level) => format!("requests waiting in {level}"),
            Measure::InUse(level) => format!("{level}'s seats in use"),
            Measure::Seats(level) => format!("{level}'s seats"),
            Measure::Nominal(level) => format!("{level}'s nominal seats"),
            Measure::Busy(resource) => format!("{resource} busy"),
            Measure::Connections(server) => format!("clients connected to {server}"),
            Measure::PeakMemory(server) => format!("{server}'s peak memory"),
            Measure::OomKills(server) => format!("times {server} was OOM-killed"),
        }
    }

    /// A value of this promise's measure, with its unit.
    pub fn format(&self, value: f64) -> String {
        match self.measure {
            Measure::P99 | Measure::P50 => super::format::latency(value),
            Measure::Failed | Measure::Rejected | Measure::TimedOut | Measure::Completed => {
                super::format::rate(value)
            }
            Measure::FailedShare | Measure::Busy(_) if value.is_finite() => {
                format!("{:.0}%", value * 100.0)
            }
            Measure::Busy(_) => "–".to_owned(),
            Measure::FailedShare => "–".to_owned(),
            Measure::Waiting(_)
            | Measure::InUse(_)
            | Measure::Seats(_)
            | Measure::Nominal(_)
            | Measure::Connections(_)
            | Measure::OomKills(_) => super::format::significant(value),
            Measure::PeakMemory(_) => format!("{} GiB", super::format::significant(value)),
        }
    }
}

/// A class as a story's reader knows it.
fn class_words(class: MetricClass) -> &'static str {
    match class {
        MetricClass::Mutating => "mutating",
        MetricClass::ReadSingle => "single reads'",
        MetricClass::List => "LIST",
        MetricClass::Webhook => "webhook calls'",
        MetricClass::Discovery => "discovery",
        MetricClass::EtcdWrite => "store writes'",
        MetricClass::User => "users'",
        MetricClass::CacheWait => "cache waits'",
        MetricClass::ClientWait => "client waits'",
        MetricClass::QueueWait => "APF queue waits'",
        other => other.name(),
    }
}

/// Every story has a step (so a story's first and last steps exist).
const fn every_story_has_a_step(stories: &[Story]) -> bool {
    let mut i = 0;
    while i < stories.len() {
        if stories[i].steps.is_empty() {
            return false;
        }
        i += 1;
    }
    true
}
const _: () = assert!(every_story_has_a_step(SCENARIOS) && every_story_has_a_step(TIPS));

/// Where the page is in a story.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryAt {
    pub story: &'static Story,
    pub step: usize,
    /// each promise's measure at the step's pause; `None` until then
    pub seen: Option<Vec<f64>>,
}

impl StoryAt {
    pub fn step(&self) -> &'static Step {
        // Never empty: checked when the table is compiled (below).
        &self.story.steps[self.step.min(self.story.steps.len().saturating_sub(1))]
    }

    pub fn is_last(&self) -> bool {
        self.step + 1 >= self.story.steps.len()
    }

    /// What each promise measures in `sim` now.
    pub fn measure(&self, sim: &Simulation) -> Vec<f64> {
        self.step()
            .promises
            .iter()
            .map(|p| p.measure(sim))
            .collect()
    }
}
