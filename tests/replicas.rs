//! API servers behind a load balancer: requests conserved and runs
//! deterministic with several, clients pinned to their connection's
//! server, and a restart (a rolling upgrade) that loses no request and
//! moves its clients' load to the others.
#![cfg(not(target_arch = "wasm32"))]

use cplab::sim::models::control_plane::{ControlPlaneChange, ControlPlaneSpec, Phase};
use cplab::sim::{Change, Scenario, Simulation};

fn scenario(spec: ControlPlaneSpec, duration: f64) -> Scenario {
    Scenario {
        name: "replicas".into(),
        description: String::new(),
        duration,
        warmup: 10.0,
        control_plane: Some(spec),
        ..Scenario::default()
    }
}

fn three(nodes: u32) -> ControlPlaneSpec {
    let mut spec = ControlPlaneSpec::upstream(nodes);
    spec.api_servers = 3;
    spec
}

fn conserved(sim: &Simulation) {
    assert_eq!(sim.conservation(), Ok(()));
}

#[test]
fn three_servers_conserve_every_request_and_share_the_load() {
    let mut sim = Simulation::new(&scenario(three(1_000), 60.0), 7).expect("valid");
    for _ in 0..60 {
        sim.run_for(1.0);
        conserved(&sim);
    }
    let summary = sim.summary();
    assert_eq!(summary.api_servers.len(), 3);
    let names: Vec<&str> = summary
        .api_servers
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["apiserver-1", "apiserver-2", "apiserver-3"]);
    // 1,000 kubelets, the controller-manager, the scheduler and 20
    // operators, round-robin: 340 or 341 each.
    for server in &summary.api_servers {
        assert!((340..=342).contains(&server.connections), "{server:?}");
        assert_eq!(server.phase, "serving");
        assert!(server.cpu_mean > 0.0, "every server works: {server:?}");
    }
    // The kube-up size for 1,000 nodes is 32 cores each.
    assert!(summary.api_servers.iter().all(|s| s.cores == Some(32.0)));
    assert!(summary.classes["watch"].completed > 1_000);
}

#[test]
fn the_same_seed_gives_the_same_numbers_with_replicas() {
    let run = |seed| {
        let mut sim = Simulation::new(&scenario(three(500), 40.0), seed).expect("valid");
        sim.advance_to(cplab::sim::from_secs(15.0));
        sim.reconfigure(Change::ControlPlane(ControlPlaneChange::RestartApiServer(
            2,
        )))
        .expect("valid");
        sim.run_to_end();
        sim.digest()
    };
    assert_eq!(run(3), run(3));
    assert_ne!(run(3), run(4));
}

/// The cores a server was busy with over the last `seconds` (its
/// snapshot's busy cores, sampled every 100 ms).
fn busy(sim: &mut Simulation, seconds: f64) -> Vec<f64> {
    let steps = (seconds * 10.0) as usize;
    let mut sums = [0.0; 3];
    for _ in 0..steps {
        sim.run_for(0.1);
        conserved(sim);
        let snapshot = sim.control_plane_snapshot(1_000, 0).expect("control plane");
        for (sum, server) in sums.iter_mut().zip(&snapshot.servers) {
            *sum += server.cpu_busy;
        }
    }
    sums.iter().map(|s| s / steps as f64).collect()
}

#[test]
fn a_restarted_server_drains_loses_nothing_and_its_clients_stay_on_the_others() {
    // Ten times the 1,000-node load: ~1 core busy on each of 16.
    let mut spec = three(1_000);
    spec.api_server_cores = 16;
    spec.workload.load_factor = 10.0;
    let mut sim = Simulation::new(&scenario(spec, 200.0), 1).expect("valid");
    sim.run_for(20.0);
    let before = busy(&mut sim, 10.0);
    let snapshot = sim.control_plane_snapshot(1_000, 0).expect("control plane");
    let connections_before: Vec<u32> = snapshot.servers.iter().map(|s| s.connections).collect();

    sim.reconfigure(Change::ControlPlane(ControlPlaneChange::RestartApiServer(
        2,
    )))
    .expect("valid");
    conserved(&sim);
    let snapshot = sim.control_plane_snapshot(1_000, 0).expect("control plane");
    let server = &snapshot.servers[1];
    assert_eq!(server.connections, 0, "its clients reconnect at once");
    assert!(matches!(server.phase, Phase::Draining | Phase::Stopped));
    let moved: u32 = connections_before[1];
    assert_eq!(
        snapshot.servers[0].connections + snapshot.servers[2].connections,
        connections_before[0] + connections_before[2] + moved
    );

    // It drains within the request timeout and stays down for 20 s.
    let during = busy(&mut sim, 10.0);
    let snapshot = sim.control_plane_snapshot(1_000, 0).expect("control plane");
    assert_eq!(snapshot.servers[1].phase, Phase::Stopped);
    assert_eq!(snapshot.servers[1].requests, 0);
    assert!(
        during[1] < 0.01,
        "a stopped server does nothing: {during:?}"
    );
    let (others_before, others_during) = (before[0] + before[2], during[0] + during[2]);
    assert!(
        others_during > others_before * 1.3,
        "the others take over its load: {before:?} -> {during:?}"
    );
    for other in [0, 2] {
        assert!(
            during[other] > before[other],
            "apiserver-{} takes some: {before:?} -> {during:?}",
            other + 1
        );
    }

    // Back after its restart time, re-listing its caches from etcd.
    sim.run_for(5.0);
    let mut relisted = false;
    for _ in 0..150 {
        sim.run_for(0.1);
        let snapshot = sim.control_plane_snapshot(1_000, 0).expect("control plane");
        let server = &snapshot.servers[1];
        if server.phase == Phase::Serving {
            relisted |= server.relisting;
            assert_eq!(server.restarts, 1);
        }
    }
    assert!(relisted, "its caches re-list on the way back");
    // Its old clients stay where they went: only kubectl's connections
    // (one per command) reach it.
    sim.run_for(30.0);
    let snapshot = sim.control_plane_snapshot(1_000, 0).expect("control plane");
    assert_eq!(snapshot.servers[1].phase, Phase::Serving);
    assert!(!snapshot.servers[1].relisting);
    assert_eq!(snapshot.servers[1].connections, 0, "the imbalance stays");
    sim.run_to_end();
    conserved(&sim);
    let summary = sim.summary();
    assert_eq!(summary.api_servers[1].restarts, 1);
}

