//! The page's state and the reducer that changes it.
//!
//! The state is [`Params`] (`lab::params`: plain data, tested natively);
//! components dispatch [`Action`]s; the reducer clamps every value into its
//! control's range, so nothing a slider, key or URL sends can reach the
//! simulation out of range. The running simulation lives outside Yew state
//! (see `live.rs`): the reducer only says what the reader asked for, and
//! [`Params::changes_since`] turns the difference into `reconfigure` calls.

pub use crate::lab::params::{
    Base, FSYNC_SPIKE_FACTOR, Figure, Knob, Panel, Params, RESTART_FRACTION, Range,
    SLOW_WEBHOOK_FACTOR, Switch,
};
use crate::sim::Change;
use std::rc::Rc;
use yew::Reducible;

/// Something the reader (or the scenario's timeline) did.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Set(Knob, f64),
    Switch(Switch),
    ToggleSlowWebhook,
    ToggleFsyncSpike,
    LeaderElection,
    RestartStorm,
    TogglePlay,
    Step,
    Reset,
    SetSeed(u64),
    ToggleHelp,
    /// show this metric class in the latency chart
    ChartClass(usize),
    /// open a shipped scenario: its controls, this page's seed and speed
    SelectPreset(&'static str),
    ShowPanel(Panel),
    /// the timeline changed the running model: mirror it on the controls
    Absorb(Change),
    /// the A/B panel's B
    SetAbPreset(&'static str),
    /// the sweep's slider and range
    SetSweep {
        knob: Knob,
        from: f64,
        to: f64,
    },
    /// a whole new state (an imported scenario, a "try it" button)
    Replace(Rc<Params>),
}

impl Reducible for Params {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Set(knob, value) => {
                if let Some(value) = knob.range().clamp(value) {
                    *next.slot(knob) = value;
                }
            }
            Action::Switch(switch) => next.set_switch(switch),
            Action::ToggleSlowWebhook => next.slow_webhook = !next.slow_webhook,
            Action::ToggleFsyncSpike => next.fsync_spike = !next.fsync_spike,
            Action::LeaderElection => next.elections = next.elections.wrapping_add(1),
            Action::RestartStorm => next.restart_storms = next.restart_storms.wrapping_add(1),
            Action::TogglePlay => next.playing = !next.playing,
            Action::Step => next.steps = next.steps.wrapping_add(1),
            Action::Reset => next.run = next.run.wrapping_add(1),
            Action::SetSeed(seed) => next.seed = seed,
            Action::ToggleHelp => next.help_open = !next.help_open,
            Action::ChartClass(class) => next.chart_class = class.min(3),
            Action::SelectPreset(id) => {
                if let Ok(mut fresh) = Params::for_preset(id) {
                    fresh.seed = next.seed;
                    fresh.speed = next.speed;
                    fresh.playing = next.playing;
                    fresh.panel = next.panel;
                    fresh.embed = next.embed;
                    fresh.embed_controls = next.embed_controls.clone();
                    fresh.ab_preset = next.ab_preset;
                    fresh.chart_class = next.chart_class;
                    fresh.run = next.run.wrapping_add(1);
                    next = fresh;
                }
            }
            Action::ShowPanel(panel) => next.panel = panel,
            Action::Absorb(change) => next.absorb(&change),
            Action::SetAbPreset(id) => {
                if Params::for_preset(id).is_ok() {
                    next.ab_preset = id;
                }
            }
            Action::SetSweep { knob, from, to } => {
                let range = knob.range();
                next.sweep_knob = knob;
                next.sweep_from = range.clamp(from).unwrap_or(range.min);
                next.sweep_to = range.clamp(to).unwrap_or(range.max);
            }
            Action::Replace(params) => next = (*params).clone(),
        }
        // Same value: hand back the same Rc so Yew skips the re-render.
        if next == *self { self } else { Rc::new(next) }
    }
}
