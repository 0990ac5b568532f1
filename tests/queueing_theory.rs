//! The engine against queueing theory's closed forms.
//!
//! Each check pools several seeds (independent replications) so the estimate
//! is tight, then compares with the exact value: mean queue wait Wq and mean
//! response time W within 3%, or a blocking probability within 3%. Every
//! check runs twice: on the textbook station, and through the full
//! control-plane model reduced to one station
//! (`ControlPlaneSpec::single_station`).
#![cfg(not(target_arch = "wasm32"))]

use cplab::sim::models::control_plane::ControlPlaneSpec;
use cplab::sim::{ClassSummary, DurationLaw, Scenario, Simulation, StationSpec};

/// Which model a check runs on.
#[derive(Debug, Clone, Copy)]
enum Via {
    Station,
    ControlPlane,
}

const BOTH: [Via; 2] = [Via::Station, Via::ControlPlane];

/// Runs `seeds` replications and pools the measured results.
fn pooled(via: Via, spec: StationSpec, duration: f64, warmup: f64, seeds: u64) -> Pooled {
    let (station, control_plane, class) = match via {
        Via::Station => (Some(spec), None, "request"),
        Via::ControlPlane => (
            None,
            Some(ControlPlaneSpec::single_station(&spec)),
            "read-single",
        ),
    };
    let scenario = Scenario {
        duration,
        warmup,
        station,
        control_plane,
        ..Scenario::default()
    };
    let summaries: Vec<ClassSummary> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..=seeds)
            .map(|seed| {
                let scenario = &scenario;
                scope.spawn(move || {
                    let mut sim = Simulation::new(scenario, seed).expect("valid scenario");
                    sim.run_to_end();
                    sim.summary().classes[class]
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("replication ran"))
            .collect()
    });
    let completed: u64 = summaries.iter().map(|s| s.completed).sum();
    let weighted = |f: fn(&ClassSummary) -> f64| {
        summaries
            .iter()
            .map(|s| f(s) * s.completed as f64)
            .sum::<f64>()
            / completed as f64
    };
    Pooled {
        completed,
        arrived: summaries.iter().map(|s| s.arrived).sum(),
        rejected: summaries.iter().map(|s| s.rejected).sum(),
        wq: weighted(|s| s.mean_queue_wait_s),
        w: weighted(|s| s.mean_response_s),
    }
}

struct Pooled {
    arrived: u64,
    completed: u64,
    rejected: u64,
    wq: f64,
    w: f64,
}

fn station(lambda: f64, servers: u32, service: DurationLaw) -> StationSpec {
    StationSpec {
        arrival_rate: lambda,
        servers,
        queue_capacity: None,
        queue_timeout: None,
        service,
    }
}

fn assert_close(what: &str, got: f64, expected: f64, tolerance: f64) {
    // `what` names the model too: "… (ControlPlane)".
    let error = (got / expected - 1.0).abs();
    assert!(
        error <= tolerance,
        "{what}: simulated {got:.5}, theory {expected:.5}, off by {:.2}% (> {:.0}%)",
        error * 100.0,
        tolerance * 100.0
    );
}

/// Erlang C: probability an arrival waits in M/M/c with offered load a = λ/μ.
fn erlang_c(servers: u32, offered: f64) -> f64 {
    let c = servers as f64;
    let rho = offered / c;
    // Sum_{k<c} a^k / k!, computed by recurrence to stay finite for large c.
    let (mut term, mut sum) = (1.0, 0.0);
    for k in 0..servers {
        sum += term;
        term *= offered / (k + 1) as f64;
    }
    // Now term = a^c / c!.
    let top = term / (1.0 - rho);
    top / (sum + top)
}

#[test]
fn mm1_at_half_load() {
    // λ = 0.5, μ = 1: Wq = ρ/(μ−λ) = 1, W = 1/(μ−λ) = 2.
    for via in BOTH {
        let spec = station(0.5, 1, DurationLaw::Exponential { mean: 1.0 });
        let p = pooled(via, spec, 200_000.0, 1_000.0, 4);
        assert!(p.completed > 350_000);
        assert_close(&format!("M/M/1 ρ=0.5 Wq ({via:?})"), p.wq, 1.0, 0.03);
        assert_close(&format!("M/M/1 ρ=0.5 W ({via:?})"), p.w, 2.0, 0.03);
    }
}