#[test]
fn goaway_rebalances_the_connections_after_a_restart() {
    let mut spec = three(300);
    spec.goaway_chance = 0.02;
    let mut sim = Simulation::new(&scenario(spec, 300.0), 1).expect("valid");
    sim.run_for(20.0);
    sim.reconfigure(Change::ControlPlane(ControlPlaneChange::RestartApiServer(
        1,
    )))
    .expect("valid");
    sim.run_for(5.0);
    let snapshot = sim.control_plane_snapshot(1_000, 0).expect("control plane");
    assert_eq!(snapshot.servers[0].connections, 0);
    let mut back = Vec::new();
    for _ in 0..2 {
        sim.run_for(100.0);
        conserved(&sim);
        let snapshot = sim.control_plane_snapshot(1_000, 0).expect("control plane");
        back.push(snapshot.servers[0].connections);
    }
    // 322 clients, each sent away about once in 50 requests, reconnect
    // round-robin: the restarted server fills up again, towards a third.
    assert!(
        back[0] > 10 && back[1] > back[0] && back[1] < 322 / 3 + 10,
        "GOAWAY turns the connections over: {back:?}"
    );
}

#[test]
fn with_one_server_a_restart_is_an_outage_and_every_request_is_accounted() {
    let mut sim =
        Simulation::new(&scenario(ControlPlaneSpec::upstream(100), 60.0), 1).expect("valid");
    sim.run_for(15.0);
    let failed_before = sim.summary().classes["mutating"].timed_out;
    sim.reconfigure(Change::ControlPlane(ControlPlaneChange::RestartApiServer(
        1,
    )))
    .expect("valid");
    sim.run_for(10.0);
    conserved(&sim);
    let classes = sim.summary().classes;
    assert!(
        classes["mutating"].timed_out > failed_before + 50,
        "requests with no server to go to fail: {:?}",
        classes["mutating"]
    );
    sim.run_to_end();
    conserved(&sim);
    let snapshot = sim.control_plane_snapshot(1_000, 0).expect("control plane");
    assert_eq!(snapshot.servers[0].phase, Phase::Serving, "it came back");
}

#[test]
fn servers_added_start_empty_and_removed_ones_drain_and_stop() {
    let mut sim =
        Simulation::new(&scenario(ControlPlaneSpec::upstream(500), 90.0), 2).expect("valid");
    sim.run_for(15.0);
    sim.reconfigure(Change::ControlPlane(ControlPlaneChange::ApiServers(3)))
        .expect("valid");
    sim.run_for(20.0);
    conserved(&sim);
    let snapshot = sim.control_plane_snapshot(1_000, 0).expect("control plane");
    assert_eq!(snapshot.servers.len(), 3);
    assert!(snapshot.servers.iter().all(|s| s.phase == Phase::Serving));
    // New servers get only new connections: kubectl's.
    assert!(
        snapshot.servers[1].requests + snapshot.servers[2].requests
            < snapshot.servers[0].requests + 50
    );
    sim.reconfigure(Change::ControlPlane(ControlPlaneChange::ApiServers(1)))
        .expect("valid");
    sim.run_for(30.0);
    conserved(&sim);
    let snapshot = sim.control_plane_snapshot(1_000, 0).expect("control plane");
    assert_eq!(snapshot.servers[1].phase, Phase::Stopped);
    assert_eq!(snapshot.servers[2].phase, Phase::Stopped);
    assert_eq!(snapshot.servers[0].connections, 500 + 22);
    sim.run_to_end();
    conserved(&sim);
}

