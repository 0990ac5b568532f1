//! What the reader has set on the page, as plain data, in four parts (and
//! a note of what the scenario's timeline moved, [`Scheduled`]):
//!
//! - [`Run`]: what defines the run (the scenario it starts from, every
//!   setting's value, the seed): two views with the same run compute the
//!   same numbers, so a job is keyed by it;
//! - [`Faults`]: the faults the reader injected into the running model;
//! - [`Playback`]: how the run plays (speed, paused, steps, restarts);
//! - [`View`]: what the page shows of it (panel, chart, embed, sweep, A/B).
//!
//! The page's scenario is the base scenario with the reader's settings on
//! top ([`Params::scenario`]), and [`Params::changes_since`] turns a change
//! of settings or faults into `reconfigure` calls on the running
//! simulation. Every control is a row of the control table (`controls`):
//! nothing here names one.

use super::controls::{Binding, CONTROLS, COUNT, Control, Input, Part, Row, Setting};
use super::story::StoryAt;
use super::view::{ChartClass, Figure, Panel, Sweep};
use crate::sim::models::control_plane::{ControlPlaneChange, ControlPlaneSpec};
use crate::sim::studies::catalog;
use crate::sim::{Change, Scenario, ScenarioError};
use std::rc::Rc;

/// Where the page's scenario comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Base {
    /// a shipped scenario, by catalog id
    Preset(&'static str),
    /// a scenario file the reader imported (it has a control plane)
    Imported(Rc<Scenario>),
}

/// One value per control, indexed by control (a part holds the values of
/// its own controls; the others stay 0).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Values([f64; COUNT]);

impl Values {
    /// Every setting as `spec` sets it. A scenario's value may lie outside
    /// a slider's range: the slider shows the nearest value it can, the
    /// scenario keeps its own.
    pub fn of_spec(spec: &ControlPlaneSpec) -> Self {
        let mut settings = Values::default();
        for row in CONTROLS.iter() {
            if let Binding::Setting(setting) = &row.binding {
                let value = (setting.read)(spec);
                settings[row.control] = row.range().and_then(|r| r.clamp(value)).unwrap_or(value);
            }
        }
        settings
    }

    /// These values with every toggled fault off (presses kept).
    pub fn without_toggles(mut self) -> Self {
        for row in CONTROLS.iter() {
            if matches!(row.input, Input::Toggle) {
                self[row.control] = 0.0;
            }
        }
        self
    }

    /// Sets on `spec` every setting that differs between `self` and `base`;
    /// then pins each setting sized by another (the cores by the nodes)
    /// that the new size would move away from what its control shows.
    pub fn apply_differences(&self, base: &Values, spec: &mut ControlPlaneSpec) {
        for row in CONTROLS.iter() {
            if let Binding::Setting(setting) = &row.binding {
                let value = self[row.control];
                if !row.same(value, base[row.control]) {
                    spec.apply((setting.change)(value));
                }
            }
        }
        for row in CONTROLS.iter() {
            if let Binding::Setting(
                setting @ Setting {
                    sized_by: Some(_), ..
                },
            ) = &row.binding
            {
                let value = self[row.control];
                let read = (setting.read)(spec);
                if !row.same(
                    value,
                    row.range().and_then(|r| r.clamp(read)).unwrap_or(read),
                ) {
                    spec.apply((setting.change)(value));
                }
            }
        }
    }
}

impl std::ops::Index<Control> for Values {
    type Output = f64;
    fn index(&self, control: Control) -> &f64 {
        &self.0[control as usize]
    }
}

impl std::ops::IndexMut<Control> for Values {
    fn index_mut(&mut self, control: Control) -> &mut f64 {
        &mut self.0[control as usize]
    }
}

/// What defines a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub base: Base,
    /// every setting, as its control shows it
    pub settings: Values,
    /// the run's seed; a new seed starts a new run
    pub seed: u64,
}

/// The faults injected: a toggle's 1 or 0, a press's count.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    pub values: Values,
}

