//! Soak: the upstream control plane at 15,000 nodes for 24 simulated hours,
//! natively. Prints, every simulated hour, the process's resident memory
//! (VmRSS, and the peak VmHWM, from /proc/self/status), the event calendar's
//! length, the requests in the system and the counters; checks conservation
//! at every sample and that memory is flat after the first hour (warm-up).
//! A benchmark, not a test: `cargo bench --bench soak` (about 15 minutes on
//! this 2-core machine). `SOAK_HOURS` and `SOAK_NODES` override the defaults;
//! exits non-zero when conservation breaks or memory grows.

use cplab::sim::models::control_plane::ControlPlaneSpec;
use cplab::sim::{Scenario, Simulation, from_secs};
use std::time::Instant;

/// Memory may grow this much from the end of the first hour to the end.
const FLAT: f64 = 0.10;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// (VmRSS, VmHWM) of this process [KiB], from /proc/self/status (Linux).
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// (arrived, finished, completed, rejected, timed out) over every class;
/// finished = completed + rejected + timed out.
/// Every class's (arrived, completed, rejected, timed out).
fn totals(sim: &Simulation) -> (u64, u64, u64, u64) {
    sim.metrics().iter().fold((0, 0, 0, 0), |t, class| {
        let c = class.all;
        (
            t.0 + c.arrived,
            t.1 + c.completed,
            t.2 + c.rejected,
            t.3 + c.timed_out,
        )
    })
}

fn main() {
    let hours: u32 = env_or("SOAK_HOURS", 24);
    let nodes: u32 = env_or("SOAK_NODES", 15_000);
    let scenario = Scenario {
        name: format!("soak: upstream, {nodes} nodes"),
        duration: f64::from(hours) * 3_600.0,
        control_plane: Some(ControlPlaneSpec::upstream(nodes)),
        ..Scenario::default()
    };
    let mut sim = match Simulation::new(&scenario, 1) {
        Ok(sim) => sim,
        Err(error) => {
            eprintln!("soak: {error}");
            std::process::exit(2);
        }
    };
    let started = Instant::now();
    let mut ok = true;
    let mut after_warmup = None;
    println!(
        "{:>4} {:>8} {:>10} {:>10} {:>14} {:>9} {:>9} {:>15} {:>13} {:>11} {:>11}",
        "hour",
        "wall s",
        "VmRSS KiB",
        "VmHWM KiB",
        "events",
        "calendar",
        "in system",
        "arrived",
        "completed",
        "rejected",
        "timed out"
    );
    for hour in 1..=hours {
        sim.advance_to(from_secs(f64::from(hour) * 3_600.0));
        let (rss, hwm) = memory_kib();
        let (arrived, completed, rejected, timed_out) = totals(&sim);
        let in_system = sim.in_system();
        println!(
            "{hour:>4} {:>8.1} {rss:>10} {hwm:>10} {:>14} {:>9} {in_system:>9} {arrived:>15} {completed:>13} {rejected:>11} {timed_out:>11}",
            started.elapsed().as_secs_f64(),
            sim.events(),
            sim.pending_events(),
        );
        if let Err(broken) = sim.conservation() {
            println!("CONSERVATION BROKEN: {broken}");
            ok = false;
        }
        if hour == 1 {
            after_warmup = Some(rss);
        }
    }
    let (rss, hwm) = memory_kib();
    let summary = sim.summary();
    for (name, class) in &summary.classes {
        println!(
            "{name:>12}: arrived {:>12} completed {:>12} p50 {:.4} s p99 {:.4} s",
            class.arrived, class.completed, class.p50_s, class.p99_s
        );
        ok &= class.p99_s.is_finite() && class.mean_response_s.is_finite();
    }
    if let Some(warm) = after_warmup.filter(|&w| w > 0) {
        let growth = rss as f64 / warm as f64 - 1.0;
        println!(
            "memory: {warm} KiB after hour 1, {rss} KiB at hour {hours} ({:+.1}%), peak {hwm} KiB",
            growth * 100.0
        );
        if growth > FLAT {
            println!("MEMORY GREW more than {:.0}% after warm-up", FLAT * 100.0);
            ok = false;
        }
    }
    println!(
        "{} simulated hours at {nodes} nodes, {} events in {:.0} s: {}",
        hours,
        sim.events(),
        started.elapsed().as_secs_f64(),
        if ok { "ok" } else { "FAILED" }
    );
    if !ok {
        std::process::exit(1);
    }
}
