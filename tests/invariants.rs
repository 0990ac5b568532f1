//! Properties that hold for every scenario and every sequence of changes:
//! conservation of requests at every step, seat limits, bounded memory,
//! no panic. Random scenarios and `reconfigure` calls come from proptest.
#![cfg(not(target_arch = "wasm32"))]

use cplab::sim::{Change, DurationLaw, Scenario, Simulation, StationChange, StationSpec};
use proptest::prelude::*;

fn law() -> impl Strategy<Value = DurationLaw> {
    let mean = 0.001f64..0.5;
    prop_oneof![
        mean.clone()
            .prop_map(|mean| DurationLaw::Exponential { mean }),
        mean.clone()
            .prop_map(|mean| DurationLaw::Deterministic { mean }),
        (mean, 0.0f64..4.0).prop_map(|(mean, cv)| DurationLaw::Lognormal { mean, cv }),
    ]
}

fn station() -> impl Strategy<Value = StationSpec> {
    (
        0.5f64..400.0,
        1u32..24,
        prop::option::of(0u32..60),
        prop::option::of(0.01f64..3.0),
        law(),
    )
        .prop_map(
            |(arrival_rate, servers, queue_capacity, queue_timeout, service)| StationSpec {
                arrival_rate,
                servers,
                queue_capacity,
                queue_timeout,
                service,
            },
        )
}

fn change() -> impl Strategy<Value = StationChange> {
    prop_oneof![
        (0.5f64..600.0).prop_map(StationChange::ArrivalRate),
        (1u32..32).prop_map(StationChange::Servers),
        prop::option::of(0u32..80).prop_map(StationChange::QueueCapacity),
        (0.001f64..0.5).prop_map(StationChange::ServiceMean),
    ]
}

fn scenario(spec: StationSpec) -> Scenario {
    Scenario {
        name: "property".into(),
        description: String::new(),
        duration: 3_600.0,
        warmup: 0.0,
        station: Some(spec),
        ..Scenario::default()
    }
}

/// arrived = completed + rejected + timed out + in flight, where "in flight"
/// is counted from the model's state, not derived from the counters.
fn assert_conserved(sim: &Simulation) {
    assert_eq!(sim.conservation(), Ok(()));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn station_invariants_hold_under_random_changes(
        spec in station(),
        seed in any::<u64>(),
        steps in prop::collection::vec((0.0f64..4.0, prop::option::of(change())), 1..12),
    ) {
        let mut sim = Simulation::new(&scenario(spec.clone()), seed).expect("valid scenario");
        let mut limit = spec.servers;
        let mut capacity = spec.queue_capacity;
        // After a cut in servers, busy servers may exceed the new limit until
        // they finish, but never grow while above it.
        let mut above_limit_ceiling = 0u32;
        let mut queue_ceiling = 0u32;
        for (seconds, change) in steps {
            sim.run_for(seconds);
            assert_conserved(&sim);
            let snapshot = sim.snapshot();
            if snapshot.seats_in_use > limit {
                prop_assert!(snapshot.seats_in_use <= above_limit_ceiling,
                    "{} busy > limit {} and grew past {}", snapshot.seats_in_use, limit, above_limit_ceiling);
                above_limit_ceiling = snapshot.seats_in_use;
            }
            // Likewise the queue never exceeds its capacity, except after a
            // cut: then it may not grow until it is back under.
            if let Some(capacity) = capacity {
                prop_assert!(snapshot.waiting <= queue_ceiling.max(capacity),
                    "{} waiting, capacity {}, ceiling {}", snapshot.waiting, capacity, queue_ceiling);
                queue_ceiling = snapshot.waiting.max(capacity);
            }
            // Memory: the calendar holds at most one arrival per rate change,
            // one departure per busy server and one queue deadline.
            prop_assert!(sim.pending_events() <= 2 + 32 + 16);
            if let Some(change) = change {
                sim.reconfigure(Change::Station(change)).expect("valid change");
                match change {
                    StationChange::Servers(servers) => {
                        above_limit_ceiling = sim.snapshot().seats_in_use;
                        limit = servers;
                    }
                    StationChange::QueueCapacity(c) => {
                        capacity = c;
                        queue_ceiling = sim.snapshot().waiting;
                    }
                    _ => {}
                }
                assert_conserved(&sim);
            }
            let summary = sim.summary();
            for class in summary.classes.values() {
                prop_assert!(class.p99_s.is_finite() && class.mean_response_s.is_finite());
                prop_assert!(class.p50_s <= class.p90_s && class.p90_s <= class.p99_s);
            }
            prop_assert!(summary.utilisation.is_some_and(|u| (0.0..=1.0 + 1e-9).contains(&u)));
        }
    }

    #[test]
    fn invalid_changes_are_refused_and_change_nothing(
        spec in station(),
        bad in prop_oneof![
            Just(StationChange::ArrivalRate(f64::NAN)),
            Just(StationChange::ArrivalRate(-1.0)),
            Just(StationChange::ArrivalRate(f64::INFINITY)),
            Just(StationChange::Servers(0)),
            Just(StationChange::ServiceMean(0.0)),
            Just(StationChange::ServiceMean(f64::NAN)),
        ],
    ) {
        let mut sim = Simulation::new(&scenario(spec), 7).expect("valid");
        sim.run_for(1.0);
        let before = sim.scenario();
        prop_assert!(sim.reconfigure(Change::Station(bad)).is_err());
        prop_assert_eq!(sim.scenario(), before);
    }

    #[test]
    fn closed_loop_conserves_requests_and_respects_seats(
        queues in 0u32..16,
        hand in 1u32..4,
        limit in 1u32..10,
        seats in 1u32..8,
        clients in prop::collection::vec((1u32..8, 1u32..3, 0.01f64..1.0, 0.0f64..1.0, any::<u64>()), 1..4),
        wait_limit in prop::option::of(0.05f64..2.0),
    ) {
        let hand = hand.min(queues.max(1));
        let mut text = format!("duration = 30.0\n[priority_level]\nqueues = {queues}\nhand_size = {hand}\nqueue_length_limit = {limit}\nseats = {seats}\n");
        if let Some(wait) = wait_limit {
            text += &format!("queue_wait_limit = {wait}\n");
        }
        for (i, (threads, width, execute, think, flow)) in clients.iter().enumerate() {
            let width = (*width).min(seats);
            text += &format!("[[clients]]\nname = \"c{i}\"\nthreads = {threads}\nwidth = {width}\nexecute = {execute}\nthink = {think}\nflow = {}\n", flow >> 1);
        }
        let scenario = Scenario::from_toml(&text).expect("valid scenario");
        let mut sim = Simulation::new(&scenario, 1).expect("valid");
        for _ in 0..30 {
            sim.run_for(1.0);
            assert_conserved(&sim);
            let snapshot = sim.snapshot();
            prop_assert!(snapshot.seats_in_use <= snapshot.seats);
        }
        let summary = sim.summary();
        let total: f64 = summary.clients.values().map(|c| c.average_seats).sum();
        prop_assert!(total <= seats as f64 + 1e-9, "clients used {total} seats of {seats}");
    }
}