#[test]
fn a_server_removed_and_wanted_back_before_it_stopped_serves_again() {
    let mut sim = Simulation::new(&scenario(three(500), 60.0), 3).expect("valid");
    sim.run_for(10.0);
    for count in [2, 3] {
        sim.reconfigure(Change::ControlPlane(ControlPlaneChange::ApiServers(count)))
            .expect("valid");
    }
    sim.run_for(20.0);
    conserved(&sim);
    let snapshot = sim.control_plane_snapshot(1_000, 0).expect("control plane");
    assert!(
        snapshot.servers.iter().all(|s| s.phase == Phase::Serving),
        "{:?}",
        snapshot.servers
    );
}

/// A server removed while it restarted stays stopped, and starts when the
/// count takes it back (it stayed stopped for good before: its restart
/// was still marked as pending).
#[test]
fn a_server_removed_while_it_restarted_starts_when_wanted_back() {
    let mut sim = Simulation::new(&scenario(three(500), 90.0), 3).expect("valid");
    sim.run_for(10.0);
    let change = |c| Change::ControlPlane(c);
    sim.reconfigure(change(ControlPlaneChange::RestartApiServer(3)))
        .expect("valid");
    sim.run_for(5.0);
    sim.reconfigure(change(ControlPlaneChange::ApiServers(2)))
        .expect("valid");
    // Past its 20 s restart: it stays stopped, being removed.
    sim.run_for(25.0);
    let phase =
        |sim: &Simulation| sim.control_plane_snapshot(1_000, 0).expect("cp").servers[2].phase;
    assert_eq!(phase(&sim), Phase::Stopped);
    sim.reconfigure(change(ControlPlaneChange::ApiServers(3)))
        .expect("valid");
    sim.run_for(5.0);
    assert_eq!(phase(&sim), Phase::Serving);
    conserved(&sim);
}

#[test]
fn a_relist_that_meets_a_leader_election_lists_again_until_it_has_the_objects() {
    // The article's pool client gives up on a read after three attempts.
    let mut spec = three(500);
    spec.etcd_client.kind = cplab::sim::models::etcd::client::EtcdClientKind::Pool;
    let mut sim = Simulation::new(&scenario(spec, 120.0), 4).expect("valid");
    sim.run_for(10.0);
    let restart = ControlPlaneChange::RestartApiServer(3);
    sim.reconfigure(Change::ControlPlane(restart))
        .expect("valid");
    // It drains at once and is back 20 s later, just after etcd lost its
    // leader: its re-lists meet an etcd without one.
    sim.run_for(19.95);
    sim.reconfigure(Change::ControlPlane(ControlPlaneChange::LeaderElection))
        .expect("valid");
    sim.run_for(40.0);
    conserved(&sim);
    let snapshot = sim.control_plane_snapshot(1_000, 0).expect("control plane");
    let server = &snapshot.servers[2];
    assert_eq!(server.phase, Phase::Serving);
    assert_eq!(server.restarts, 1);
    assert!(
        !server.relisting,
        "its caches have their objects: {server:?}"
    );
}

/// A server restarted again while it re-listed: the first life's re-lists
/// are orphaned. Their late replies neither make the second life's caches
/// ready before its own re-lists come back nor add to its heap (one
/// re-list's worth, not two).
#[test]
fn a_relist_of_an_ended_life_neither_readies_nor_fills_the_next() {
    let mut spec = three(500);
    spec.workload.resources = vec![cplab::sim::models::control_plane::spec::ResourceSpec {
        name: "widgets.example.com".into(),
        objects: Some(400_000),
        object_kib: Some(10.0),
        watchers: None,
    }];
    let mut sim = Simulation::new(&scenario(spec, 200.0), 5).expect("valid");
    let change = |c| Change::ControlPlane(c);
    let server = |sim: &Simulation| {
        let snapshot = sim.control_plane_snapshot(1_000, 0).expect("cp");
        snapshot.servers[2].clone()
    };
    // Restarted at 10 s, back at 30 s and re-listing its 3.8 GiB of
    // widgets (etcd's reply arrives about 39 s later), restarted again at
    // 40 s, back at 60 s: the first life's reply arrives near 69 s.
    let restart = |sim: &mut Simulation| {
        sim.reconfigure(change(ControlPlaneChange::RestartApiServer(3)))
            .expect("valid")
    };
    sim.run_for(10.0);
    restart(&mut sim);
    sim.run_for(30.0);
    assert!(server(&sim).relisting);
    restart(&mut sim);
    sim.run_for(20.5);
    for _ in 0..35 {
        sim.run_for(1.0);
        let s = server(&sim);
        assert_eq!(s.phase, Phase::Serving);
        assert!(s.relisting, "ready before its own re-list: {s:?}");
        assert!(s.memory_gib < 2.0, "an orphaned reply filled it: {s:?}");
    }
    sim.run_for(80.0);
    let s = server(&sim);
    assert!(!s.relisting, "{s:?}");
    let cache_gib = 400_000.0 * 10.0 * 3.0 / 1024.0 / 1024.0;
    assert!(
        (s.memory_gib - cache_gib).abs() < 0.1 * cache_gib + 1.0,
        "one cache's worth: {s:?}"
    );
    conserved(&sim);
}