#[test]
fn mm1_at_ninety_percent_load() {
    // λ = 0.9, μ = 1: Wq = 9, W = 10. Heavy load makes successive waits
    // strongly correlated, so this needs millions of customers.
    for via in BOTH {
        let spec = station(0.9, 1, DurationLaw::Exponential { mean: 1.0 });
        let p = pooled(via, spec, 2_000_000.0, 5_000.0, 4);
        assert!(p.completed > 6_000_000);
        assert_close(&format!("M/M/1 ρ=0.9 Wq ({via:?})"), p.wq, 9.0, 0.03);
        assert_close(&format!("M/M/1 ρ=0.9 W ({via:?})"), p.w, 10.0, 0.03);
    }
}

#[test]
fn mmc_erlang_c_with_4_and_16_servers() {
    for (servers, rho) in [(4u32, 0.8), (16, 0.9)] {
        let mu = 1.0;
        let lambda = rho * servers as f64 * mu;
        let wq = erlang_c(servers, lambda / mu) / (servers as f64 * mu - lambda);
        let w = wq + 1.0 / mu;
        for via in BOTH {
            let spec = station(lambda, servers, DurationLaw::Exponential { mean: 1.0 / mu });
            let p = pooled(via, spec, 200_000.0, 2_000.0, 4);
            assert_close(
                &format!("M/M/{servers} ρ={rho} Wq ({via:?})"),
                p.wq,
                wq,
                0.03,
            );
            assert_close(&format!("M/M/{servers} ρ={rho} W ({via:?})"), p.w, w, 0.03);
        }
    }
}

#[test]
fn md1_pollaczek_khinchine() {
    // Deterministic service 1 s at ρ = 0.8: Wq = ρ / (2μ(1−ρ)) = 2, W = 3.
    for via in BOTH {
        let spec = station(0.8, 1, DurationLaw::Deterministic { mean: 1.0 });
        let p = pooled(via, spec, 500_000.0, 2_000.0, 4);
        assert_close(&format!("M/D/1 ρ=0.8 Wq ({via:?})"), p.wq, 2.0, 0.03);
        assert_close(&format!("M/D/1 ρ=0.8 W ({via:?})"), p.w, 3.0, 0.03);
    }
}

#[test]
fn mmck_blocking_probability() {
    // M/M/c/K with c = 3 servers and K = 8 in the system (5 waiting places),
    // offered load a = λ/μ = 3 (ρ = 1): P(block) = p_K.
    let (c, k, a) = (3u32, 8u32, 3.0f64);
    let mut weights = Vec::new();
    let mut w = 1.0;
    for n in 0..=k {
        weights.push(w);
        // p_{n+1}/p_n = a/(n+1) while n < c, then a/c.
        w *= a / ((n + 1).min(c)) as f64;
    }
    let blocking = weights[k as usize] / weights.iter().sum::<f64>();
    let spec = StationSpec {
        queue_capacity: Some(k - c),
        ..station(a, c, DurationLaw::Exponential { mean: 1.0 })
    };
    for via in BOTH {
        let p = pooled(via, spec.clone(), 300_000.0, 1_000.0, 4);
        let simulated = p.rejected as f64 / p.arrived as f64;
        assert_close(
            &format!("M/M/3/8 blocking ({via:?})"),
            simulated,
            blocking,
            0.03,
        );
    }
}

#[test]
fn same_seed_same_results_different_seed_different_results() {
    let spec = StationSpec {
        queue_capacity: Some(20),
        queue_timeout: Some(3.0),
        ..station(9.0, 2, DurationLaw::Lognormal { mean: 0.2, cv: 1.5 })
    };
    let scenario = Scenario {
        name: "determinism".into(),
        description: String::new(),
        duration: 5_000.0,
        warmup: 100.0,
        station: Some(spec),
        ..Scenario::default()
    };
    let run = |seed| {
        let mut sim = Simulation::new(&scenario, seed).expect("valid");
        sim.run_to_end();
        (sim.summary(), sim.digest())
    };
    let (a, digest_a) = run(11);
    let (b, digest_b) = run(11);
    let (c, digest_c) = run(12);
    assert_eq!(a, b);
    assert_eq!(digest_a, digest_b);
    assert_eq!(
        serde_json::to_string(&a).ok(),
        serde_json::to_string(&b).ok(),
        "bit-identical summaries"
    );
    assert_ne!(a, c);
    assert_ne!(digest_a, digest_c);
    let class = &a.classes["request"];
    assert!(
        class.rejected > 0 && class.timed_out > 0,
        "the run exercises every outcome"
    );
}
