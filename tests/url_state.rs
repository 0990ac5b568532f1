//! The URL state round-trips: reading the query string written for any
//! view gives that view back (issue: share, embed, compare, export).
#![cfg(not(target_arch = "wasm32"))]

use cplab::lab::controls::Input;
use cplab::lab::state::Action;
use cplab::lab::url::{from_query, to_query};
use cplab::lab::view::Sweep;
use cplab::lab::{CONTROLS, ChartClass, Control, Figure, Panel, Params};
use cplab::sim::studies::catalog::CATALOG;
use proptest::prelude::*;

fn presets() -> Vec<&'static str> {
    CATALOG
        .iter()
        .filter(|e| e.on_the_page())
        .map(|e| e.id)
        .collect()
}

fn every(pick: impl Fn(&Input) -> bool) -> Vec<Control> {
    CONTROLS
        .iter()
        .filter(|r| pick(&r.input))
        .map(|r| r.control)
        .collect()
}

fn sliders() -> Vec<Control> {
    every(|i| matches!(i, Input::Slider { .. }))
}

prop_compose! {
    fn view()(
        preset in prop::sample::select(presets()),
        b in prop::sample::select(presets()),
        positions in prop::collection::vec((prop::sample::select(sliders()), 0u32..=1000), 0..6),
        exact in prop::collection::vec(prop::sample::select(sliders()), 0..3),
        exact_values in prop::collection::vec(0.0f64..1.0, 3),
        switches in prop::collection::vec((prop::sample::select(every(|i| matches!(i, Input::Switch(_)))), 0usize..3), 0..6),
        toggles in prop::collection::vec((prop::sample::select(every(|i| matches!(i, Input::Toggle))), any::<bool>()), 0..3),
        playing in any::<bool>(),
        seed in any::<u64>(),
        panel in prop::sample::select(Panel::ALL.to_vec()),
        chart in prop::sample::select(ChartClass::ALL.to_vec()),
        embed in prop::option::of(prop::sample::select(Figure::ALL.to_vec())),
        controls in prop::collection::btree_set(prop::sample::select(sliders()), 0..4),
        sweep in prop::sample::select(CONTROLS.iter().filter(|r| r.is_model_slider()).map(|r| r.control).collect::<Vec<_>>()),
        sweep_positions in (0u32..=1000, 0u32..=1000),
    ) -> Params {
        let mut p = Params::for_preset(preset).expect("shipped preset");
        for (control, position) in positions {
            let range = control.row().range().expect("a slider");
            // As the page moves a slider: what it sizes follows it.
            p = p.reduce(Action::Set(control, range.from_position(position as f64)));
        }
        for (control, t) in exact.into_iter().zip(exact_values) {
            let r = control.row().range().expect("a slider");
            p = p.reduce(Action::Set(control, r.min + t * (r.max - r.min)));
        }
        for (control, choice) in switches {
            p.set(control, (choice % control.row().choices().len()) as f64);
        }
        for (control, on) in toggles {
            p.set(control, on as u8 as f64);
        }
        p.playback.playing = playing;
        p.run.seed = seed;
        p.view.panel = panel;
        p.view.chart = chart;
        p.view.embed = embed;
        p.view.embed_controls = controls.into_iter().collect();
        p.view.ab_preset = b;
        let r = sweep.row().range().expect("a slider");
        p.view.sweep = Sweep {
            control: sweep,
            from: r.from_position(sweep_positions.0 as f64),
            to: r.from_position(sweep_positions.1 as f64),
        };
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
        for control in sliders() {
            let r = control.row().range().expect("a slider");
            prop_assert!(p.get(control) >= r.min && p.get(control) <= r.max);
        }
        prop_assert!(p.scenario().is_ok());
    }
}
