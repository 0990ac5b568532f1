//! The page's controls as one table: every slider, switch and fault is one
//! [`Row`] of [`CONTROLS`], which says everything about it: its label, unit,
//! range and scale, hint, URL key, where a scenario file sets it, its
//! timeline key, how it reads from the scenario's control plane, and the
//! change it makes, which writes it to a scenario's control plane as it
//! does to the running model (`ControlPlaneSpec::apply`): a scenario and a
//! run changed into it cannot disagree.
//!
//! The page's state (`params`), its links (`url`), the controls panel, the
//! A/B panel, the jobs and the extremes test all read this table, so a new
//! control is a new row (and the model's own handling of its change).
//!
//! A control's value is a number: a slider's value in its unit, a switch's
//! choice (the index of its [`Choice`]), a toggle's 1 (on) or 0 (off), and a
//! press's count of presses.

mod table;

pub use table::{CACHE_LAG, CONTROLS, FSYNC_SPIKE_FACTOR, RESTART_FRACTION, SLOW_WEBHOOK_FACTOR};

use crate::sim::Change;
use crate::sim::models::control_plane::{ControlPlaneChange, ControlPlaneSpec};

/// Every control, in the order of [`CONTROLS`] (which is the order the
/// model receives their changes in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Control {
    Nodes,
    MaxRequestsInflight,
    MaxMutatingRequestsInflight,
    WebhookConcurrency,
    WebhookLatency,
    WebhookTimeout,
    EtcdConnections,
    EtcdFsyncLatency,
    Namespaces,
    UserRequests,
    ClientQps,
    ReadSpeed,
    ApiServerCores,
    ApiServerMemory,
    ApiServers,
    GoawayChance,
    Speed,
    FlowControl,
    WebhookHandling,
    CacheLocking,
    EtcdClient,
    Discovery,
    ConsistentList,
    SeatBorrowing,
    CacheTimeout,
    ClientLimits,
    SlowWebhook,
    FsyncSpike,
    WatchCacheLag,
    LeaderElection,
    RestartStorm,
    RestartApiServer,
}

/// How many controls there are.
pub const COUNT: usize = 32;

/// One control, everything about it.
pub struct Row {
    pub control: Control,
    /// the visible label, which is also its accessible name
    pub label: &'static str,
    /// what it does and where its default comes from
    pub hint: &'static str,
    /// its element id and URL key
    pub key: &'static str,
    pub input: Input,
    pub binding: Binding,
}

/// How the reader sets a control.
pub enum Input {
    /// a slider over a range, its value shown with a unit ("" for counts)
    Slider { range: Range, unit: &'static str },
    /// one of a mechanism's versions
    Switch(&'static [Choice]),
    /// a fault that stays on until it is turned off
    Toggle,
    /// a fault that happens once per press
    Press,
}

/// One version of a mechanism.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub label: &'static str,
    /// its URL value
    pub key: &'static str,
    pub origin: Origin,
}

/// Where a choice comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// what an upstream Kubernetes release does
    Upstream,
    /// the article's version, not upstream Kubernetes'
    Article,
    /// what no release does: a counterfactual to compare with
    WhatIf,
}

impl Origin {
    /// The tag a choice of this origin carries, and its tooltip.
    pub fn tag(self) -> Option<(&'static str, &'static str)> {
        match self {
            Origin::Upstream => None,
            Origin::Article => Some((
                "article",
                "As the article describes: not in upstream Kubernetes",
            )),
            Origin::WhatIf => Some((
                "what-if",
                "What no Kubernetes release does: a counterfactual to compare with",
            )),
        }
    }
}

/// What a control changes.
pub enum Binding {
    /// a setting of the scenario's control plane: part of what defines a run
    Setting(Setting),
    /// a fault on the running model
    Fault(Fault),
    /// how fast the run plays: never reaches the model
    Playback,
}

/// A control-plane setting.
pub struct Setting {
    /// where a scenario file sets it (`[]` stands for every item of a list)
    pub path: &'static str,
    /// its value in `spec`
    pub read: fn(&ControlPlaneSpec) -> f64,
    /// the change that sets it, on a running model or on a spec
    /// (`ControlPlaneSpec::apply`)
    pub change: fn(f64) -> ControlPlaneChange,
    /// the value a change of the model (the timeline's) sets it to
    pub absorb: fn(&ControlPlaneChange) -> Option<f64>,
    /// the other control that sizes its default, if one does
    pub sized_by: Option<SizedBy>,
}

