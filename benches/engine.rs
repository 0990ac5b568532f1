//! Engine speed, printed as figures (no pass/fail: machines here are shared
//! and noisy).
//!
//! `cargo bench --bench engine` prints:
//!
//! 1. The textbook M/M/c (λ = 9, μ = 1, c = 10), 2,000,000 customers:
//!    customers and events per second, histograms and windows included.
//! 2. The upstream control plane at 1,000 and 5,000 nodes: 60 s of cluster
//!    time, events per second and simulated seconds per wall second
//!    (target at 5,000 nodes: 60 s simulated in under 1 s).
//!
//! `cargo bench --bench engine -- mmc CUSTOMERS SEED REPEATS` runs the
//! M/M/10 REPEATS times and prints one JSON line (fastest wall time and mean
//! CPU time of the run alone, customers served, mean queue wait):
//! `benches/simpy_vs_cplab.py` compares it with SimPy.

use cplab::sim::models::control_plane::ControlPlaneSpec;
use cplab::sim::{Scenario, Simulation};
use std::time::Instant;

const RUNS: usize = 3;

/// Runs `f` `runs` times: (fastest wall time [s], mean CPU time per run [s]
/// where known, the last result).
fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, Option<f64>, T) {
    let mut best = f64::INFINITY;
    let mut last = None;
    let cpu_start = thread_cpu_ns();
    for _ in 0..runs {
        let start = Instant::now();
        let out = f();
        best = best.min(start.elapsed().as_secs_f64());
        last = Some(out);
    }
    let cpu = match (cpu_start, thread_cpu_ns()) {
        (Some(before), Some(after)) => Some((after - before) as f64 / 1e9 / runs as f64),
        _ => None,
    };
    (best, cpu, last.expect("at least one run"))
}

/// " (N per CPU second)" for `count` done in `cpu` seconds, if known.
fn per_cpu_second(count: f64, cpu: Option<f64>, unit: &str) -> String {
    cpu.map_or(String::new(), |cpu| {
        format!(
            " ({:.2} M {unit} per CPU second, mean of {RUNS})",
            count / cpu / 1e6
        )
    })
}

/// CPU time this thread has run [ns], from Linux's scheduler statistics:
/// unlike wall time, it does not count the time other programs on a shared
/// machine held the core. It is updated at scheduler ticks (a few ms), so
/// it is read around several runs. `None` where the file does not exist.
fn thread_cpu_ns() -> Option<u64> {
    let stats = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stats.split_whitespace().next()?.parse().ok()
}

/// `repeats` timed M/M/10 runs of one seed as one JSON line: the fastest
/// run's wall time, the mean CPU time per run (null where unknown), and the
/// run's customers served, events and mean queue wait. Setting up and
/// reading the results are not timed, as SimPy's and the page's timings do
/// not include theirs.
fn mmc_json(customers: f64, seed: u64, repeats: u32) {
    let scenario = Scenario::mm10_benchmark(customers);
    let mut fastest = f64::INFINITY;
    let mut cpu_total = Some(0u64);
    let mut last = None;
    for _ in 0..repeats.max(1) {
        let mut sim = Simulation::new(&scenario, seed).expect("valid");
        let cpu_start = thread_cpu_ns();
        let start = Instant::now();
        sim.run_to_end();
        fastest = fastest.min(start.elapsed().as_secs_f64());
        cpu_total = match (cpu_total, cpu_start, thread_cpu_ns()) {
            (Some(total), Some(before), Some(after)) => Some(total + (after - before)),
            _ => None,
        };
        last = Some(sim);
    }
    let sim = last.expect("at least one run");
    let cpu = cpu_total.map_or("null".into(), |ns| {
        format!("{}", ns as f64 / 1e9 / repeats.max(1) as f64)
    });
    let request = sim.summary().classes["request"];
    println!(
        "{{\"elapsed_s\": {fastest}, \"cpu_s\": {cpu}, \"completed\": {}, \"events\": {}, \"mean_queue_wait_s\": {}}}",
        request.completed,
        sim.events(),
        request.mean_queue_wait_s
    );
}

fn main() {
    // `cargo bench` appends `--bench`; the rest are ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if let Some(mode) = args.first() {
        let parsed = match (mode.as_str(), &args[1..]) {
            ("mmc", [customers, seed, repeats]) => customers
                .parse::<f64>()
                .ok()
                .filter(|c| c.is_finite() && *c >= 1.0)
                .zip(seed.parse::<u64>().ok())
                .zip(repeats.parse::<u32>().ok()),
            _ => None,
        };
        let Some(((customers, seed), repeats)) = parsed else {
            eprintln!("usage: cargo bench --bench engine [-- mmc CUSTOMERS SEED REPEATS]");
            std::process::exit(2);
        };
        mmc_json(customers, seed, repeats);
        return;
    }

    let scenario = Scenario::mm10_benchmark(2_000_000.0);
    let (seconds, cpu, sim) = best_of(RUNS, || {
        let mut sim = Simulation::new(&scenario, 1).expect("valid");
        sim.run_to_end();
        sim
    });
    let served = sim.summary().classes["request"].completed as f64;
    println!(
        "textbook M/M/10 (λ=9, μ=1): {:.2} M customers/s{}, {:.2} M events/s ({:.0} customers in {:.3} s, fastest of {RUNS})",
        served / seconds / 1e6,
        per_cpu_second(served, cpu, "customers"),
        sim.events() as f64 / seconds / 1e6,
        served,
        seconds
    );

    for nodes in [1_000u32, 5_000] {
        let cluster = Scenario {
            name: format!("{nodes} nodes"),
            duration: 60.0,
            // Three API servers, as the Kubernetes presets run them.
            control_plane: Some(ControlPlaneSpec {
                api_servers: 3,
                ..ControlPlaneSpec::upstream(nodes)
            }),
            ..Scenario::default()
        };
        let (seconds, cpu, sim) = best_of(RUNS, || {
            let mut sim = Simulation::new(&cluster, 1).expect("valid");
            sim.run_to_end();
            sim
        });
        let events = sim.events() as f64;
        println!(
            "upstream control plane, {nodes} nodes, 3 API servers: 60 s simulated in {:.3} s ({:.0}× real time{}), {:.2} M events/s{}, {} events (fastest of {RUNS}, set-up included)",
            seconds,
            60.0 / seconds,
            if nodes == 5_000 {
                "; target: under 1 s"
            } else {
                ""
            },
            events / seconds / 1e6,
            per_cpu_second(events, cpu, "events"),
            sim.events()
        );
    }
}
