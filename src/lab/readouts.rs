//! The numbers the page's readouts show, computed from a run's live windows.

use super::format::significant;
use crate::sim::models::control_plane::{Bottleneck, MetricClass, Phase, ServerSnapshot};
use crate::sim::{ClassMetrics, LatencyHistogram, Nanos, Simulation, to_secs};

/// The readouts summarise this many of the most recent 1-second windows.
pub const READOUT_WINDOWS: usize = 10;

/// The API classes' metrics of a control-plane run, in [`MetricClass::API`]'s
/// order (none for another model).
pub fn api_classes(sim: &Simulation) -> impl Iterator<Item = &ClassMetrics> {
    MetricClass::api_of(sim.metrics())
}

/// What the readouts show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Readouts {
    /// API request latency quantiles over the last `READOUT_WINDOWS` s [s]
    pub p50: f64,
    pub p99: f64,
    /// API requests completed per simulated second
    pub throughput: f64,
    /// HTTP 429s per simulated second
    pub rejected_rate: f64,
    /// requests timed out or failed per simulated second
    pub timeout_rate: f64,
    /// simulated clock [s]
    pub sim_time: f64,
    /// simulated seconds per wall second, as achieved
    pub speed: f64,
    /// the frame budget, not the Speed control, is holding the clock back
    pub limited: bool,
}

impl Readouts {
    /// The share of the API requests that ended in the readouts' windows
    /// which failed (429 or timeout), 0 to 1: the latency quantiles are of
    /// the rest, so an outage can look fast.
    pub fn failed_share(&self) -> f64 {
        let failed = self.rejected_rate + self.timeout_rate;
        let ended = failed + self.throughput;
        if ended > 0.0 { failed / ended } else { 0.0 }
    }

    /// What the latency readouts leave out, when requests fail: "of the
    /// 38% that completed; 62% failed". `None` while under 0.5% fail.
    pub fn completed_only(&self) -> Option<String> {
        let failed = self.failed_share();
        (failed >= 0.005).then(|| {
            let percent = |x: f64| {
                if x < 0.1 {
                    format!("{:.1}%", x * 100.0)
                } else {
                    format!("{:.0}%", x * 100.0)
                }
            };
            format!(
                "Latency of the {} that completed: {} failed (429 or timeout)",
                percent(1.0 - failed),
                percent(failed)
            )
        })
    }
}

/// The "Limit now" readout: the resource at its limit with how busy it
/// is, or, when none is, the busiest one said as such.
pub fn limit_text(limit: Option<&Bottleneck>) -> String {
    let Some(b) = limit else {
        return "–".to_owned();
    };
    let busy = b.utilisation * 100.0;
    let busy = if busy < 10.0 {
        format!("{busy:.1}%")
    } else {
        format!("{busy:.0}%")
    };
    if b.saturated {
        format!("{}, {busy} busy", b.resource)
    } else {
        format!("none (busiest: {}, {busy})", b.resource)
    }
}

/// Each API server's clients, or its state, and its memory, for the
/// diagram's legend ("apiserver-1 stopped · apiserver-2 511 ·
/// apiserver-3 511 clients · memory 0 (OOM-killed 1×), 1.2, 1.1 of
/// 120 GiB"); a single server's memory only.
pub fn servers_text(servers: &[ServerSnapshot]) -> String {
    let memory = memory_text(servers);
    if servers.len() < 2 {
        return memory;
    }
    let each: Vec<String> = servers
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let state = match s.phase {
                Phase::Draining => "draining".to_owned(),
                Phase::Stopped => "stopped".to_owned(),
                Phase::Serving if s.relisting => format!("{} re-listing", s.connections),
                Phase::Serving => s.connections.to_string(),
            };
            format!("apiserver-{} {state}", i + 1)
        })
        .collect();
    match memory.is_empty() {
        true => format!("{} clients", each.join(" · ")),
        false => format!("{} clients · {memory}", each.join(" · ")),
    }
}

/// Each API server's memory in use against the limit they share, with
/// the times the OOM killer killed it; nothing when unlimited.
fn memory_text(servers: &[ServerSnapshot]) -> String {
    let Some(limit) = servers.first().and_then(|s| s.memory_limit_gib) else {
        return String::new();
    };
    let each: Vec<String> = servers
        .iter()
        .map(|s| {
            let used = match s.memory_gib {
                0.0 => "0".to_owned(),
                gib => significant(gib),
            };
            match s.oom_kills {
                0 => used,
                n => format!("{used} (OOM-killed {n}×)"),
            }
        })
        .collect();
    format!("memory {} of {} GiB", each.join(", "), significant(limit))
}

