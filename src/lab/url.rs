//! A view in the URL's query string, and back.
//!
//! A link or an `<iframe>` reproduces what its author saw: the preset, every
//! control moved away from the preset's value, the faults that are on, the
//! seed, the speed, the open panel, and for embeds the figure and the
//! controls it shows. Only what differs from the preset is written, so
//! links stay short; reading a link starts from the preset again.
//!
//! Every control of the control table (`controls`) travels under its key: a
//! slider as a number in its unit, clamped to its range; a switch as its
//! choice's key; a fault that stays on as `1`. (A fault that happens once is
//! never in a link.)
//!
//! | key | value |
//! |---|---|
//! | `preset` | a shipped scenario: `k8s-1.32` (default), `k8s-1.30`, `k8s-1.32-article`, `single-binary`, a teaching scenario, `case-study-before`, `k8s-1.32-5000` |
//! | a control's key: `nodes`, `max-requests-inflight`, `webhook-latency` (ms), `speed` (×), … | numbers, clamped to the slider's range |
//! | a switch's key: `flow-control`, `webhook-handling`, `cache-locking`, `etcd-client`, `discovery`, `consistent-list` | one of its choices' keys: `apf`, `max-inflight`, `article-queue`, … |
//! | `slow-webhook`, `fsync-spike`, `paused` | `1` (on) |
//! | `seed` | 0 to 2⁶⁴−1 |
//! | `panel` | `lab`, `compare`, `case-study`, `claims`, `ab`, `sweep` |
//! | `chart` | `mutating`, `read`, `list`, `webhook`, `store`, `discovery`, `users` |
//! | `b` | the A/B panel's B preset |
//! | `sweep`, `sweep-from`, `sweep-to` | the sweep's slider (a numeric key above) and range |
//! | `embed` | `diagram`, `latency`, `diagram-chart`, `table` |
//! | `controls` | comma-separated numeric keys an embed shows |
//! | `story` | a story to tell from its first step (`first-visit`, `slow-webhook`, …), or `none` |
//! | `question` | a question people bring, told as its story (`one-server-capacity`, …) |
//!
//! A link with nothing in it is a first visit: it opens the first-visit
//! story. A link in a story names the story alone (it starts again from
//! its first step, whose acts set the controls); the default lab outside
//! a story is `story=none`.
//!
//! Anything else, or a value out of its range, is ignored or clamped, and
//! reported as a [`Notice`] the page shows.

use super::controls::{Binding, Control, Input, Range, Setting};
use super::params::{Base, DEFAULT_PRESET, Params};
use super::state::Action;
use super::story::{FIRST_VISIT, Question, Story};
use super::view::{ChartClass, Figure, Panel};
use crate::sim::studies::catalog;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Longest query string read [bytes]: a real link is a few hundred.
pub const MAX_QUERY: usize = 4_096;
/// Most notices kept from one query string.
const MAX_NOTICES: usize = 8;

/// Something in a link the page could not take as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice(pub String);

/// What a link's keys and values keep as they are: letters, digits and
/// `-._,` (the keys and values written here are words, numbers and lists).
const KEPT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b',');

/// Escapes a value for a query string (the values written here are plain
/// ASCII words and numbers; this keeps a stray character harmless).
fn escape(value: &str) -> String {
    utf8_percent_encode(value, KEPT).to_string()
}

