//! Client-side rate limits: every client-go client waits in a token bucket
//! before it sends (`rest/request.go`, `tryThrottleWithInfo`, which logs
//! "client-side throttling, not priority and fairness"; x/time/rate's
//! limiter, `util/flowcontrol/throttle.go`). The shipped scenario
//! `question-client-throttling` has an operator that wants 20 requests a
//! second with client-go's default of 5 (`rest/config.go`, `DefaultQPS`,
//! `DefaultBurst` 10).
#![cfg(not(target_arch = "wasm32"))]

use cplab::sim::models::control_plane::ControlPlaneSpec;
use cplab::sim::studies::catalog;
use cplab::sim::{ClassSummary, Scenario, Simulation};
use std::collections::BTreeMap;

fn shipped() -> Scenario {
    catalog::find("question-client-throttling")
        .and_then(|e| e.scenario().ok())
        .expect("shipped")
}

fn with(mut scenario: Scenario, change: impl FnOnce(&mut ControlPlaneSpec)) -> Scenario {
    change(scenario.control_plane.as_mut().expect("a control plane"));
    scenario
}

fn run(scenario: &Scenario) -> BTreeMap<String, ClassSummary> {
    let mut sim = Simulation::new(scenario, 1).expect("valid");
    sim.run_to_end();
    assert_eq!(sim.conservation(), Ok(()));
    sim.summary().classes.clone()
}

/// The requests the API server saw: reads of one object and writes.
fn at_the_server(classes: &BTreeMap<String, ClassSummary>) -> u64 {
    classes["read-single"].arrived + classes["mutating"].arrived
}

#[test]
fn a_client_over_its_qps_waits_in_itself_and_the_server_sees_its_qps() {
    let throttled = run(&shipped());
    let free = run(&with(shipped(), |cp| cp.client_limits.qps = 50.0));
    let waits = &throttled["client-wait"];
    // 20 wanted, 5 sent a second: the bucket's debt grows until the waits
    // reach the model's minute, and the rest are given up.
    assert!(waits.p99_s > 50.0, "{waits:?}");
    assert!(waits.timed_out > 1_000, "{waits:?}");
    assert_eq!(
        waits.arrived,
        waits.completed + waits.timed_out + waits.in_flight,
        "each request is sent, given up or still waiting"
    );
    // The server never queued or refused anything: the wait was the
    // client's.
    assert!(throttled["queue-wait"].p99_s < 0.01);
    assert_eq!(throttled["read-single"].rejected, 0);
    assert!(throttled["read-single"].p99_s < 0.1);
    // With a QPS of 50 the operator sends its 20 a second: 15 a second more
    // reach the server over the 110 measured seconds (±10%; the operator's
    // own Poisson stream and the burst at the start make the rest).
    let more = at_the_server(&free) as f64 - at_the_server(&throttled) as f64;
    let expected = 15.0 * 110.0;
    assert!(
        (more - expected).abs() < 0.1 * expected,
        "{more} more requests reached the server, expected about {expected}"
    );
    let free_waits = &free["client-wait"];
    assert!(free_waits.p99_s < 0.05, "{free_waits:?}");
    assert_eq!(free_waits.timed_out, 0);
}

/// A bucket that never runs dry delays nothing: every other class is what
/// it is without the limits, request for request.
#[test]
fn limits_that_never_bind_change_nothing_else() {
    let off = run(&with(shipped(), |cp| cp.client_limits.enabled = false));
    let generous = run(&with(shipped(), |cp| {
        let limits = &mut cp.client_limits;
        limits.qps = 1e6;
        limits.kubelet_qps = 1e6;
        limits.controller_manager_qps = 1e6;
        limits.scheduler_qps = 1e6;
    }));
    assert_eq!(off["client-wait"].arrived, 0, "off: nobody waits");
    assert!(generous["client-wait"].arrived > 10_000);
    assert_eq!(generous["client-wait"].timed_out, 0);
    for (class, summary) in &off {
        if class != "client-wait" {
            assert_eq!(summary, &generous[class], "{class}");
        }
    }
}

/// The components' own defaults bind where their load passes them: at
/// 5,000 nodes the scheduler binds 100 pods a second (the density test's
/// rate, kubernetes#64266) against its 50 QPS, so its bindings wait; the
/// kubelets, each far under its 50, never do.
#[test]
fn the_schedulers_default_qps_limits_a_density_test() {
    let mut scenario = shipped();
    {
        let cp = scenario.control_plane.as_mut().expect("a control plane");
        cp.workload.nodes = 5_000;
        cp.workload.pod_churn_per_node_hour = 72.0;
        cp.workload.sources.clear();
    }
    scenario.duration = 40.0;
    let classes = run(&scenario);
    let waits = &classes["client-wait"];
    assert!(
        waits.p99_s > 1.0,
        "the scheduler's bindings wait: {waits:?}"
    );
    // Most requests are the kubelets' leases and status, sent at once.
    assert!(waits.p50_s < 0.001, "{waits:?}");
}

/// The diagram's clients: the requests waiting in the operator's bucket
/// are there, as many as its debt says (its 15 a second over 5 wait up to
/// the model's minute: about 5 × 60 = 300 once the waits reach it), and
/// none wait in a client whose limit is generous.
#[test]
fn the_requests_waiting_in_a_client_are_in_the_snapshot() {
    use cplab::sim::engine::time::from_secs;
    use cplab::sim::models::request::ClientKind;
    let mut sim = Simulation::new(&shipped(), 1).expect("valid");
    sim.advance_to(from_secs(90.0));
    let snapshot = sim.control_plane_snapshot(1_000, 0).expect("control plane");
    let operators: u32 = snapshot
        .client_waiting
        .iter()
        .filter(|(kind, _)| *kind == ClientKind::Operator)
        .map(|(_, n)| n)
        .sum();
    assert!((250..=320).contains(&operators), "{operators} waiting");
    assert!(
        snapshot
            .client_waiting
            .iter()
            .all(|(kind, _)| *kind == ClientKind::Operator),
        "{:?}",
        snapshot.client_waiting
    );
}