/// A default sized by another control (the cores kube-up gives for the
/// nodes): while this control shows the size for that control's value, it
/// follows that control when the reader moves it.
pub struct SizedBy {
    pub control: Control,
    /// this control's default for that control's value
    pub size: fn(f64) -> f64,
}

/// A fault: its change on the running model.
pub struct Fault {
    /// the change a toggle at this value, or one press, makes
    pub change: fn(f64) -> ControlPlaneChange,
    /// the toggle's value after a change of the model (a press's: 1 more)
    pub absorb: fn(&ControlPlaneChange) -> Option<f64>,
}

/// Where the page keeps a control's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// what defines the run
    Run,
    Faults,
    Playback,
}

/// A numeric control's range and how its slider maps to values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub min: f64,
    pub max: f64,
    /// the slider moves in log(value) rather than value
    pub logarithmic: bool,
    /// values are whole numbers
    pub integer: bool,
}

impl Range {
    /// Clamps (and rounds) a value; NaN gives `None`.
    pub fn clamp(&self, value: f64) -> Option<f64> {
        if value.is_nan() {
            return None;
        }
        let v = value.clamp(self.min, self.max);
        Some(if self.integer { v.round() } else { v })
    }

    /// Slider position in [0, 1000] for a value.
    pub fn to_position(&self, value: f64) -> f64 {
        let t = if self.logarithmic {
            (value.max(self.min).ln() - self.min.ln()) / (self.max.ln() - self.min.ln())
        } else {
            (value - self.min) / (self.max - self.min)
        };
        (t.clamp(0.0, 1.0) * 1000.0).round()
    }

    /// The value at a slider position in [0, 1000]: a whole number, or
    /// three significant figures (a link then says `speed=10`, not the
    /// `10.000000000000002` of exp(ln 10)).
    pub fn from_position(&self, position: f64) -> f64 {
        let t = (position / 1000.0).clamp(0.0, 1.0);
        let v = if self.logarithmic {
            (self.min.ln() + t * (self.max.ln() - self.min.ln())).exp()
        } else {
            self.min + t * (self.max - self.min)
        };
        self.clamp(three_figures(v)).unwrap_or(self.min)
    }
}

impl Control {
    /// Its row of [`CONTROLS`].
    pub fn row(self) -> &'static Row {
        &CONTROLS[self as usize]
    }

    /// Every control, in the table's order.
    pub fn all() -> impl Iterator<Item = Control> {
        CONTROLS.iter().map(|row| row.control)
    }

    /// The control whose element id and URL key is `key`.
    pub fn from_key(key: &str) -> Option<Control> {
        CONTROLS
            .iter()
            .find(|row| row.key == key)
            .map(|r| r.control)
    }

    /// The setting a scenario file sets at `field` (`control_plane.…`, as
    /// a scenario error names it), if a control shows it.
    pub fn at_path(field: &str) -> Option<Control> {
        // `webhooks[3].latency` is the `webhooks[].latency` of every item.
        let mut general = String::with_capacity(field.len());
        let mut in_index = false;
        for c in field.chars() {
            match c {
                '[' => {
                    in_index = true;
                    general.push(c);
                }
                ']' => {
                    in_index = false;
                    general.push(c);
                }
                _ if in_index => {}
                _ => general.push(c),
            }
        }
        CONTROLS.iter().find_map(|row| match &row.binding {
            Binding::Setting(s) if s.path == general => Some(row.control),
            _ => None,
        })
    }
}

impl Row {
    /// The control that sizes this one's default (the nodes, the cores),
    /// and this control's size for a value of it, within this control's
    /// range; `None` for a control no other sizes.
    pub fn sized(&self) -> Option<(Control, impl Fn(f64) -> f64 + '_)> {
        let Binding::Setting(Setting {
            sized_by: Some(sized),
            ..
        }) = &self.binding
        else {
            return None;
        };
        let size = move |value| {
            let size = (sized.size)(value);
            self.range().and_then(|r| r.clamp(size)).unwrap_or(size)
        };
        Some((sized.control, size))
    }

