//! Every input that once crashed a fuzz target, and each target's minimised
//! corpus (`min-…`: a set of inputs that covers every edge its fuzzing
//! reached, from `-set_cover_merge=1 -use_counters=0`), replayed natively
//! through the same case code (tests/fuzzing/cases.rs), so a fixed crash
//! stays fixed and what the fuzzer explored stays explored without
//! cargo-fuzz. To add a crash: copy the file libFuzzer wrote
//! (`fuzz/artifacts/<target>/crash-…`) into `tests/fuzz-regressions/<target>/`
//! under a name that says what it found.
#![cfg(not(target_arch = "wasm32"))]

#[path = "fuzzing/cases.rs"]
mod cases;

use std::path::Path;

fn replay(target: &str, case: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    inputs.sort();
    for path in &inputs {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        eprintln!("replaying {}", path.display());
        case(&data);
    }
    inputs.len()
}

#[test]
fn simulation_crashes_stay_fixed() {
    assert!(replay("simulation", cases::simulation) >= 3);
}

#[test]
fn url_state_inputs_stay_fine() {
    assert!(replay("url_state", cases::url_state) > 10);
}

#[test]
fn scenario_parser_inputs_stay_fine() {
    assert!(replay("scenario_toml", cases::scenario_toml) > 10);
}

// The same bugs, written out.

use cplab::sim::models::control_plane::{ControlPlaneChange as C, ControlPlaneSpec};
use cplab::sim::{Change, DurationLaw, Scenario, Simulation};

fn control_plane(spec: ControlPlaneSpec) -> Scenario {
    Scenario {
        control_plane: Some(spec),
        ..Scenario::default()
    }
}

/// A draw from a log-normal with a huge cv saturated to `u64::MAX` ns and
/// `now + cpu` overflowed (fuzz: overflow-cpu-draw). Draws are now capped.
#[test]
fn a_huge_draw_does_not_overflow_the_clock() {
    let mut spec = ControlPlaneSpec::upstream(100);
    spec.processing = DurationLaw::Lognormal {
        mean: 86_400.0,
        cv: 20.0,
    };
    spec.serialize_per_kib = 1.0;
    let mut sim = Simulation::new(&control_plane(spec), 3).expect("valid");
    sim.advance_bounded(u64::MAX, 20_000);
    cases::check_invariants(&sim);
}

/// With no workload the calendar runs dry and `advance_to(u64::MAX)` put the
/// clock at `u64::MAX`; the next fault's `now + delay` overflowed. The clock
/// now stops at `MAX_CLOCK`.
#[test]
fn the_clock_stops_short_of_overflow_when_the_calendar_runs_dry() {
    let mut spec = ControlPlaneSpec::upstream(1);
    spec.workload.derived = false;
    let mut sim = Simulation::new(&control_plane(spec), 1).expect("valid");
    sim.advance_to(u64::MAX);
    assert_eq!(sim.now(), cplab::sim::simulation::MAX_CLOCK);
    for change in [
        C::RestartStorm(1.0),
        C::LeaderElection,
        C::Nodes(15_000),
        C::SlowWebhook(f64::INFINITY),
    ] {
        sim.reconfigure(Change::ControlPlane(change))
            .expect("valid");
        sim.advance_bounded(u64::MAX, 5_000);
        cases::check_invariants(&sim);
    }
}

/// Two etcd client replacements while calls were in flight: replies of the
/// first client's calls went to the second, indexing its one connection with
/// the first client's connection numbers: index out of bounds, a panic in
/// the page too (fuzz: etcd-client-replaced-twice). A slider and a switch
/// can do it: etcd connections to 1, Pool, then the connections again.
#[test]
fn replies_of_a_client_replaced_twice_do_not_panic() {
    use cplab::sim::models::etcd::client::EtcdClientKind;
    let mut sim =
        Simulation::new(&control_plane(ControlPlaneSpec::upstream(5_000)), 9).expect("valid");
    for seed_step in 0..20 {
        sim.run_for(0.5 + 0.01 * seed_step as f64);
        for change in [
            C::EtcdConnections(1),
            C::EtcdClient(EtcdClientKind::Pool),
            C::EtcdConnections(2),
            C::EtcdClient(EtcdClientKind::PerResource),
        ] {
            sim.reconfigure(Change::ControlPlane(change))
                .expect("valid");
            sim.advance_bounded(sim.now() + 1_000_000, 2_000);
        }
        cases::check_invariants(&sim);
    }
    // Nothing is stranded: after the switching stops, requests drain.
    sim.run_for(120.0);
    cases::check_invariants(&sim);
    let in_flight = sim.in_system();
    assert!(
        in_flight < 5_000,
        "{in_flight} requests still in the system"
    );
}

/// A webhook call asked before the warm-up ended but given a slot of the
/// dedicated limit after it counted as a measured completion without a
/// measured arrival: the summary's `in_flight` underflowed (fuzz:
/// webhook-measured-after-warmup). It saturates now.
#[test]
fn a_webhook_call_waiting_across_the_warmup_does_not_underflow() {
    use cplab::sim::models::control_plane::WebhookHandling;
    let mut spec = ControlPlaneSpec::upstream(1_000);
    spec.webhook_handling = WebhookHandling::Dedicated;
    spec.webhook_concurrency = 1;
    let scenario = Scenario {
        warmup: 5.0,
        control_plane: Some(spec),
        ..Scenario::default()
    };
    let mut sim = Simulation::new(&scenario, 2).expect("valid");
    sim.reconfigure(Change::ControlPlane(C::WebhookLatency(0.5)))
        .expect("valid");
    // A queue of calls builds up before the warm-up ends; then the load
    // stops, so after it the queue's completions outnumber new calls.
    sim.run_for(4.9);
    sim.reconfigure(Change::ControlPlane(C::Nodes(1)))
        .expect("valid");
    sim.run_for(60.0);
    cases::check_invariants(&sim);
    let webhook = &sim.summary().classes["webhook"];
    assert!(webhook.in_flight < 100_000, "{webhook:?}");
}
