//! A watch cache that falls behind etcd (kubernetes/kubernetes#138494):
//! consistent LISTs wait 3 s for it (`blockTimeout`, `watch_cache.go`),
//! then read etcd (`cacher.go` `GetList`'s fallback), or with the alpha
//! gate ConsistentListFromCacheSkipTimeoutFallback (kubernetes#138701)
//! get a 429 with Retry-After 3. The shipped scenario `question-stale-cache`
//! makes every cache apply etcd's events 5 s late from 30 s, the thread's
//! artificial delay.
#![cfg(not(target_arch = "wasm32"))]

use cplab::sim::models::control_plane::{CacheTimeout, ControlPlaneChange};
use cplab::sim::studies::catalog;
use cplab::sim::{Change, ClassSummary, Scenario, Simulation};
use std::collections::BTreeMap;

fn shipped() -> Scenario {
    catalog::find("question-stale-cache")
        .and_then(|e| e.scenario().ok())
        .expect("shipped")
}

fn run(scenario: &Scenario) -> (BTreeMap<String, ClassSummary>, f64, f64) {
    let mut sim = Simulation::new(scenario, 1).expect("valid");
    sim.run_to_end();
    assert_eq!(sim.conservation(), Ok(()));
    let summary = sim.summary();
    let peak_gib = summary.api_servers[0].peak_memory_gib;
    let leader = summary
        .etcd
        .iter()
        .find(|m| m.role == "leader")
        .expect("a leader");
    (summary.classes.clone(), peak_gib, leader.cpu_mean)
}

fn without_lag(mut scenario: Scenario) -> Scenario {
    scenario.timeline.clear();
    scenario
}

fn rejecting(mut scenario: Scenario) -> Scenario {
    let cp = scenario.control_plane.as_mut().expect("a control plane");
    cp.cache_timeout = CacheTimeout::Reject;
    scenario
}

#[test]
fn a_cache_behind_sends_every_consistent_list_to_etcd_after_3_s() {
    let (calm, calm_peak, calm_etcd) = run(&without_lag(shipped()));
    let (behind, behind_peak, behind_etcd) = run(&shipped());
    assert!(calm["list"].p99_s < 1.0, "{:?}", calm["list"]);
    assert_eq!(calm["cache-wait"].timed_out, 0, "the cache keeps up");
    // From 30 s of 120 (10 s of warm-up): most waits time out, and every
    // LIST that did is at least 3 s long.
    let waits = &behind["cache-wait"];
    assert!(
        waits.timed_out as f64 > 0.7 * waits.arrived as f64,
        "{waits:?}"
    );
    assert!(behind["list"].p50_s >= 3.0, "{:?}", behind["list"]);
    // Watchers hear of each change 5 s late.
    assert!(
        (behind["watch"].p50_s - 5.0).abs() < 0.1,
        "{:?}",
        behind["watch"]
    );
    // Every fallback reads all 30,000 pods from etcd, which the server
    // decodes and holds: etcd's leader and the server's memory climb.
    assert!(
        behind_etcd > 20.0 * calm_etcd,
        "{calm_etcd} -> {behind_etcd}"
    );
    assert!(
        behind_peak > 2.0 * calm_peak,
        "{calm_peak} -> {behind_peak} GiB"
    );
}

#[test]
fn with_the_alpha_gate_a_list_the_cache_cannot_serve_is_refused_not_read_from_etcd() {
    let (fallback, fallback_peak, fallback_etcd) = run(&shipped());
    let (refused, refused_peak, refused_etcd) = run(&rejecting(shipped()));
    // Every LIST that completed came from the cache (its wait ended),
    // where with the fallback most came from etcd.
    assert_eq!(refused["list"].completed, refused["cache-wait"].completed);
    assert!(fallback["list"].completed > 2 * fallback["cache-wait"].completed);
    assert!(refused["list"].rejected > 1_000, "{:?}", refused["list"]);
    assert!(
        refused_etcd < 0.1 * fallback_etcd,
        "{fallback_etcd} vs {refused_etcd}"
    );
    assert!(
        refused_peak < 0.5 * fallback_peak,
        "{fallback_peak} vs {refused_peak}"
    );
}

/// Turned off, the lag ends in order: the events it held arrive, the cache
/// catches up, and consistent LISTs are served from it again.
#[test]
fn a_cache_that_catches_up_serves_lists_again() {
    let mut sim = Simulation::new(&shipped(), 1).expect("valid");
    sim.run_for(60.0);
    let held = sim.summary().classes["watch"].in_flight;
    assert!(held > 100, "events held back: {held}");
    sim.reconfigure(Change::ControlPlane(ControlPlaneChange::WatchCacheLag(0.0)))
        .expect("valid");
    sim.run_for(10.0);
    let before = sim.summary().classes;
    sim.run_for(30.0);
    let after = sim.summary().classes;
    assert_eq!(sim.conservation(), Ok(()));
    assert!(after["watch"].in_flight < 50, "{:?}", after["watch"]);
    let waited = after["cache-wait"].completed - before["cache-wait"].completed;
    let gave_up = after["cache-wait"].timed_out - before["cache-wait"].timed_out;
    assert!(
        waited > 100 && gave_up == 0,
        "{waited} served, {gave_up} gave up"
    );
}