    /// Where the page keeps its value.
    pub fn part(&self) -> Part {
        match self.binding {
            Binding::Setting(_) => Part::Run,
            Binding::Fault(_) => Part::Faults,
            Binding::Playback => Part::Playback,
        }
    }

    /// A slider's range.
    pub fn range(&self) -> Option<Range> {
        match self.input {
            Input::Slider { range, .. } => Some(range),
            _ => None,
        }
    }

    /// A slider's unit ("" for anything else).
    pub fn unit(&self) -> &'static str {
        match self.input {
            Input::Slider { unit, .. } => unit,
            _ => "",
        }
    }

    /// `text` with the slider's unit, "Webhook latency (ms)", or alone
    /// where there is no unit ("Nodes").
    pub fn titled(&self, text: &str) -> String {
        match self.unit() {
            "" => text.to_string(),
            unit => format!("{text} ({unit})"),
        }
    }

    /// A switch's choices (none for anything else).
    pub fn choices(&self) -> &'static [Choice] {
        match self.input {
            Input::Switch(choices) => choices,
            _ => &[],
        }
    }

    /// The index of the choice whose URL value is `key`.
    pub fn choice(&self, key: &str) -> Option<usize> {
        self.choices().iter().position(|c| c.key == key)
    }

    /// A slider that sets the control plane (one a sweep can vary).
    pub fn is_model_slider(&self) -> bool {
        matches!(
            (&self.input, &self.binding),
            (Input::Slider { .. }, Binding::Setting(_))
        )
    }

    /// Its key in a scenario's timeline: its change's name in the model.
    pub fn timeline_key(&self) -> Option<String> {
        crate::sim::timeline::key_of(&Change::ControlPlane(self.change(1.0)?))
    }

    /// The change this control makes on the model at `value`.
    pub fn change(&self, value: f64) -> Option<ControlPlaneChange> {
        match &self.binding {
            Binding::Setting(s) => Some((s.change)(value)),
            Binding::Fault(f) => Some((f.change)(value)),
            Binding::Playback => None,
        }
    }

    /// The control's value after `change` of the model, if `change` is
    /// this control's (a press's value is how many presses it adds).
    pub fn absorb(&self, change: &ControlPlaneChange) -> Option<f64> {
        let value = match &self.binding {
            Binding::Setting(s) => (s.absorb)(change),
            Binding::Fault(f) => (f.absorb)(change),
            Binding::Playback => None,
        }?;
        Some(match self.range() {
            // The model may hold a value outside the slider's range: the
            // slider shows the nearest one it can.
            Some(range) => range.clamp(value).unwrap_or(value),
            None => value,
        })
    }

    /// Whether `a` and `b` are the same setting for the model (a slider's
    /// values that reach it as the same number are).
    pub fn same(&self, a: f64, b: f64) -> bool {
        match self.change(a) {
            Some(change) => self.change(b) == Some(change),
            None => a == b,
        }
    }
}

/// `x` to three significant figures, as the shortest decimal that reads
/// back the same (`format!("{:.*e}")` rounds in decimal, not in binary).
fn three_figures(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    format!("{x:.2e}").parse().unwrap_or(x)
}

/// The index of `value` among `options` (a switch's value).
fn place<T: PartialEq>(options: &[T], value: &T) -> f64 {
    options.iter().position(|o| o == value).unwrap_or(0) as f64
}

/// The option a switch's value stands for.
fn pick<T: Copy>(options: &[T], value: f64) -> T {
    options[(value.max(0.0) as usize).min(options.len() - 1)]
}

