//! Switching a mechanism twice while the first one still holds requests
//! (a reader clicking through the radio buttons under overload) strands
//! nothing: every request still ends. Before, the twice-retired flow control
//! or etcd client was dropped with its queued requests or waiting calls,
//! which then stayed "in flight" forever (found while reviewing the fuzz
//! crash of an etcd client replaced twice).
#![cfg(not(target_arch = "wasm32"))]

use cplab::sim::models::control_plane::{ControlPlaneChange as C, ControlPlaneSpec};
use cplab::sim::models::etcd::client::EtcdClientKind;
use cplab::sim::models::flow_control::FlowControlKind;
use cplab::sim::{Change, DurationLaw, Scenario, Simulation};

fn run(spec: ControlPlaneSpec, switches: &[C], calm: &[C]) -> Simulation {
    let scenario = Scenario {
        control_plane: Some(spec),
        ..Scenario::default()
    };
    let mut sim = Simulation::new(&scenario, 1).expect("valid");
    sim.run_for(5.0);
    assert!(
        sim.in_system() > 1_000,
        "not overloaded: {}",
        sim.in_system()
    );
    for &change in switches {
        sim.reconfigure(Change::ControlPlane(change))
            .expect("valid");
        sim.run_for(0.1);
    }
    // Then the load goes and the bottleneck with it: everything drains.
    for &change in calm.iter().chain(&[C::Nodes(10)]) {
        sim.reconfigure(Change::ControlPlane(change))
            .expect("valid");
    }
    sim.run_for(180.0);
    sim
}

#[test]
fn flow_control_switched_twice_strands_no_queued_request() {
    let mut spec = ControlPlaneSpec::upstream(5_000);
    spec.max_requests_inflight = 5;
    spec.max_mutating_requests_inflight = 5;
    spec.processing = DurationLaw::Exponential { mean: 0.05 };
    // Cores of their own: sized by the nodes, they would shrink to 2 with
    // the calm's 10 nodes, and the backlog would take longer than the
    // drain to clear.
    spec.api_server_cores = 64;
    let sim = run(
        spec,
        &[
            C::FlowControl(FlowControlKind::MaxInflight),
            C::FlowControl(FlowControlKind::ArticleQueue),
            C::FlowControl(FlowControlKind::Apf),
            C::FlowControl(FlowControlKind::MaxInflight),
            C::FlowControl(FlowControlKind::Apf),
        ],
        &[
            C::MaxRequestsInflight(400),
            C::MaxMutatingRequestsInflight(200),
        ],
    );
    // A few requests of the light load are always in flight; thousands were stranded.
    assert!(
        sim.in_system() < 50,
        "{} still in the system",
        sim.in_system()
    );
    let snapshot = sim.snapshot();
    assert!(snapshot.seats_in_use <= snapshot.seats);
}

#[test]
fn etcd_client_replaced_twice_strands_no_waiting_call() {
    let mut spec = ControlPlaneSpec::upstream(5_000);
    spec.etcd_client.kind = EtcdClientKind::Pool;
    spec.etcd_client.pool_connections = 1;
    spec.etcd_client.max_streams = 2;
    spec.etcd.fsync = DurationLaw::Deterministic { mean: 0.05 };
    let sim = run(
        spec,
        &[
            C::EtcdConnections(2),
            C::EtcdConnections(1),
            C::EtcdConnections(3),
            C::EtcdClient(EtcdClientKind::PerResource),
        ],
        &[C::FsyncLatency(0.001)],
    );
    assert!(
        sim.in_system() < 50,
        "{} still in the system",
        sim.in_system()
    );
}