/// How the run plays.
#[derive(Debug, Clone, PartialEq)]
pub struct Playback {
    /// simulated seconds per wall second
    pub speed: f64,
    pub playing: bool,
    /// steps of the simulated clock asked for while paused
    pub steps: u32,
    /// incremented by Reset: a new run with the same settings
    pub restarts: u32,
    /// the simulated second the run pauses at (a story's step) [s]
    pub pause_at: Option<f64>,
}

/// What the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub panel: Panel,
    /// what the latency chart shows
    pub chart: ChartClass,
    /// the figure shown alone, in embed mode
    pub embed: Option<Figure>,
    /// the sliders an embedded figure shows
    pub embed_controls: Vec<Control>,
    pub help_open: bool,
    /// the A/B panel's B: this preset's mechanisms on A's workload
    pub ab_preset: &'static str,
    pub sweep: Sweep,
    /// the story being told, and where it is
    pub story: Option<StoryAt>,
    /// on a narrow screen, the controls' drawer is open
    pub drawer_open: bool,
    /// the part of the diagram whose explanation the reader opened
    pub explained: Option<super::mechanisms::Part>,
}

/// The controls the scenario's timeline moved in this run, each with the
/// value it had before: a Reset and a link start from those values (the
/// timeline moves the controls again at its times), not from where the
/// timeline left them. A control the reader moves afterwards is theirs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scheduled {
    pub before: Vec<(Control, f64)>,
}

/// What the reader has set.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub run: Run,
    pub faults: Faults,
    pub playback: Playback,
    pub view: View,
    pub scheduled: Scheduled,
}

/// The preset a page opens with.
pub const DEFAULT_PRESET: &str = "k8s-1.32";

/// The scenario a preset id names.
fn preset_scenario(id: &str) -> Result<(&'static str, Scenario), ScenarioError> {
    let entry = catalog::find(id)
        .filter(|e| e.on_the_page())
        .ok_or_else(|| ScenarioError::new("preset", format!("no preset called \"{id}\"")))?;
    Ok((entry.id, entry.scenario()?))
}

impl Default for Playback {
    fn default() -> Self {
        Self {
            speed: 1.0,
            playing: true,
            steps: 0,
            restarts: 0,
            pause_at: None,
        }
    }
}

impl Default for View {
    fn default() -> Self {
        Self {
            panel: Panel::Lab,
            chart: ChartClass::default(),
            embed: None,
            embed_controls: Vec::new(),
            help_open: false,
            // Not the default preset: B differs from A on a first visit.
            ab_preset: "k8s-1.30",
            sweep: Sweep::default(),
            story: None,
            drawer_open: false,
            explained: None,
        }
    }
}

impl Run {
    /// The run a scenario defines: every setting as its control plane sets
    /// it, and its seed.
    pub fn of(base: Base, scenario: &Scenario) -> Result<Self, ScenarioError> {
        let spec = scenario.control_plane.as_ref().ok_or_else(|| {
            ScenarioError::new(
                "",
                "the page runs [control_plane] scenarios; run this one with `cplab run`",
            )
        })?;
        Ok(Self {
            base,
            settings: Values::of_spec(spec),
            seed: scenario.seed.unwrap_or(1),
        })
    }

    /// The base scenario, as shipped or imported.
    pub fn base_scenario(&self) -> Result<Scenario, ScenarioError> {
        match &self.base {
            Base::Preset(id) => Ok(preset_scenario(id)?.1),
            Base::Imported(scenario) => Ok((**scenario).clone()),
        }
    }

    /// The settings as the base scenario sets them.
    pub fn base_run(&self) -> Result<Run, ScenarioError> {
        Run::of(self.base.clone(), &self.base_scenario()?)
    }
}

impl Default for Params {
    /// Upstream Kubernetes 1.32 at 1,000 nodes.
    fn default() -> Self {
        // The preset's values, or upstream's if it could not be read (it
        // always can: a test reads every shipped scenario).
        Self::for_preset(DEFAULT_PRESET).unwrap_or_else(|_| Self {
            run: Run {
                base: Base::Preset(DEFAULT_PRESET),
                settings: Values::of_spec(&ControlPlaneSpec::upstream(1_000)),
                seed: 1,
            },
            faults: Faults::default(),
            playback: Playback::default(),
            view: View::default(),
            scheduled: Scheduled::default(),
        })
    }
}

