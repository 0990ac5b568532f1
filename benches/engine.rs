//! Engine speed, printed as figures (no pass/fail: machines here are shared
//! and noisy). `cargo bench --bench engine`.
//!
//! 1. The textbook M/M/c (λ = 9, μ = 1, c = 10): customers and events per
//!    second, histograms and windows included.
//! 2. The 5,000-node upstream control plane: 60 s of cluster time, events
//!    per second and simulated seconds per wall second (target: 60 s
//!    simulated in under 1 s).

use cplab::sim::control_plane::ControlPlaneSpec;
use cplab::sim::{DurationLaw, Scenario, Simulation, StationSpec};
use std::time::Instant;

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = f();
        best = best.min(start.elapsed().as_secs_f64());
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}

fn main() {
    let customers = 2_000_000.0;
    let mmc = Scenario {
        name: "M/M/10".into(),
        duration: customers / 9.0,
        station: Some(StationSpec {
            arrival_rate: 9.0,
            servers: 10,
            queue_capacity: None,
            queue_timeout: None,
            service: DurationLaw::Exponential { mean: 1.0 },
        }),
        ..Scenario::default()
    };
    let (seconds, sim) = best_of(3, || {
        let mut sim = Simulation::new(&mmc, 1).expect("valid");
        sim.run_to_end();
        sim
    });
    let served = sim.summary().classes["request"].completed as f64;
    println!(
        "textbook M/M/10 (λ=9, μ=1): {:.2} M customers/s, {:.2} M events/s ({:.0} customers in {:.3} s)",
        served / seconds / 1e6,
        sim.events() as f64 / seconds / 1e6,
        served,
        seconds
    );

    for nodes in [1_000u32, 5_000] {
        let cluster = Scenario {
            name: format!("{nodes} nodes"),
            duration: 60.0,
            control_plane: Some(ControlPlaneSpec::upstream(nodes)),
            ..Scenario::default()
        };
        let (seconds, sim) = best_of(3, || {
            let mut sim = Simulation::new(&cluster, 1).expect("valid");
            sim.run_to_end();
            sim
        });
        println!(
            "upstream control plane, {nodes} nodes: 60 s simulated in {:.3} s ({:.0}× real time), {:.2} M events/s, {} events",
            seconds,
            60.0 / seconds,
            sim.events() as f64 / seconds / 1e6,
            sim.events()
        );
    }
}
