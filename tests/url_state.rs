//! The URL state round-trips: reading the query string written for any
//! view gives that view back (issue: share, embed, compare, export).
#![cfg(not(target_arch = "wasm32"))]

use cplab::lab::url::{from_query, to_query};
use cplab::lab::{Figure, Knob, Panel, Params, Switch};
use cplab::sim::models::control_plane::{Discovery, WebhookHandling};
use cplab::sim::models::etcd::client::EtcdClientKind;
use cplab::sim::models::flow_control::FlowControlKind;
use cplab::sim::models::watch_cache::CacheLocking;
use cplab::sim::studies::catalog::{CATALOG, Group};
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

prop_compose! {
    fn view()(
        preset in prop::sample::select(presets()),
        b in prop::sample::select(presets()),
        knobs in prop::collection::vec((prop::sample::select(Knob::ALL.to_vec()), 0u32..=1000), 0..6),
        exact in prop::collection::vec(prop::sample::select(Knob::ALL.to_vec()), 0..3),
        exact_values in prop::collection::vec(0.0f64..1.0, 3),
        switches in prop::collection::vec(switch(), 0..6),
        faults in any::<(bool, bool, bool)>(),
        seed in any::<u64>(),
        panel in prop::sample::select(Panel::ALL.to_vec()),
        chart in 0usize..4,
        embed in prop::option::of(prop::sample::select(Figure::ALL.to_vec())),
        controls in prop::collection::btree_set(0usize..Knob::ALL.len(), 0..4),
        sweep in prop::sample::select(Knob::ALL[..9].to_vec()),
        sweep_positions in (0u32..=1000, 0u32..=1000),
    ) -> Params {
        let mut p = Params::for_preset(preset).expect("shipped preset");
        for (knob, position) in knobs {
            *p.slot(knob) = knob.range().from_position(position as f64);
        }
        for (knob, t) in exact.into_iter().zip(exact_values) {
            let r = knob.range();
            *p.slot(knob) = r.clamp(r.min + t * (r.max - r.min)).unwrap_or(r.min);
        }
        for s in switches {
            p.set_switch(s);
        }
        (p.slow_webhook, p.fsync_spike, p.playing) = faults;
        p.seed = seed;
        p.panel = panel;
        p.chart_class = chart;
        p.embed = embed;
        p.embed_controls = controls.into_iter().map(|i| Knob::ALL[i]).collect();
        p.ab_preset = b;
        p.sweep_knob = sweep;
        let r = sweep.range();
        p.sweep_from = r.from_position(sweep_positions.0 as f64);
        p.sweep_to = r.from_position(sweep_positions.1 as f64);
        p
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn parse_of_format_is_the_identity(p in view()) {
        let query = to_query(&p);
        let (back, notices) = from_query(&query);
        prop_assert!(notices.is_empty(), "{query}: {notices:?}");
        prop_assert_eq!(back, p, "{}", query);
    }

    #[test]
    fn any_query_string_reads_without_panic_into_a_valid_view(query in ".{0,300}") {
        let (p, notices) = from_query(&query);
        prop_assert!(notices.len() <= 8);
        for knob in Knob::ALL {
            let r = knob.range();
            prop_assert!(p.get(knob) >= r.min && p.get(knob) <= r.max);
        }
        prop_assert!(p.scenario().is_ok());
    }
}