impl Params {
    /// A view of `run` with no fault, playing at 1×, on the lab.
    fn of_run(run: Run) -> Self {
        Self {
            run,
            faults: Faults::default(),
            playback: Playback::default(),
            view: View::default(),
            scheduled: Scheduled::default(),
        }
    }

    /// The controls as a preset sets them.
    pub fn for_preset(id: &str) -> Result<Self, ScenarioError> {
        let (id, scenario) = preset_scenario(id)?;
        Ok(Self::of_run(Run::of(Base::Preset(id), &scenario)?))
    }

    /// The controls as an imported scenario sets them.
    pub fn for_imported(scenario: Scenario) -> Result<Self, ScenarioError> {
        let run = Run::of(Base::Imported(Rc::new(scenario.clone())), &scenario)?;
        Ok(Self::of_run(run))
    }

    /// This view on a shipped scenario: its run (with this page's seed),
    /// no fault, a new start; playback and view stay.
    pub fn with_preset(&self, id: &str) -> Result<Self, ScenarioError> {
        let mut fresh = Self::for_preset(id)?;
        fresh.run.seed = self.run.seed;
        fresh.playback = Playback {
            restarts: self.playback.restarts.wrapping_add(1),
            ..self.playback.clone()
        };
        fresh.view = self.view.clone();
        Ok(fresh)
    }

    /// The base scenario, as shipped or imported.
    pub fn base_scenario(&self) -> Result<Scenario, ScenarioError> {
        self.run.base_scenario()
    }

    /// The view as the base scenario sets it, with no fault.
    pub fn base_params(&self) -> Result<Params, ScenarioError> {
        Ok(Self::of_run(self.run.base_run()?))
    }

