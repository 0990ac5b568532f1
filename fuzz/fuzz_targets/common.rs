//! What every fuzz target checks after driving a simulation.

use cplab::sim::Simulation;

/// Events one fuzz case may handle in all: a case stays a few milliseconds,
/// however heavy the configuration it asks for (no case can hang), so a
/// million cases fit in an hour of one core.
pub const MAX_EVENTS: u64 = 4_000;

/// The invariants that hold after any sequence of calls: requests are
/// conserved (arrived = completed + rejected + timed out + in the system,
/// counted from the model's state), and every reported number is finite.
pub fn check_invariants(sim: &Simulation) {
    let (arrived, finished) = sim.metrics().iter().fold((0u64, 0u64), |(a, f), class| {
        let c = class.all;
        (a + c.arrived, f + c.completed + c.rejected + c.timed_out)
    });
    assert_eq!(
        arrived,
        finished + sim.in_system(),
        "conservation at t = {} ns",
        sim.now()
    );
    let summary = sim.summary();
    assert!(summary.simulated_s.is_finite());
    for (name, class) in &summary.classes {
        for value in [
            class.mean_queue_wait_s,
            class.mean_response_s,
            class.p50_s,
            class.p90_s,
            class.p99_s,
        ] {
            assert!(value.is_finite(), "{name}: {class:?}");
        }
        assert!(
            class.p50_s <= class.p90_s && class.p90_s <= class.p99_s,
            "{name}: {class:?}"
        );
    }
    if let Some(u) = summary.utilisation {
        assert!(u.is_finite(), "utilisation {u}");
    }
    let snapshot = sim.snapshot();
    assert!(snapshot.time.is_finite());
    if let Some(cp) = sim.control_plane_snapshot(7, 64) {
        assert!(cp.requests.len() <= 64);
        for request in cp.requests {
            assert!(request.arrived.is_finite() && request.stage_since >= request.arrived);
        }
    }
}