/// A slider's value as a count.
fn whole(value: f64) -> u32 {
    value.round() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::models::control_plane::spec::CustomSource;
    use crate::sim::models::request::{ClientKind, Resource, Verb};
    use crate::sim::timeline::TimedChange;

    #[test]
    fn logarithmic_sliders_map_positions_both_ways() {
        let range = Control::Nodes.row().range().expect("a slider");
        assert_eq!(range.from_position(0.0), 1.0);
        assert_eq!(range.from_position(1000.0), 15_000.0);
        let position = range.to_position(1_000.0);
        assert!((range.from_position(position) - 1_000.0).abs() / 1_000.0 < 0.01);
        let speed = Control::Speed.row().range().expect("a slider");
        assert!(
            (speed.from_position(500.0) - 1.0).abs() < 1e-9,
            "1× sits in the middle of 0.01×-100×"
        );
    }

    #[test]
    fn a_title_gives_the_unit_in_parentheses_or_none_at_all() {
        for row in CONTROLS.iter().filter(|r| r.range().is_some()) {
            let title = row.titled("from");
            assert!(!title.contains("()") && !title.ends_with(' '), "{title:?}");
            assert_eq!(title == "from", row.unit().is_empty(), "{title:?}");
        }
    }

    #[test]
    fn every_slider_position_is_a_short_decimal() {
        for row in CONTROLS.iter() {
            let Some(range) = row.range() else {
                continue;
            };
            for position in 0..=1000 {
                let value = range.from_position(position as f64);
                let written = format!("{value}");
                let figures = written.replace('.', "");
                let figures = figures.trim_start_matches('0').trim_end_matches('0');
                assert!(
                    range.integer && value.fract() == 0.0 || figures.len() <= 3,
                    "{:?} at {position}: {written}",
                    row.control
                );
            }
        }
        let speed = Control::Speed.row().range().expect("a slider");
        assert_eq!(speed.from_position(1000.0), 100.0);
        assert_eq!(speed.from_position(0.0), 0.01);
    }

    #[test]
    fn each_row_sits_at_its_controls_place() {
        assert_eq!(CONTROLS.len(), COUNT);
        for (i, row) in CONTROLS.iter().enumerate() {
            assert_eq!(row.control as usize, i, "{:?}", row.control);
            assert_eq!(Control::from_key(row.key), Some(row.control));
            assert!(
                !row.label.is_empty() && !row.hint.is_empty(),
                "{:?}",
                row.control
            );
        }
    }

    #[test]
    fn each_change_a_row_makes_is_a_timeline_key_that_reads_back() {
        for row in &CONTROLS {
            let Some(change) = row.change(1.0) else {
                assert!(matches!(row.binding, Binding::Playback));
                continue;
            };
            let key = row.timeline_key().expect("a key");
            let entry = TimedChange::from_change(1.0, &Change::ControlPlane(change), None);
            let written = toml::to_string(&entry).expect("writes");
            assert!(written.contains(&format!("\n{key} = ")), "{written}");
            let back: TimedChange = toml::from_str(&written).expect("reads back");
            assert_eq!(back.changes, vec![Change::ControlPlane(change)]);
        }
        assert_eq!(
            Control::Nodes.row().timeline_key().as_deref(),
            Some("nodes")
        );
        assert_eq!(
            Control::EtcdFsyncLatency.row().timeline_key().as_deref(),
            Some("fsync_latency")
        );
    }

    #[test]
    fn each_setting_reads_what_it_wrote_and_absorbs_what_it_sent() {
        for row in &CONTROLS {
            let Binding::Setting(setting) = &row.binding else {
                continue;
            };
            let values: Vec<f64> = match (&row.input, row.range()) {
                (_, Some(range)) => vec![range.min, range.max],
                (Input::Switch(choices), None) => (0..choices.len()).map(|i| i as f64).collect(),
                _ => unreachable!("a setting is a slider or a switch"),
            };
            for value in values {
                let mut spec = ControlPlaneSpec::upstream(100);
                // A slow reader, for the Slow reader speed to set.
                spec.workload.sources.push(CustomSource {
                    name: "slow reader".into(),
                    rate: 1.0,
                    verb: Verb::List,
                    resource: Resource::Pods.into(),
                    subresource: Default::default(),
                    client: ClientKind::User,
                    objects: 100,
                    matches: None,
                    users: 1,
                    limit: None,
                    read_kib_s: Some(50),
                });
                spec.apply((setting.change)(value));
                assert!(row.same((setting.read)(&spec), value), "{:?}", row.control);
                let change = (setting.change)(value);
                assert_eq!(row.absorb(&change).map(|v| row.same(v, value)), Some(true));
            }
            assert_eq!(Control::at_path(setting.path), Some(row.control));
        }
        assert_eq!(
            Control::at_path("control_plane.webhooks[1].timeout"),
            Some(Control::WebhookTimeout)
        );
    }
}
