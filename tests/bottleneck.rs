//! What limits the control plane, named from the model's own exact
//! utilisations (`sim/models/control_plane/model/loads.rs`): the readout
//! behind `cplab run --json`'s `bottleneck`, `cplab capacity` and the
//! page's "Limit now".
#![cfg(not(target_arch = "wasm32"))]

use cplab::sim::studies::catalog;
use cplab::sim::{Scenario, Simulation};

fn shipped(id: &str) -> Scenario {
    catalog::find(id)
        .and_then(|entry| entry.scenario().ok())
        .unwrap_or_else(|| panic!("{id} is shipped"))
}

fn bottleneck_of(scenario: &Scenario) -> cplab::sim::models::control_plane::Bottleneck {
    let mut sim = Simulation::new(scenario, 1).unwrap_or_else(|e| panic!("{e}"));
    sim.run_to_end();
    sim.summary().bottleneck.expect("something was busy")
}

/// Upstream 1.32 at its capacity (`cplab capacity k8s-1.32`: load × 90.1,
/// 13,308 requests/s, seed 1): the busiest of its three API servers' 32
/// cores (apiserver-2's, which the load balancer gave the controller-manager) are the resource at their limit, and the seats fill
/// because every request runs slower. With
/// the CPU unlimited (a what-if: `cpu_limited = false`) the same load
/// leaves every resource below 90%: it was the CPU. The idle preset names
/// nothing as its limit.
#[test]
fn at_capacity_upstream_is_limited_by_its_cpu() {
    let at = |cpu_limited: bool| {
        let mut at_capacity = shipped("k8s-1.32");
        let spec = at_capacity.control_plane.as_mut().expect("a control plane");
        spec.workload.load_factor *= 90.1;
        spec.cpu_limited = cpu_limited;
        at_capacity.duration = 25.0;
        at_capacity.warmup = 5.0;
        bottleneck_of(&at_capacity)
    };
    let b = at(true);
    assert!(b.resource.starts_with("CPU of apiserver-"), "{b:?}");
    assert!(b.saturated && b.utilisation > 0.95, "{b:?}");
    let b = at(false);
    assert!(!b.saturated, "{b:?}");
    assert!(
        b.ranking.iter().all(|r| !r.resource.starts_with("CPU")),
        "{b:?}"
    );

    let mut quiet = shipped("k8s-1.32");
    quiet.duration = 30.0;
    quiet.warmup = 10.0;
    let b = bottleneck_of(&quiet);
    assert!(!b.saturated && b.utilisation < 0.05, "{b:?}");
}

/// The greedy tenant (workload-low flooded by one namespace's service
/// accounts): workload-low's seats are the limit, while the server's seats
/// together are less than 60% used.
#[test]
fn a_greedy_tenant_is_limited_by_its_own_levels_seats() {
    let greedy = shipped("greedy-tenant");
    let b = bottleneck_of(&greedy);
    assert_eq!(b.resource, "workload-low seats", "{b:?}");
    assert!(b.saturated, "{b:?}");
    let seats = b.ranking.iter().find(|r| r.resource == "APF seats");
    assert!(seats.is_some_and(|s| s.utilisation < 0.6), "{b:?}");
}

/// The same scenario and seed name the same resources with the same
/// utilisations, to the bit.
#[test]
fn the_bottleneck_is_deterministic() {
    let mut scenario = shipped("slow-webhook");
    scenario.duration = 40.0;
    scenario.timeline.retain(|entry| entry.at <= 40.0);
    assert_eq!(bottleneck_of(&scenario), bottleneck_of(&scenario));
}

/// A watch dispatcher that cannot keep up (each lease event taking 12 ms
/// to send, against 100 lease renewals a second at 1,000 nodes) is named:
/// it sends events one at a time, so it is busy all the time while the
/// events' delivery falls further behind.
#[test]
fn a_dispatcher_that_cannot_keep_up_is_the_limit() {
    let mut slow = shipped("k8s-1.32");
    slow.duration = 30.0;
    slow.warmup = 10.0;
    let spec = slow.control_plane.as_mut().expect("a control plane");
    spec.watch_cache.dispatch_base = 0.012;
    let b = bottleneck_of(&slow);
    // Each of the three API servers' dispatchers sends every event.
    assert!(
        b.resource
            .starts_with("leases watch dispatcher on apiserver-"),
        "{b:?}"
    );
    assert!(b.saturated && b.utilisation <= 1.0 + 1e-9, "{b:?}");
}

/// `cplab run --json`'s `etcd`: each member's cores busy. The leader
/// serves the reads and applies every write; a follower applies every
/// write too, so it is busy with the apply alone. The leader's cores are
/// the ones the ranking reads as "etcd cores" and "etcd apply".
#[test]
fn each_etcd_member_reports_its_cores_and_the_leader_is_the_busiest() {
    let mut scenario = shipped("k8s-1.30");
    scenario.duration = 40.0;
    let mut sim = Simulation::new(&scenario, 1).unwrap_or_else(|e| panic!("{e}"));
    sim.run_to_end();
    let summary = sim.summary();
    let members = &summary.etcd;
    assert_eq!(members.len(), 3, "the presets run 3 members: {members:?}");
    let roles: Vec<&str> = members.iter().map(|m| m.role.as_str()).collect();
    assert_eq!(roles, ["leader", "follower", "follower"]);
    let (leader, follower) = (members[0].cpu_mean, members[1].cpu_mean);
    assert_eq!(follower, members[2].cpu_mean);
    // 1.30 sends consistent LISTs to etcd: the leader's reads are most of
    // its work, the apply a small part (about 100 writes/s of 22.5 µs).
    assert!(follower > 0.0 && leader > 2.0 * follower, "{members:?}");
    assert!(follower < 0.05, "{members:?}");
    let json = serde_json::to_value(&summary).expect("json");
    assert_eq!(json["etcd"][0]["name"], "etcd-1");
    assert!(json["etcd"][0]["cpu_mean"].as_f64().is_some());
}