/// Undoes `%XX` and `+` escapes (as browsers write a form's query);
/// invalid sequences stay as they are.
fn unescape(text: &str) -> String {
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// A number as the URL writes it: the shortest text that reads back the same.
fn number(x: f64) -> String {
    format!("{x}")
}

/// The query string (without `?`) that [`from_query`] reads back to `p`.
/// Imported scenarios cannot travel in a link: their controls are written
/// over the default preset, which is the nearest a link can say.
pub fn to_query(p: &Params) -> String {
    // What the timeline moved travels as the reader had it: the timeline
    // moves it again at its time in the opened run.
    if let Some(at) = &p.view.story {
        let key = match Question::find(at.story.id) {
            Some(_) => "question",
            None => "story",
        };
        return format!("{key}={}", escape(at.story.id));
    }
    let reader = p.as_set_by_reader();
    let p = &reader;
    let mut pairs: Vec<(String, String)> = Vec::new();
    let preset = p.preset_id().unwrap_or(DEFAULT_PRESET);
    let base = Params::for_preset(preset).unwrap_or_default();
    if preset != DEFAULT_PRESET {
        pairs.push(("preset".into(), preset.into()));
    }
    // What a link leaving a setting out gives: the base's, or for one
    // sized by a control the link moves, its size for that control's value
    // (as `from_query` reads it).
    let sizes = |control: Control| {
        super::controls::CONTROLS.iter().any(|row| {
            matches!(&row.binding, Binding::Setting(Setting { sized_by: Some(s), .. }) if s.control == control)
        })
    };
    let mut followed = base.clone();
    for driver in Control::all().filter(|&c| sizes(c) && p.get(c) != base.get(c)) {
        let before = followed.get(driver);
        followed.set(driver, p.get(driver));
        followed.follow(driver, before);
    }
    for row in super::controls::CONTROLS.iter() {
        let value = p.get(row.control);
        let theirs = match row.binding {
            Binding::Setting(Setting {
                sized_by: Some(_), ..
            }) => followed.get(row.control),
            _ => base.get(row.control),
        };
        let written = match row.input {
            Input::Slider { .. } => (value != theirs).then(|| number(value)),
            Input::Switch(choices) => (value != theirs)
                .then(|| choices.get(value as usize))
                .flatten()
                .map(|choice| choice.key.to_owned()),
            Input::Toggle => (value != 0.0).then(|| "1".to_owned()),
            // A press happens once: a link does not repeat it.
            Input::Press => None,
        };
        if let Some(written) = written {
            pairs.push((row.key.into(), written));
        }
    }
    if !p.playback.playing {
        pairs.push(("paused".into(), "1".into()));
    }
    if p.run.seed != base.run.seed {
        pairs.push(("seed".into(), p.run.seed.to_string()));
    }
    let view = &p.view;
    if view.panel != Panel::Lab {
        pairs.push(("panel".into(), view.panel.id().into()));
    }
    if view.chart != ChartClass::default() {
        pairs.push(("chart".into(), view.chart.id().into()));
    }
    if view.ab_preset != base.view.ab_preset {
        pairs.push(("b".into(), view.ab_preset.into()));
    }
    let sweep = (view.sweep, base.view.sweep);
    if sweep.0.control != sweep.1.control {
        pairs.push(("sweep".into(), sweep.0.control.row().key.into()));
    }
    if sweep.0.from != sweep.1.from {
        pairs.push(("sweep-from".into(), number(sweep.0.from)));
    }
    if sweep.0.to != sweep.1.to {
        pairs.push(("sweep-to".into(), number(sweep.0.to)));
    }
    if let Some(figure) = view.embed {
        pairs.push(("embed".into(), figure.id().into()));
    }
    if !view.embed_controls.is_empty() {
        let keys: Vec<&str> = view.embed_controls.iter().map(|c| c.row().key).collect();
        pairs.push(("controls".into(), keys.join(",")));
    }
    if pairs.is_empty() {
        // An empty link is a first visit's, which tells the story.
        pairs.push(("story".into(), "none".into()));
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", escape(k), escape(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A short, printable form of untrusted text for a notice.
fn shown(text: &str) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).take(40).collect();
    if text.chars().count() > 40 {
        format!("{clean}…")
    } else {
        clean
    }
}

/// Whether a flag's value says "on".
fn flag(value: &str) -> bool {
    matches!(value, "1" | "true" | "on" | "")
}

/// A slider's value in a link, within its range, and what the reader is
/// told if it was not (`kept`: the value before).
fn slider_value(label: &str, range: Range, text: &str, kept: f64) -> (f64, Option<String>) {
    match text.trim().parse::<f64>() {
        // An overlong number reads as infinity: out of range, clamped.
        Ok(x) if !x.is_nan() => {
            let clamped = range.clamp(x).unwrap_or(kept);
            let moved = clamped != x && !(range.integer && (clamped - x).abs() < 0.5);
            let notice = moved.then(|| {
                format!(
                    "{label}: {} is outside {}–{}; using {}.",
                    shown(text),
                    number(range.min),
                    number(range.max),
                    number(clamped)
                )
            });
            (clamped, notice)
        }
        _ => (
            kept,
            Some(format!(
                "{label}: “{}” is not a number; kept {}.",
                shown(text),
                number(kept)
            )),
        ),
    }
}

/// The query's (key, value) pairs, unescaped; an overlong query is read
/// up to `MAX_QUERY` bytes, and the reader told.
fn pairs_of(query: &str, note: &mut impl FnMut(String)) -> Vec<(String, String)> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let query = if query.len() > MAX_QUERY {
        note(format!(
            "The link's settings are {} characters long; only the first {MAX_QUERY} were read.",
            query.len()
        ));
        let mut end = MAX_QUERY;
        while !query.is_char_boundary(end) {
            end -= 1;
        }
        &query[..end]
    } else {
        query
    };
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (unescape(k), unescape(v))
        })
        .collect()
}

