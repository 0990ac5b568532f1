//! A slow reader: a client that reads its responses slower than the API
//! server writes them keeps its request, and the request's seats, until it
//! has read the whole answer, or until the request timeout (60 s) ends it
//! (apiserver `pkg/server/filters/timeout.go`: after the deadline the
//! handler's writes fail and it returns). kubernetes/kubernetes#115409: "a
//! client that requests long lists and does not read them (before the
//! 1-minute request-handling timeout) ... will nearly starve other
//! clients" of its priority level. The shipped scenario
//! `question-big-list` has a script LISTing 1,000 pods (4 MiB) twice a
//! second and reading at 50 KiB/s.
#![cfg(not(target_arch = "wasm32"))]

use cplab::sim::studies::catalog;
use cplab::sim::{ClassSummary, Scenario, Simulation};
use std::collections::BTreeMap;

fn shipped() -> Scenario {
    catalog::find("question-big-list")
        .and_then(|e| e.scenario().ok())
        .expect("shipped")
}

fn reading_at(kib_s: u32) -> Scenario {
    let mut scenario = shipped();
    let cp = scenario.control_plane.as_mut().expect("a control plane");
    cp.workload.sources[0].read_kib_s = Some(kib_s);
    scenario
}

fn run(scenario: &Scenario) -> BTreeMap<String, ClassSummary> {
    let mut sim = Simulation::new(scenario, 1).expect("valid");
    sim.run_to_end();
    assert_eq!(sim.conservation(), Ok(()));
    sim.summary().classes.clone()
}

/// One LIST alone, so nothing queues: its response time is the time to
/// read its 1,000 pods of 4 KiB at the reader's speed, and past the
/// request timeout it is a timeout at 60 s.
#[test]
fn a_lists_time_is_its_answer_over_its_readers_speed_up_to_the_timeout() {
    let one_list = |kib_s: u32| {
        Scenario::from_toml(&format!(
            r#"
name = "one slow LIST a minute"
duration = 190.0
warmup = 10.0

[control_plane]
api_servers = 1

[control_plane.workload]
nodes = 100
user_qps = 0.0
controller_lists_per_minute = 0.0

[[control_plane.workload.sources]]
name = "reader"
rate = 0.05
verb = "list"
resource = "pods"
client = "user"
objects = 1000
limit = 0
read_kib_s = {kib_s}
"#
        ))
        .expect("valid")
    };
    let fast = run(&one_list(1_000));
    let list = &fast["list"];
    assert!(list.completed >= 3, "{list:?}");
    // 4,000 KiB at 1,000 KiB/s: 4 s, plus milliseconds in the server.
    assert!(
        (list.p50_s - 4.0).abs() < 0.1,
        "a LIST read at 1,000 KiB/s took {} s",
        list.p50_s
    );
    let slow = run(&one_list(10));
    let list = &slow["list"];
    // 400 s to read: every one ends at the request timeout.
    assert_eq!(list.completed, 0, "{list:?}");
    assert!(list.timed_out >= 3, "{list:?}");
}

/// The script is one flow of global-default, yet the other users of its
/// level get almost nothing done while the levels of nodes and
/// controllers are untouched; a script that reads at 10 MiB/s harms no one.
#[test]
fn a_slow_reader_starves_its_level_and_only_its_level() {
    let slow = run(&shipped());
    let prompt = run(&reading_at(10_000));
    // (The users' commands, the script's LISTs among them.)
    let users = |c: &BTreeMap<String, ClassSummary>| c["user"].completed;
    assert!(
        (users(&slow) as f64) < 0.85 * users(&prompt) as f64,
        "{} user commands completed with the slow reader, {} without",
        users(&slow),
        users(&prompt)
    );
    assert!(slow["user"].rejected > 200, "{:?}", slow["user"]);
    assert!(slow["read-single"].p99_s > 5.0, "{:?}", slow["read-single"]);
    assert_eq!(prompt["user"].rejected, 0, "{:?}", prompt["user"]);
    assert!(
        prompt["read-single"].p99_s < 0.1,
        "{:?}",
        prompt["read-single"]
    );
    // Kubelets' and controllers' writes are in other levels: their watch
    // events flow as ever.
    assert!(slow["watch"].p99_s < 0.01, "{:?}", slow["watch"]);
    // The slow LISTs themselves end at the request timeout.
    assert!(slow["list"].timed_out > 30, "{:?}", slow["list"]);
}

/// A reader of 0 KiB/s would never read: refused, naming the field.
#[test]
fn a_reader_of_nothing_is_refused_by_name() {
    let mut scenario = shipped();
    let cp = scenario.control_plane.as_mut().expect("a control plane");
    cp.workload.sources[0].read_kib_s = Some(0);
    let Err(error) = Simulation::new(&scenario, 1) else {
        panic!("a reader of 0 KiB/s was accepted");
    };
    let message = error.to_string();
    assert!(message.contains("read_kib_s"), "{message}");
}