    /// The scenario the page runs: the base, with every setting the reader
    /// moved away from the base's value. (Untouched settings keep the
    /// base's exact values, so a preset runs on the page as `cplab run`
    /// runs it.)
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        let mut scenario = self.base_scenario()?;
        if let Some(spec) = scenario.control_plane.as_mut() {
            let base = Values::of_spec(spec);
            self.run.settings.apply_differences(&base, spec);
        }
        scenario.seed = Some(self.run.seed);
        scenario.check()?;
        Ok(scenario)
    }

    /// A control's value, from the part that holds it.
    pub fn get(&self, control: Control) -> f64 {
        match control.row().part() {
            Part::Run => self.run.settings[control],
            Part::Faults => self.faults.values[control],
            Part::Playback => self.playback.speed,
        }
    }

    /// Sets a control's value (as given: the reducer and the URL clamp it).
    pub fn set(&mut self, control: Control, value: f64) {
        match control.row().part() {
            Part::Run => self.run.settings[control] = value,
            Part::Faults => self.faults.values[control] = value,
            Part::Playback => self.playback.speed = value,
        }
    }

    /// Moves the settings `control` sizes (the cores, by the nodes) that
    /// showed the size for its value `before`, to the size for its value
    /// now: the reader moving the nodes sees the cores kube-up would give.
    pub fn follow(&mut self, control: Control, before: f64) {
        for row in CONTROLS.iter() {
            let Some((sizer, size)) = row.sized() else {
                continue;
            };
            if sizer == control && row.same(self.get(row.control), size(before)) {
                self.set(row.control, size(self.get(control)));
            }
        }
    }

    /// Sets the controls a change of the model sets, as the page shows
    /// them (`apply(C::FlowControl(MaxInflight))` picks the switch's choice).
    pub fn apply(&mut self, change: ControlPlaneChange) {
        self.absorb(&Change::ControlPlane(change));
    }

    /// Whether a new run must start to go from `before` to `self` (another
    /// base scenario, seed, or a Reset), rather than changes to the
    /// running one.
    pub fn needs_new_run(&self, before: &Params) -> bool {
        self.run.base != before.run.base
            || self.run.seed != before.run.seed
            || self.playback.restarts != before.playback.restarts
    }

    /// The simulation changes that turn `before` into `self`, in the order
    /// of the control table.
    pub fn changes_since(&self, before: &Params) -> Vec<Change> {
        let mut changes = Vec::new();
        for row in CONTROLS.iter() {
            let (now, then) = (self.get(row.control), before.get(row.control));
            let Some(change) = row.change(now) else {
                continue;
            };
            match row.input {
                // Each press is one more change.
                Input::Press => {
                    for _ in (then as u64)..(now as u64) {
                        changes.push(Change::ControlPlane(change));
                    }
                }
                _ if !row.same(now, then) || self.unpinned_by_its_size(row, before) => {
                    changes.push(Change::ControlPlane(change))
                }
                _ => {}
            }
        }
        changes
    }

    /// Whether a setting sized by another control (the cores by the nodes)
    /// shows the same value as `before` but would be moved by the model
    /// to the size for the new value of what sizes it: the reader moved
    /// the nodes, then set the cores back to what they were. The model
    /// must be told the cores outright, as a new run of `self` pins them.
    fn unpinned_by_its_size(&self, row: &Row, before: &Params) -> bool {
        let Some((sizer, size)) = row.sized() else {
            return false;
        };
        let (now, then) = (self.get(sizer), before.get(sizer));
        !sizer.row().same(now, then) && !row.same(self.get(row.control), size(now))
    }

    /// Mirrors on the controls a change of the model, so the page shows it
    /// and does not make it a second time; returns the control it set and
    /// the value the control had before.
    pub fn absorb(&mut self, change: &Change) -> Option<(Control, f64)> {
        let Change::ControlPlane(change) = change else {
            return None;
        };
        let (row, value) = CONTROLS
            .iter()
            .find_map(|row| Some((row, row.absorb(change)?)))?;
        let before = self.get(row.control);
        let value = match row.input {
            Input::Press => before + value,
            _ => value,
        };
        self.set(row.control, value);
        Some((row.control, before))
    }

    /// Mirrors a change the scenario's timeline made, noting the value the
    /// control had before (the first time only: that is the reader's).
    /// A press is an event of this run and is not noted.
    pub fn absorb_scheduled(&mut self, change: &Change) {
        if let Some((control, before)) = self.absorb(change)
            && !matches!(control.row().input, Input::Press)
            && self.scheduled.before.iter().all(|(c, _)| *c != control)
        {
            self.scheduled.before.push((control, before));
        }
    }

    /// The controls as the reader set them: every control the timeline
    /// moved back to its value before, no press yet made. A Reset starts
    /// from here, and a link says this.
    pub fn as_set_by_reader(&self) -> Params {
        let mut reader = self.clone();
        for (control, value) in std::mem::take(&mut reader.scheduled.before) {
            reader.set(control, value);
        }
        for row in CONTROLS.iter().filter(|r| matches!(r.input, Input::Press)) {
            reader.set(row.control, 0.0);
        }
        reader
    }

    /// The reader takes `control` over: the timeline's note of it goes.
    pub fn own(&mut self, control: Control) {
        self.scheduled.before.retain(|(c, _)| *c != control);
    }

    /// The catalog id of the base, if it is shipped.
    pub fn preset_id(&self) -> Option<&'static str> {
        match self.run.base {
            Base::Preset(id) => Some(id),
            Base::Imported(_) => None,
        }
    }

    /// The preset B of the A/B panel runs: the chosen one, unless it is A's
    /// own (B would repeat A to the digit), then A's counterpart.
    pub fn b_preset(&self) -> &'static str {
        let chosen = self.view.ab_preset;
        match self.preset_id() {
            Some(a) if a == chosen => counterpart(a),
            _ => chosen,
        }
    }

    /// B of the A/B panel: [`Params::b_preset`] with A's moved sliders,
    /// faults, seed and playback (the same workload where the presets share
    /// it), so the two differ in their mechanisms only.
    pub fn b_side(&self) -> Option<Params> {
        let mut b = Params::for_preset(self.b_preset()).ok()?;
        let a_base = self.run.base_run().ok()?;
        for row in CONTROLS.iter().filter(|r| r.is_model_slider()) {
            let control = row.control;
            if !row.same(self.get(control), a_base.settings[control]) {
                b.set(control, self.get(control));
            }
        }
        b.faults = self.faults.clone();
        b.run.seed = self.run.seed;
        b.playback = self.playback.clone();
        b.view.chart = self.view.chart;
        Some(b)
    }
}