/// Reads a control's value from a link.
fn read_control(
    params: &mut Params,
    base: &Params,
    control: Control,
    value: &str,
    note: &mut impl FnMut(String),
) {
    let row = control.row();
    match row.input {
        Input::Slider { range, .. } => {
            let (value, notice) = slider_value(row.label, range, value, base.get(control));
            params.set(control, value);
            notice.into_iter().for_each(note);
        }
        Input::Switch(_) => match row.choice(value) {
            Some(choice) => params.set(control, choice as f64),
            None => note(format!(
                "{}: “{}” is not one of its choices; ignored.",
                row.key,
                shown(value)
            )),
        },
        Input::Toggle => params.set(control, flag(value) as u8 as f64),
        Input::Press => note(format!(
            "{}: a fault that happens once cannot be set by a link; ignored.",
            row.key
        )),
    }
}

/// Reads one of the view's keys (or what is not a key of this page).
fn read_view(
    params: &mut Params,
    base: &Params,
    key: &str,
    value: &str,
    note: &mut impl FnMut(String),
) {
    match key {
        "paused" => params.playback.playing = !flag(value),
        "seed" => match value.trim().parse::<u64>() {
            Ok(seed) => params.run.seed = seed,
            Err(_) => note(format!(
                "seed: “{}” is not a whole number from 0 to 18446744073709551615; kept {}.",
                shown(value),
                base.run.seed
            )),
        },
        "panel" => match Panel::ALL.into_iter().find(|p| p.id() == value) {
            Some(panel) => params.view.panel = panel,
            None => note(format!("panel: no panel called “{}”.", shown(value))),
        },
        "chart" => match ChartClass::ALL.into_iter().find(|c| c.id() == value) {
            Some(chart) => params.view.chart = chart,
            None => note(format!("chart: no chart called “{}”.", shown(value))),
        },
        "b" => match catalog::find(value).filter(|_| Params::for_preset(value).is_ok()) {
            Some(entry) => params.view.ab_preset = entry.id,
            None => note(format!("b: no preset called “{}”.", shown(value))),
        },
        "sweep" => match Control::from_key(value).filter(|c| c.row().is_model_slider()) {
            Some(control) => params.view.sweep.control = control,
            None => note(format!("sweep: no slider called “{}”.", shown(value))),
        },
        "sweep-from" | "sweep-to" => match value.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => {
                if key == "sweep-from" {
                    params.view.sweep.from = x;
                } else {
                    params.view.sweep.to = x;
                }
            }
            _ => note(format!("{key}: “{}” is not a number.", shown(value))),
        },
        "embed" => match Figure::ALL.into_iter().find(|f| f.id() == value) {
            Some(figure) => params.view.embed = Some(figure),
            None => note(format!("embed: no figure called “{}”.", shown(value))),
        },
        "controls" => {
            for id in value.split(',').filter(|id| !id.is_empty()) {
                let slider = Control::from_key(id).filter(|c| c.row().range().is_some());
                match slider {
                    Some(control) if !params.view.embed_controls.contains(&control) => {
                        params.view.embed_controls.push(control)
                    }
                    Some(_) => {}
                    None => note(format!("controls: no slider called “{}”.", shown(id))),
                }
            }
        }
        "story" if value == "none" || Story::find(value).is_some() => {}
        "story" => note(format!("story: no story called “{}”.", shown(value))),
        "question" => note(format!("question: no question called “{}”.", shown(value))),
        _ => note(format!(
            "“{}” is not a setting of this page; ignored.",
            shown(key)
        )),
    }
}

