//! Every shipped scenario runs, and each teaching scenario shows what its
//! guide tells the reader to watch for (issue 5). Each runs to its own
//! duration with seed 1, as `cplab run NAME` does.
#![cfg(not(target_arch = "wasm32"))]

use cplab::sim::studies::catalog::{CATALOG, Group, find};
use cplab::sim::{ClassSummary, Simulation};
use std::collections::BTreeMap;

fn run(id: &str) -> BTreeMap<String, ClassSummary> {
    let scenario = find(id).expect("shipped").scenario().expect("valid");
    let mut sim = Simulation::new(&scenario, scenario.seed.unwrap_or(1)).expect("runs");
    sim.run_to_end();
    sim.summary().classes
}

#[test]
fn every_shipped_scenario_runs_to_its_end() {
    for entry in CATALOG.iter().filter(|e| e.group != Group::Example) {
        let classes = run(entry.id);
        let mutating = &classes["mutating"];
        assert!(mutating.completed > 1_000, "{}: {mutating:?}", entry.id);
        for (name, class) in &classes {
            assert!(
                class.p99_s.is_finite() && class.mean_response_s.is_finite(),
                "{}: {name}",
                entry.id
            );
        }
    }
}

#[test]
fn a_hanging_webhook_fills_the_levels_that_call_it_and_apf_keeps_reads_fast() {
    let classes = run("slow-webhook");
    assert!(classes["mutating"].p99_s > 5.0, "{:?}", classes["mutating"]);
    assert!(classes["mutating"].rejected > 100, "seats full: 429s");
    assert!(
        classes["read-single"].p99_s < 0.1,
        "{:?}",
        classes["read-single"]
    );
}

#[test]
fn an_fsync_spike_slows_every_write() {
    let classes = run("fsync-spike");
    assert!(
        classes["etcd-write"].p99_s > 0.03,
        "{:?}",
        classes["etcd-write"]
    );
    assert!(
        classes["list"].p99_s < 0.02,
        "LISTs from the cache hardly move"
    );
}

#[test]
fn a_leader_election_stalls_writes_but_loses_none_upstream() {
    let classes = run("leader-election");
    assert!(
        classes["etcd-write"].p99_s > 0.2,
        "{:?}",
        classes["etcd-write"]
    );
    assert_eq!(classes["mutating"].timed_out, 0);
}

#[test]
fn legacy_discovery_makes_a_restart_storm_take_seconds() {
    let classes = run("restart-storm");
    assert!(classes["discovery"].completed >= 150);
    assert!(
        classes["discovery"].p50_s > 10.0,
        "{:?}",
        classes["discovery"]
    );
}

#[test]
fn a_list_storm_is_absorbed_by_the_cache() {
    let classes = run("list-storm");
    assert!(classes["list"].p99_s > 0.1, "{:?}", classes["list"]);
    assert!(classes["mutating"].p99_s < 0.1, "{:?}", classes["mutating"]);
}

#[test]
fn fair_queuing_confines_a_greedy_tenant() {
    let classes = run("greedy-tenant");
    assert!(
        classes["mutating"].rejected > 10_000,
        "the flood is rejected"
    );
    let user = &classes["user"];
    assert_eq!(
        user.rejected + user.timed_out,
        0,
        "people are not: {user:?}"
    );
}

/// The A/B panel's B is never A (it would repeat A's numbers to the
/// digit), and on a first visit it shows a difference: upstream 1.30 sends
/// kubectl's consistent LISTs to etcd, 1.32 serves them from the watch
/// cache (ConsistentListFromCache, beta and on by default in 1.31).
#[test]
fn the_ab_panels_b_is_never_a_and_its_first_view_shows_a_difference() {
    use cplab::lab::params::Params;
    for entry in CATALOG.iter().filter(|e| e.group == Group::Preset) {
        let a = Params::for_preset(entry.id).expect("a preset");
        let b = a.b_side().expect("B runs");
        assert_ne!(b.preset_id(), a.preset_id(), "{}", entry.id);
        let mut chosen = a.clone();
        chosen.view.ab_preset = entry.id;
        assert_ne!(chosen.b_preset(), entry.id, "choosing A's own preset");
    }
    let list_p99 = |p: &Params| {
        let scenario = p.scenario().expect("valid");
        let mut sim = Simulation::new(&scenario, p.run.seed).expect("runs");
        sim.run_to_end();
        sim.summary().classes["list"].p99_s
    };
    let a = Params::default();
    let b = a.b_side().expect("B runs");
    let (pa, pb) = (list_p99(&a), list_p99(&b));
    // Measured: 5.9 ms against 23.7 ms with seed 1.
    assert!(pb > 3.0 * pa, "LIST p99: A {pa} s, B {pb} s");
}