/// B's default for a preset A: upstream 1.32 for every other preset, and
/// for 1.32 itself 1.30, whose LISTs without a resourceVersion go to etcd
/// (at the default load, the article's 1.32 repeats upstream's numbers:
/// none of its mechanisms is under stress).
fn counterpart(a: &str) -> &'static str {
    if a == DEFAULT_PRESET {
        "k8s-1.30"
    } else {
        DEFAULT_PRESET
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::state::Action;
    use crate::sim::Simulation;
    use crate::sim::models::control_plane::ControlPlaneChange as C;

    #[test]
    fn every_shipped_control_plane_scenario_opens_on_the_page_as_cplab_runs_it() {
        for entry in catalog::CATALOG {
            let Ok(params) = Params::for_preset(entry.id) else {
                continue;
            };
            let shipped = entry.scenario().expect("valid");
            let page = params.scenario().expect("valid");
            assert_eq!(
                page.control_plane, shipped.control_plane,
                "{}: untouched controls keep the file's values",
                entry.id
            );
            assert!(params.changes_since(&params).is_empty());
        }
        assert!(Params::for_preset("mm1").is_err(), "not a control plane");
        assert!(Params::for_preset("nope").is_err());
    }

    #[test]
    fn a_moved_control_reaches_the_scenario_and_the_running_model() {
        let before = Params::default();
        let mut after = before.reduce(Action::Set(Control::Nodes, 5_000.0));
        after.apply(C::ConsistentListFromCache(false));
        let scenario = after.scenario().expect("valid");
        let spec = scenario.control_plane.as_ref().expect("control plane");
        assert_eq!(spec.workload.nodes, 5_000);
        assert!(!spec.consistent_list_from_cache);
        let changes = after.changes_since(&before);
        assert_eq!(
            changes.len(),
            4,
            "the nodes, the cores and memory they size, the list"
        );
        let mut sim = Simulation::new(&before.scenario().expect("valid"), 1).expect("valid");
        for change in changes {
            sim.reconfigure(change).expect("valid");
        }
        let live = sim.scenario().control_plane.expect("control plane");
        assert_eq!(&live, spec, "changing a run = starting with the change");
    }

    #[test]
    fn a_timeline_change_absorbed_leaves_nothing_to_apply() {
        let before = Params::default();
        let mut after = before.clone();
        for change in [
            Change::ControlPlane(C::SlowWebhook(f64::INFINITY)),
            Change::ControlPlane(C::MaxRequestsInflight(50)),
            Change::ControlPlane(C::MaxMutatingRequestsInflight(25)),
        ] {
            after.absorb(&change);
        }
        assert_eq!(after.get(Control::SlowWebhook), 1.0);
        assert_eq!(after.get(Control::MaxRequestsInflight), 50.0);
        let mut mirrored = before.clone();
        mirrored.absorb(&Change::ControlPlane(C::SlowWebhook(f64::INFINITY)));
        mirrored.absorb(&Change::ControlPlane(C::MaxRequestsInflight(50)));
        mirrored.absorb(&Change::ControlPlane(C::MaxMutatingRequestsInflight(25)));
        assert!(after.changes_since(&mirrored).is_empty());
    }

    #[test]
    fn a_preset_replaces_the_run_and_keeps_the_view() {
        let mut page = Params::default();
        page.run.seed = 77;
        page.set(Control::Nodes, 42.0);
        page.set(Control::SlowWebhook, 1.0);
        page.playback.speed = 4.0;
        page.view.panel = Panel::Sweep;
        page.view.chart = ChartClass::List;
        let fresh = page.with_preset("k8s-1.30").expect("preset");
        assert_eq!(fresh.preset_id(), Some("k8s-1.30"));
        assert_eq!(fresh.get(Control::Nodes), 1_000.0);
        assert_eq!(fresh.faults, Faults::default());
        assert_eq!(fresh.run.seed, 77);
        assert_eq!(fresh.view, page.view);
        assert_eq!(fresh.playback.speed, 4.0);
        assert!(fresh.needs_new_run(&page));
    }
}