/// Reads a query string (with or without the leading `?`): the view it
/// describes, and what could not be taken as written.
pub fn from_query(query: &str) -> (Params, Vec<Notice>) {
    let mut notices = Vec::new();
    let mut note = |text: String| {
        if notices.len() < MAX_NOTICES {
            notices.push(Notice(text));
        }
    };
    let mut pairs = pairs_of(query, &mut note);
    // A question is told as its story.
    for (key, value) in &mut pairs {
        if key == "question" && Question::find(value).is_some() {
            *key = "story".into();
        }
    }
    // The preset first: everything else is relative to it.
    let mut params = Params::default();
    if let Some((_, id)) = pairs.iter().rev().find(|(k, _)| k == "preset") {
        match Params::for_preset(id) {
            Ok(p) => params = p,
            Err(_) => note(format!(
                "preset: there is no preset called “{}”; showing {DEFAULT_PRESET}.",
                shown(id)
            )),
        }
    }
    let base = params.clone();
    for (key, value) in &pairs {
        match Control::from_key(key) {
            _ if key == "preset" => {}
            Some(control) => read_control(&mut params, &base, control, value, &mut note),
            None => read_view(&mut params, &base, key, value, &mut note),
        }
    }
    // A setting the link leaves out, sized by one it gives (the cores by
    // the nodes), follows it as it does when the reader moves the slider.
    let given = |control: Control| pairs.iter().any(|(k, _)| k == control.row().key);
    for control in Control::all().filter(|c| given(*c)) {
        let mut followed = params.clone();
        followed.follow(control, base.get(control));
        for other in Control::all().filter(|c| !given(*c)) {
            params.set(other, followed.get(other));
        }
    }
    // The sweep's range follows its slider's range.
    let sweep = &mut params.view.sweep;
    if let Some(range) = sweep.control.row().range() {
        let (from, to) = (
            range.clamp(sweep.from).unwrap_or(range.min),
            range.clamp(sweep.to).unwrap_or(range.max),
        );
        if (from, to) != (sweep.from, sweep.to) {
            note(format!(
                "sweep: the range was clamped to {}–{}.",
                number(from),
                number(to)
            ));
            (sweep.from, sweep.to) = (from, to);
        }
    }
    // A story sets its own scenario and controls; a first visit tells one.
    // An embed shows one figure, never a story.
    let story = match pairs.iter().rev().find(|(k, _)| k == "story") {
        Some((_, id)) => Story::find(id).map(|s| s.id),
        None if pairs.is_empty() && notices.is_empty() => Some(FIRST_VISIT),
        None => None,
    };
    if let Some(id) = story {
        let what = match Question::find(id) {
            Some(_) => "question",
            None => "story",
        };
        let told = pairs.iter().filter(|(k, _)| k == "story").count();
        let said = if params.view.embed.is_some() {
            Some(format!(
                "{what}: an embedded figure tells no story; “{id}” ignored."
            ))
        } else {
            params = params.reduce(Action::BeginStory(id));
            let others = pairs.iter().any(|(k, _)| k != "story") || told > 1;
            others.then(|| {
                format!(
                    "{what}: “{id}” starts from its own scenario and settings; the link's other keys were ignored."
                )
            })
        };
        if let Some(text) = said.filter(|_| notices.len() < MAX_NOTICES) {
            notices.push(Notice(text));
        }
    } else if pairs.iter().filter(|(k, _)| k == "story").count() > 1 && notices.len() < MAX_NOTICES
    {
        notices.push(Notice(
            "story: the link names more than one story or question; the last, “none”, was taken."
                .into(),
        ));
    }
    debug_assert!(matches!(params.run.base, Base::Preset(_)));
    (params, notices)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::models::control_plane::ControlPlaneChange as C;
    use crate::sim::models::flow_control::FlowControlKind;

    #[test]
    fn a_default_view_has_an_empty_query_and_a_moved_one_round_trips() {
        assert_eq!(to_query(&Params::default()), "story=none");
        assert_eq!(from_query("?story=none"), (Params::default(), Vec::new()));
        let (first, _) = from_query("");
        let story = first
            .view
            .story
            .as_ref()
            .expect("a first visit tells a story");
        assert_eq!((story.story.id, story.step), (FIRST_VISIT, 0));
        assert_eq!(to_query(&first), "story=first-visit");
        assert_eq!(from_query("story=first-visit").0, first);
        let mut p = Params::for_preset("k8s-1.30")
            .expect("preset")
            .reduce(Action::Set(Control::Nodes, 5_000.0));
        p.set(Control::Speed, 2.5);
        p.set(Control::SlowWebhook, 1.0);
        p.apply(C::FlowControl(FlowControlKind::ArticleQueue));
        p.apply(C::ConsistentListFromCache(true));
        p.run.seed = 99;
        p.view.panel = Panel::Compare;
        p.view.embed = Some(Figure::Latency);
        p.view.embed_controls = vec![Control::Nodes, Control::Speed];
        let query = to_query(&p);
        assert!(query.starts_with("preset=k8s-1.30&nodes=5000"), "{query}");
        let (back, notices) = from_query(&format!("?{query}"));
        assert_eq!(back, p);
        assert!(notices.is_empty(), "{notices:?}");
    }

    /// A link that gives the nodes and not the cores gets the cores the
    /// nodes size, as the slider would; a link's own cores stay.
    #[test]
    fn a_link_without_the_cores_sizes_them_by_its_nodes() {
        let (sized, _) = from_query("preset=k8s-1.30&nodes=5000");
        assert_eq!(sized.get(Control::ApiServerCores), 64.0);
        let (set, _) = from_query("preset=k8s-1.30&nodes=5000&api-server-cores=32");
        assert_eq!(set.get(Control::ApiServerCores), 32.0);
        let (first, _) = from_query("preset=k8s-1.30&api-server-cores=32&nodes=5000");
        assert_eq!(first.get(Control::ApiServerCores), 32.0, "in either order");
    }

    #[test]
    fn hostile_values_are_clamped_or_ignored_with_a_notice() {
        let (p, notices) = from_query(
            "nodes=1e99&speed=NaN&seed=-3&flow-control=<script>&panel=x&preset=k8s-1.32&bogus=1&%ZZ=%",
        );
        assert_eq!(p.get(Control::Nodes), 15_000.0);
        assert_eq!(p.get(Control::Speed), 1.0);
        assert_eq!(p.run.seed, 1);
        assert_eq!(p.get(Control::FlowControl), 0.0, "APF");
        assert_eq!(notices.len(), 7, "{notices:?}");
        assert!(notices.iter().all(|n| !n.0.contains('\n')));
        let long = format!("nodes={}", "9".repeat(10_000));
        let (p, notices) = from_query(&long);
        assert_eq!(p.get(Control::Nodes), 15_000.0);
        assert!(!notices.is_empty());
        let (_, notices) = from_query("nodes=%F0%9F%92%A5&namespaces=\u{202e}12");
        assert_eq!(notices.len(), 2);
        // Two hex digits make an escape; a sign is not one.
        assert_eq!(unescape("%+1%41+b%"), "% 1A b%");
    }
}
