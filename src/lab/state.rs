//! What the reader (or the scenario's timeline) does to the page, and the
//! reducer that turns it into the next [`Params`].
//!
//! The reducer clamps every value into its control's range, so nothing a
//! slider, a key or a link sends can reach the simulation out of range. The
//! running simulation lives outside (see `live`): the reducer only says
//! what the reader asked for, and [`Params::changes_since`] turns the
//! difference into `reconfigure` calls.

use super::controls::{Control, Input};
use super::params::Params;
use super::story::{Act, Story, StoryAt};
use super::view::{ChartClass, Panel, Sweep};
use crate::sim::Change;
use std::rc::Rc;

/// Something the reader (or the scenario's timeline) did.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// a slider moved to this value
    Set(Control, f64),
    /// a switch's choice, by index
    Choose(Control, usize),
    /// a fault that stays on, turned on or off
    Toggle(Control),
    /// a fault that happens once, pressed
    Press(Control),
    TogglePlay,
    /// on a narrow screen, open or close the controls' drawer
    ToggleDrawer,
    Step,
    Reset,
    SetSeed(u64),
    ToggleHelp,
    /// show this class in the latency chart
    Chart(ChartClass),
    /// open a shipped scenario: its run, this page's seed, playback and view
    SelectPreset(&'static str),
    ShowPanel(Panel),
    /// the timeline changed the running model: mirror it on the controls
    Absorb(Change),
    /// the A/B panel's B
    SetAbPreset(&'static str),
    /// the sweep's slider and range
    SetSweep(Sweep),
    /// a whole new state (an imported scenario, a "try it" button)
    Replace(Rc<Params>),
    /// open a story (by id) at its first step
    BeginStory(&'static str),
    /// the story's next step (after the last, the story ends)
    NextStep,
    /// the run reached the step's pause: what its promises measured
    StoryReached(Vec<f64>),
    /// leave the story for the full lab
    LeaveStory,
    /// open the explanation of a part of the diagram
    Explain(super::mechanisms::Part),
}

impl Params {
    /// The page at a story's step: its acts done on the controls, as the
    /// reader's own, its chart shown, playing at its speed to its pause.
    fn enter_step(&self, story: &'static Story, step: usize) -> Params {
        let Some(chosen) = story.steps.get(step) else {
            return self.clone();
        };
        let mut next = self.clone();
        for act in chosen.acts {
            let action = match *act {
                Act::Reset => Action::Reset,
                Act::Set(control, value) => Action::Set(control, value),
                Act::Choose(control, key) => match control.row().choice(key) {
                    Some(choice) => Action::Choose(control, choice),
                    None => continue,
                },
                Act::TurnOn(control) if next.get(control) == 0.0 => Action::Toggle(control),
                Act::TurnOn(_) => continue,
                Act::Press(control) => Action::Press(control),
            };
            next = next.reduce(action);
        }
        next.view.story = Some(StoryAt {
            story,
            step,
            seen: None,
        });
        next.view.panel = Panel::Lab;
        next.view.chart = chosen.chart;
        next.playback.speed = chosen.speed;
        next.playback.playing = true;
        next.playback.pause_at = chosen.until;
        next
    }

    /// Paused at a story's step, its promises measured, with a step after.
    fn at_story_pause(&self) -> bool {
        self.view
            .story
            .as_ref()
            .is_some_and(|at| at.seen.is_some() && !at.is_last() && !self.playback.playing)
    }

    /// The state after `action`.
    pub fn reduce(&self, action: Action) -> Params {
        let mut next = self.clone();
        // A control the reader moves is theirs from then on.
        let moved = match action {
            Action::Set(control, _)
            | Action::Choose(control, _)
            | Action::Toggle(control)
            | Action::Press(control) => Some(control),
            _ => None,
        };
        match action {
            Action::Set(control, value) => {
                if let Some(value) = control.row().range().and_then(|r| r.clamp(value)) {
                    next.set(control, value);
                    next.follow(control, self.get(control));
                }
            }
            Action::Choose(control, choice) => {
                if choice < control.row().choices().len() {
                    next.set(control, choice as f64);
                }
            }
            Action::Toggle(control) => {
                if matches!(control.row().input, Input::Toggle) {
                    let on = next.get(control) != 0.0;
                    next.set(control, (!on) as u8 as f64);
                }
            }
            Action::Press(control) => {
                if matches!(control.row().input, Input::Press) {
                    next.set(control, next.get(control) + 1.0);
                }
            }
            // At a story's pause, playing on (or stepping) is going on to
            // the next step: its pause is measured from where it begins.
            Action::TogglePlay | Action::Step if self.at_story_pause() => {
                next = self.reduce(Action::NextStep)
            }
            Action::TogglePlay => next.playback.playing = !next.playback.playing,
            Action::ToggleDrawer => next.view.drawer_open = !next.view.drawer_open,
            Action::Step => next.playback.steps = next.playback.steps.wrapping_add(1),
            // A new run from what the reader set: the timeline will move
            // its controls again, and no press has happened in it yet.
            Action::Reset => {
                next = next.as_set_by_reader();
                next.playback.restarts = next.playback.restarts.wrapping_add(1);
            }
            Action::SetSeed(seed) => next.run.seed = seed,
            Action::ToggleHelp => next.view.help_open = !next.view.help_open,
            Action::Chart(chart) => next.view.chart = chart,
            Action::SelectPreset(id) => {
                if let Ok(fresh) = self.with_preset(id) {
                    next = fresh;
                }
            }
            Action::ShowPanel(panel) => next.view.panel = panel,
            Action::Absorb(change) => next.absorb_scheduled(&change),
            Action::SetAbPreset(id) => {
                if Params::for_preset(id).is_ok() {
                    next.view.ab_preset = id;
                }
            }
            Action::SetSweep(sweep) => {
                if let Some(range) = sweep.control.row().range()
                    && sweep.control.row().is_model_slider()
                {
                    next.view.sweep = Sweep {
                        control: sweep.control,
                        from: range.clamp(sweep.from).unwrap_or(range.min),
                        to: range.clamp(sweep.to).unwrap_or(range.max),
                    };
                }
            }
            Action::Replace(params) => next = (*params).clone(),
            Action::BeginStory(id) => {
                if let Some(story) = Story::find(id)
                    && let Ok(fresh) = self.with_preset(story.preset)
                {
                    next = fresh.enter_step(story, 0);
                }
            }
            Action::NextStep => match &self.view.story {
                Some(at) if !at.is_last() => next = self.enter_step(at.story, at.step + 1),
                Some(_) => next = self.reduce(Action::LeaveStory),
                None => {}
            },
            Action::StoryReached(seen) => {
                if let Some(at) = next.view.story.as_mut()
                    && at.seen.is_none()
                {
                    at.seen = Some(seen);
                    next.playback.playing = false;
                    next.playback.pause_at = None;
                }
            }
            Action::Explain(part) => next.view.explained = Some(part),
            Action::LeaveStory => {
                if next.view.story.take().is_some() {
                    next.playback.pause_at = None;
                    next.playback.playing = true;
                }
            }
        }
        if let Some(control) = moved.filter(|c| next.get(*c) != self.get(*c)) {
            next.own(control);
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::models::control_plane::{ControlPlaneChange as C, WebhookHandling};

    /// The cores kube-up gives follow the nodes until the reader sets the
    /// cores; then they stay, and the scenario runs what the slider shows.
    #[test]
    fn the_cores_follow_the_nodes_until_the_reader_sets_them() {
        let cores = |p: &Params| {
            let spec = p
                .scenario()
                .expect("valid")
                .control_plane
                .expect("a control plane");
            (p.get(Control::ApiServerCores), spec.api_server_cores())
        };
        let start = Params::default();
        assert_eq!(cores(&start), (32.0, 32.0), "kube-up's size at 1,000 nodes");
        let big = start.reduce(Action::Set(Control::Nodes, 5_000.0));
        assert_eq!(cores(&big), (64.0, 64.0));
        let small = big.reduce(Action::Set(Control::Nodes, 50.0));
        assert_eq!(cores(&small), (4.0, 4.0));
        let set = start.reduce(Action::Set(Control::ApiServerCores, 8.0));
        let set_big = set.reduce(Action::Set(Control::Nodes, 5_000.0));
        assert_eq!(cores(&set_big), (8.0, 8.0), "the reader's cores stay");
        // Set back to the size at 1,000 nodes, then more nodes: still 32.
        let back = big
            .reduce(Action::Set(Control::ApiServerCores, 32.0))
            .reduce(Action::Set(Control::Nodes, 6_000.0));
        assert_eq!(cores(&back), (32.0, 32.0));
    }

    /// Fewer nodes, then the cores set back to what they were: the slider
    /// ends where it began, but the running model must still be told the
    /// cores, or the nodes' change would size them down (found by
    /// tests/controls.rs's property in CI).
    #[test]
    fn cores_set_back_after_the_nodes_moved_are_told_to_the_model() {
        let start = Params::default();
        let moved = start
            .reduce(Action::Set(Control::Nodes, 1.0))
            .reduce(Action::Set(Control::ApiServerCores, 32.0));
        assert_eq!(
            moved.get(Control::ApiServerCores),
            start.get(Control::ApiServerCores)
        );
        let changes = moved.changes_since(&start);
        assert!(
            changes.contains(&Change::ControlPlane(C::ApiServerCores(32))),
            "{changes:?}"
        );
    }

    #[test]
    fn controls_produce_the_right_reconfigure() {
        let start = Params::default();
        let cut = start.reduce(Action::Set(Control::MaxRequestsInflight, 50.0));
        assert_eq!(
            cut.changes_since(&start),
            vec![Change::ControlPlane(C::MaxRequestsInflight(50))]
        );
        let nodes = start.reduce(Action::Set(Control::Nodes, 1e9));
        assert_eq!(
            nodes.get(Control::Nodes),
            15_000.0,
            "clamped to the slider's range"
        );
        let nan = start.reduce(Action::Set(Control::Nodes, f64::NAN));
        assert_eq!(nan, start, "an invalid value changes nothing");
        let dedicated = Control::WebhookHandling
            .row()
            .choice("dedicated")
            .expect("a choice");
        let switched = start.reduce(Action::Choose(Control::WebhookHandling, dedicated));
        assert_eq!(
            switched.changes_since(&start),
            vec![Change::ControlPlane(C::WebhookHandling(
                WebhookHandling::Dedicated
            ))]
        );
        assert_eq!(
            start.reduce(Action::Choose(Control::WebhookHandling, 9)),
            start
        );
        let slow = start.reduce(Action::Toggle(Control::SlowWebhook));
        assert_eq!(
            slow.changes_since(&start),
            vec![Change::ControlPlane(C::SlowWebhook(50.0))]
        );
        let twice = start
            .reduce(Action::Press(Control::LeaderElection))
            .reduce(Action::Press(Control::LeaderElection));
        assert_eq!(
            twice.changes_since(&start).len(),
            2,
            "each press is one election"
        );
        let paused = start.reduce(Action::TogglePlay);
        assert!(!paused.playback.playing && paused.changes_since(&start).is_empty());
        let wrong = start.reduce(Action::Toggle(Control::Nodes));
        assert_eq!(wrong, start, "only a toggle toggles");
    }
}
