//! APF's fair queuing against the scenarios of Kubernetes' own tests
//! (`fairqueuing/queueset/queueset_test.go`, release 1.32; the table in
//! `shared/reference/kubernetes.md`). Same queue counts, hand sizes, queue
//! length limits, seats, clients (threads, calls, execute and think times,
//! widths, flow hashes) and run lengths; each client's average seats must be
//! within the test's margin of its max-min fair share.
#![cfg(not(target_arch = "wasm32"))]

use cplab::sim::{Scenario, Simulation};

struct Client {
    threads: u32,
    calls: u32,
    /// think time [ns]
    think_ns: u64,
    width: u32,
    flow: u64,
}

fn client(flow: u64, threads: u32, calls: u32, think_ns: u64) -> Client {
    Client {
        threads,
        calls,
        think_ns,
        width: 1,
        flow,
    }
}

const SECOND: u64 = 1_000_000_000;

/// Builds the scenario as TOML, as a user would write it.
fn scenario(
    queues: u32,
    hand: u32,
    limit: u32,
    seats: u32,
    seconds: u64,
    clients: &[Client],
) -> Scenario {
    let mut text = format!(
        "duration = {seconds}.0\n[priority_level]\nqueues = {queues}\nhand_size = {hand}\n\
         queue_length_limit = {limit}\nseats = {seats}\n"
    );
    for (i, c) in clients.iter().enumerate() {
        text += &format!(
            "[[clients]]\nname = \"client{i}\"\nthreads = {}\nwidth = {}\nexecute = 1.0\n\
             think = {:.9}\ncalls = {}\nflow = {}\n",
            c.threads,
            c.width,
            c.think_ns as f64 / 1e9,
            c.calls,
            c.flow
        );
    }
    Scenario::from_toml(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Runs the scenario and returns, per client, (average seats, fair share),
/// plus the number of requests rejected or timed out.
fn run(scenario: &Scenario) -> (Vec<(f64, f64)>, u64) {
    let mut sim = Simulation::new(scenario, 1).expect("valid");
    sim.run_to_end();
    let summary = sim.summary();
    let seats = (0..scenario.clients.len())
        .map(|i| {
            let c = &summary.clients[&format!("client{i}")];
            (c.average_seats, c.fair_share)
        })
        .collect();
    let failed = summary
        .classes
        .values()
        .map(|c| c.rejected + c.timed_out)
        .sum();
    (seats, failed)
}

fn assert_fair(name: &str, scenario: Scenario, expected: &[f64], margin: f64) {
    let (seats, failed) = run(&scenario);
    assert_eq!(failed, 0, "{name}: every request should be served");
    for (i, (&(average, share), &want)) in seats.iter().zip(expected).enumerate() {
        assert!(
            (share - want).abs() < 1e-9,
            "{name}: fair share of client {i} is {share}, table says {want}"
        );
        let off = (average - want).abs() / want;
        assert!(
            off <= margin,
            "{name}: client {i} averaged {average:.4} seats, fair share {want}, off by {:.2}% > {:.1}%",
            off * 100.0,
            margin * 100.0
        );
    }
}

#[test]
fn baseline() {
    // 9 queues / hand 3 / limit 8, one seat, one thread that never thinks.
    let s = scenario(9, 3, 8, 1, 20, &[client(1001001001, 1, 21, 0)]);
    assert_fair("baseline", s, &[1.0], 0.0);
}

#[test]
fn uniform_flows_hand_size_1() {
    let think = SECOND - 1;
    let s = scenario(
        9,
        1,
        8,
        4,
        50,
        &[
            client(1001001001, 8, 20, think),
            client(2002002002, 8, 20, think),
        ],
    );
    assert_fair("uniform flows, hand 1", s, &[2.0, 2.0], 0.01);
}

#[test]
fn uniform_flows_hand_size_3() {
    let think = SECOND - 1;
    let s = scenario(
        8,
        3,
        16,
        4,
        60,
        &[
            client(400900100100, 8, 30, think),
            client(300900200200, 8, 30, think),
        ],
    );
    assert_fair("uniform flows, hand 3", s, &[2.0, 2.0], 0.03);
}

#[test]
fn different_flows_expect_equal() {
    let s = scenario(
        9,
        1,
        8,
        4,
        40,
        &[
            client(1001001001, 8, 20, SECOND),
            client(2002002002, 7, 30, SECOND / 2),
        ],
    );
    assert_fair("different flows, equal", s, &[2.0, 2.0], 0.01);
}

#[test]
fn different_flows_expect_unequal() {
    let think = SECOND - 1;
    let s = scenario(
        9,
        1,
        6,
        3,
        20,
        &[
            client(1001001001, 4, 20, think),
            client(2002002002, 2, 20, think),
        ],
    );
    assert_fair("different flows, unequal", s, &[2.0, 1.0], 0.01);
}

#[test]
fn different_widths() {
    let think = SECOND - 1;
    let mut wide = client(20020020020020, 7, 10, think);
    wide.width = 2;
    let s = scenario(
        64,
        7,
        13,
        6,
        20,
        &[client(10010010010010, 13, 10, think), wide],
    );
    assert_fair("different widths", s, &[3.0, 3.0], 0.155);
}

#[test]
fn too_wide() {
    let think = SECOND - 1;
    let mut clients: Vec<Client> = [
        40040040040040u64,
        50050050050050,
        60060060060060,
        70070070070070,
    ]
    .into_iter()
    .map(|flow| Client {
        width: 2,
        ..client(flow, 15, 21, think)
    })
    .collect();
    clients.push(Client {
        width: 7,
        ..client(90090090090090, 15, 21, think)
    });
    let s = scenario(64, 7, 35, 6, 225, &clients);
    assert_fair("too wide", s, &[1.2; 5], 0.33);
}

#[test]
fn without_queuing_flows_are_treated_unfairly_with_concurrency_limit_rejections() {
    let s = scenario(
        0,
        0,
        0,
        4,
        13,
        &[
            client(1001001001, 6, 10, 57_000_000),
            client(2002002002, 4, 15, 750_000_000),
        ],
    );
    let (seats, failed) = run(&s);
    assert!(
        failed > 0,
        "a level without queues rejects at its concurrency limit"
    );
    let unfair = seats
        .iter()
        .any(|&(average, share)| (average - share).abs() / share > 0.20);
    assert!(
        unfair,
        "expected unfairness beyond 20% without queuing: {seats:?}"
    );
}
