//! Every control of the page, pinned by the properties the page relies on:
//! mirroring a view's changes on the controls gives that view back, and a
//! new run of a view is the running model changed into it.
#![cfg(not(target_arch = "wasm32"))]

use cplab::lab::{Knob, Params, Switch};
use cplab::sim::models::control_plane::{Discovery, WebhookHandling};
use cplab::sim::models::etcd::client::EtcdClientKind;
use cplab::sim::models::flow_control::FlowControlKind;
use cplab::sim::models::watch_cache::CacheLocking;
use cplab::sim::studies::catalog::{CATALOG, Group};
use cplab::sim::{Change, Simulation};
use proptest::prelude::*;

fn presets() -> Vec<&'static str> {
    CATALOG
        .iter()
        .filter(|e| e.group != Group::Example || e.id == "k8s-1.32-5000")
        .map(|e| e.id)
        .collect()
}

fn switch() -> impl Strategy<Value = Switch> {
    prop_oneof![
        prop_oneof![
            Just(FlowControlKind::Apf),
            Just(FlowControlKind::MaxInflight),
            Just(FlowControlKind::ArticleQueue)
        ]
        .prop_map(Switch::FlowControl),
        prop_oneof![
            Just(WebhookHandling::Inline),
            Just(WebhookHandling::Dedicated)
        ]
        .prop_map(Switch::WebhookHandling),
        prop_oneof![
            Just(CacheLocking::PerResource),
            Just(CacheLocking::NamespaceShards)
        ]
        .prop_map(Switch::CacheLocking),
        prop_oneof![
            Just(EtcdClientKind::PerResource),
            Just(EtcdClientKind::Pool)
        ]
        .prop_map(Switch::EtcdClient),
        prop_oneof![Just(Discovery::Aggregated), Just(Discovery::Legacy)]
            .prop_map(Switch::Discovery),
        any::<bool>().prop_map(Switch::ConsistentList),
    ]
}

/// What a reader does to a view: sliders moved, switches flipped, faults
/// turned on or off, one-shot faults pressed.
#[derive(Debug, Clone)]
struct Moves {
    sliders: Vec<(Knob, u32)>,
    switches: Vec<Switch>,
    faults: (bool, bool),
    presses: (u32, u32),
}

fn moves() -> impl Strategy<Value = Moves> {
    (
        prop::collection::vec(
            (prop::sample::select(Knob::ALL.to_vec()), 0u32..=1000),
            0..8,
        ),
        prop::collection::vec(switch(), 0..6),
        any::<(bool, bool)>(),
        (0u32..3, 0u32..3),
    )
        .prop_map(|(sliders, switches, faults, presses)| Moves {
            sliders,
            switches,
            faults,
            presses,
        })
}

impl Moves {
    fn applied_to(&self, start: &Params) -> Params {
        let mut p = start.clone();
        for &(knob, position) in &self.sliders {
            *p.slot(knob) = knob.range().from_position(position as f64);
        }
        for &s in &self.switches {
            p.set_switch(s);
        }
        (p.slow_webhook, p.fsync_spike) = self.faults;
        p.elections += self.presses.0;
        p.restart_storms += self.presses.1;
        p
    }
}

/// The sliders that set every webhook alike: moved back to the base's value
/// they leave the webhooks alike, where a new run keeps the base's own
/// (different) latencies and timeouts.
fn webhook_sliders_returned_to_base(a: &Params, b: &Params) -> bool {
    let base = b.base_params().expect("valid base");
    [Knob::WebhookLatency, Knob::WebhookTimeout]
        .into_iter()
        .any(|k| a.get(k) != base.get(k) && b.get(k) == base.get(k))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// What the timeline does to the controls (`absorb`) undoes what the
    /// controls did to the model (`changes_since`): mirroring a view's
    /// changes on the view it came from gives that view.
    #[test]
    fn absorbing_the_changes_of_a_view_gives_that_view(
        preset in prop::sample::select(presets()),
        first in moves(),
        second in moves(),
    ) {
        let start = first.applied_to(&Params::for_preset(preset).expect("preset"));
        let target = second.applied_to(&start);
        let mut mirrored = start.clone();
        for change in target.changes_since(&start) {
            mirrored.absorb(&change);
        }
        // The two would make the same changes to the model (a slider in ms
        // that went to the model in seconds and back may differ in its last
        // bit, and reach the model as the same value).
        prop_assert_eq!(mirrored.changes_since(&start), target.changes_since(&start));
        // Speed is playback, not the model's: no change carries it.
        for knob in Knob::ALL.into_iter().filter(|&k| k != Knob::Speed) {
            let (m, t) = (mirrored.get(knob), target.get(knob));
            prop_assert!((m - t).abs() <= 1e-9 * t.abs(), "{knob:?}: {m} vs {t}");
        }
        prop_assert_eq!(mirrored.slow_webhook, target.slow_webhook);
        prop_assert_eq!(mirrored.fsync_spike, target.fsync_spike);
        prop_assert_eq!(mirrored.elections, target.elections);
        prop_assert_eq!(mirrored.restart_storms, target.restart_storms);
    }

    /// A run of one view changed into another is configured as a new run
    /// of the other: the page's live changes and its scenario agree.
    #[test]
    fn changing_a_run_into_a_view_equals_starting_that_view(
        preset in prop::sample::select(presets()),
        first in moves(),
        second in moves(),
    ) {
        let a = first.applied_to(&Params::for_preset(preset).expect("preset"));
        let b = second.applied_to(&a);
        prop_assume!(!webhook_sliders_returned_to_base(&a, &b));
        let mut sim = Simulation::new(&a.scenario().expect("valid"), 1).expect("runs");
        sim.run_for(0.5);
        for change in b.changes_since(&a) {
            prop_assert!(sim.reconfigure(change).is_ok(), "{change:?}");
        }
        let fresh = Simulation::new(&b.scenario().expect("valid"), 1).expect("runs");
        prop_assert_eq!(sim.scenario().control_plane, fresh.scenario().control_plane);
    }
}

#[test]
fn every_slider_reaches_the_scenario_and_the_model_at_both_ends() {
    for knob in Knob::ALL.into_iter().filter(|&k| k != Knob::Speed) {
        for end in [knob.range().min, knob.range().max] {
            let start = Params::default();
            let mut moved = start.clone();
            *moved.slot(knob) = end;
            let changes = moved.changes_since(&start);
            assert_eq!(changes.len(), 1, "{knob:?}: {changes:?}");
            assert!(matches!(changes[0], Change::ControlPlane(_)));
            let mut sim = Simulation::new(&start.scenario().expect("valid"), 1).expect("runs");
            sim.reconfigure(changes[0]).expect("in range");
            let fresh = moved.scenario().expect("valid");
            assert_eq!(
                sim.scenario().control_plane,
                fresh.control_plane,
                "{knob:?}"
            );
        }
    }
}