/// The readouts of `sim` over its last `windows` seconds (speed and
/// `limited` are the caller's to fill: they are about the page, not the run).
pub fn recent(sim: &Simulation, windows: usize) -> Readouts {
    summarise(sim, api_classes(sim), windows)
}

/// The readouts of some of a control-plane run's classes (none for
/// another model) over its last `windows` seconds.
pub fn recent_of(sim: &Simulation, classes: &[MetricClass], windows: usize) -> Readouts {
    let metrics = sim.metrics();
    let control_plane = metrics.len() == MetricClass::ALL.len();
    let chosen = classes
        .iter()
        .filter_map(|class| metrics.get(class.index()).filter(|_| control_plane));
    summarise(sim, chosen, windows)
}

fn summarise<'a>(
    sim: &Simulation,
    classes: impl Iterator<Item = &'a ClassMetrics>,
    windows: usize,
) -> Readouts {
    let mut latency: LatencyHistogram<u32> = LatencyHistogram::new();
    let mut since: Nanos = sim.now();
    let (mut rejected, mut timed_out) = (0u64, 0u64);
    for class in classes {
        let recent = class.windows.merge_recent(windows, &mut latency);
        since = since.min(recent.start);
        rejected += recent.rejected;
        timed_out += recent.timed_out;
    }
    let span = to_secs(sim.now().saturating_sub(since));
    let per_second = |count: u64| if span > 0.0 { count as f64 / span } else { 0.0 };
    Readouts {
        p50: latency.quantile(0.5),
        p99: latency.quantile(0.99),
        throughput: per_second(latency.count()),
        rejected_rate: per_second(rejected),
        timeout_rate: per_second(timed_out),
        sim_time: to_secs(sim.now()),
        speed: 0.0,
        limited: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::models::control_plane::model::loads::{
        bottleneck, ranking, reading_of as load,
    };
    use crate::sim::models::control_plane::{ResourceId, ResourceLoad};

    fn limit_now(then: &[ResourceLoad], now: &[ResourceLoad]) -> Option<Bottleneck> {
        bottleneck(&ranking(then, now))
    }

    /// "Limit now" names a resource at its limit with how busy it is, and
    /// says "none" with the busiest one when nothing is near its limit.
    #[test]
    fn limit_now_names_the_saturated_resource_or_says_none() {
        let then = [load(ResourceId::EtcdApply, 1.0, 10.0)];
        let now = [
            load(ResourceId::EtcdApply, 10.5, 20.0),
            load(ResourceId::EtcdCores, 4.0, 80.0),
        ];
        let limit = limit_now(&then, &now);
        assert_eq!(limit_text(limit.as_ref()), "etcd apply, 95% busy");
        let quiet = [load(ResourceId::EtcdCores, 0.4, 80.0)];
        assert_eq!(
            limit_text(limit_now(&[], &quiet).as_ref()),
            "none (busiest: etcd cores, 0.5%)"
        );
        assert_eq!(limit_text(None), "–");
    }

    #[test]
    fn the_servers_line_says_each_ones_clients_or_state() {
        let server = |phase, connections, relisting| ServerSnapshot {
            phase,
            connections,
            requests: 0,
            cpu_busy: 0.0,
            cores: Some(32.0),
            seats_in_use: 0,
            seats: 600,
            restarts: 0,
            relisting,
            memory_gib: 1.0,
            memory_limit_gib: Some(120.0),
            peak_memory_gib: 1.0,
            oom_kills: 0,
        };
        assert_eq!(
            servers_text(&[server(Phase::Serving, 10, false)]),
            "memory 1.00 of 120 GiB"
        );
        let mut killed = server(Phase::Stopped, 0, false);
        (killed.memory_gib, killed.oom_kills) = (0.0, 2);
        let three = [
            killed,
            server(Phase::Serving, 511, true),
            server(Phase::Serving, 511, false),
        ];
        assert_eq!(
            servers_text(&three),
            "apiserver-1 stopped · apiserver-2 511 re-listing · apiserver-3 511 clients · \
             memory 0 (OOM-killed 2×), 1.00, 1.00 of 120 GiB"
        );
    }
}
