//! Determinism across platforms: a fixed scenario, seed and sequence of
//! mid-run changes must give the same digest natively and in wasm (this file
//! runs under both `cargo test` and wasm-bindgen-test in Chromium).

use cplab::sim::{Change, Scenario, Simulation, StationChange};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const SCENARIO: &str = r#"
name = "golden"
duration = 600.0
warmup = 30.0

[station]
arrival_rate = 40.0
servers = 3
queue_capacity = 200
queue_timeout = 5.0
service = { distribution = "lognormal", mean = 0.07, cv = 1.2 }
"#;

/// The digest of the run below, computed once and kept: a change to it means
/// results changed, on purpose (update it) or not (a bug).
const GOLDEN_DIGEST: u64 = 12_041_342_047_146_602_269;

fn golden_run() -> Simulation {
    let scenario = Scenario::from_toml(SCENARIO).expect("valid scenario");
    let mut sim = Simulation::new(&scenario, 2024).expect("valid");
    sim.run_for(120.0);
    // Changes at fixed simulated times, as a reader's slider moves would be.
    for change in [
        StationChange::Servers(2),
        StationChange::ArrivalRate(55.0),
        StationChange::ServiceMean(0.03),
        StationChange::QueueCapacity(None),
        StationChange::Servers(4),
    ] {
        sim.reconfigure(Change::Station(change))
            .expect("valid change");
        sim.run_for(60.0);
    }
    sim.run_to_end();
    sim
}

#[test]
fn digest_is_the_same_on_every_platform() {
    let sim = golden_run();
    let class = &sim.summary().classes["request"];
    assert!(class.completed > 10_000 && class.rejected > 0 && class.timed_out > 0);
    assert_eq!(
        sim.digest(),
        GOLDEN_DIGEST,
        "summary: {}",
        serde_json::to_string(&sim.summary()).unwrap_or_default()
    );
}

/// The control-plane model of three API servers with faults, a restart of
/// one and a switch of mechanism mid-run.
const CONTROL_PLANE_GOLDEN_DIGEST: u64 = 6_166_763_494_950_419_082;

fn control_plane_golden_run() -> Simulation {
    use cplab::sim::models::control_plane::{
        ControlPlaneChange, ControlPlaneSpec, WebhookHandling,
    };
    use cplab::sim::models::flow_control::FlowControlKind;
    let scenario = Scenario {
        name: "control plane golden".into(),
        duration: 60.0,
        warmup: 5.0,
        control_plane: Some(ControlPlaneSpec {
            api_servers: 3,
            goaway_chance: 0.01,
            ..ControlPlaneSpec::upstream(300)
        }),
        ..Scenario::default()
    };
    let mut sim = Simulation::new(&scenario, 7).expect("valid");
    for change in [
        ControlPlaneChange::SlowWebhook(40.0),
        ControlPlaneChange::LeaderElection,
        ControlPlaneChange::WebhookHandling(WebhookHandling::Dedicated),
        ControlPlaneChange::FlowControl(FlowControlKind::ArticleQueue),
        ControlPlaneChange::RestartStorm(0.5),
        ControlPlaneChange::RestartApiServer(2),
        ControlPlaneChange::Nodes(600),
    ] {
        sim.run_for(8.0);
        sim.reconfigure(Change::ControlPlane(change))
            .expect("valid change");
    }
    sim.run_to_end();
    sim
}

#[test]
fn control_plane_digest_is_the_same_on_every_platform() {
    let sim = control_plane_golden_run();
    let summary = sim.summary();
    assert!(summary.classes["mutating"].completed > 1_000);
    assert!(summary.classes["discovery"].completed > 0);
    assert_eq!(
        sim.digest(),
        CONTROL_PLANE_GOLDEN_DIGEST,
        "summary: {}",
        serde_json::to_string(&summary).unwrap_or_default()
    );
}

/// A shipped teaching scenario whose timeline turns a fault on and off:
/// the scheduled changes are part of what must replay identically.
const TIMELINE_GOLDEN_DIGEST: u64 = 6_534_927_484_160_792_752;

#[test]
fn a_scenario_timeline_replays_the_same_on_every_platform() {
    let mut scenario = cplab::sim::studies::catalog::find("fsync-spike")
        .expect("shipped")
        .scenario()
        .expect("valid");
    scenario.duration = 70.0;
    let mut sim = Simulation::new(&scenario, 11).expect("valid");
    // Bounded steps, as the page's frames take them: the timeline applies
    // at its own instants whatever the steps.
    let end = cplab::sim::from_secs(scenario.duration);
    while sim.now() < end {
        sim.advance_bounded((sim.now() + 123_456_789).min(end), 5_000);
    }
    let fired = sim.take_fired();
    assert_eq!(fired.len(), 2, "the spike on and off");
    let writes = &sim.summary().classes["etcd-write"];
    assert!(writes.p99_s > 0.02, "the spike shows: {writes:?}");
    let mut whole = Simulation::new(&scenario, 11).expect("valid");
    whole.run_to_end();
    assert_eq!(
        serde_json::to_string(&whole.summary()).unwrap_or_default(),
        serde_json::to_string(&sim.summary()).unwrap_or_default(),
        "step sizes change nothing"
    );
    assert_eq!(
        sim.digest(),
        TIMELINE_GOLDEN_DIGEST,
        "summary: {}",
        serde_json::to_string(&sim.summary()).unwrap_or_default()
    );
}
