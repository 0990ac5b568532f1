//! A view in the URL's query string, and back.
//!
//! A link or an `<iframe>` reproduces what its author saw: the preset, every
//! control moved away from the preset's value, the faults that are on, the
//! seed, the speed, the open panel, and for embeds the figure and the
//! controls it shows. Only what differs from the preset is written, so
//! links stay short; reading a link starts from the preset again.
//!
//! | key | value |
//! |---|---|
//! | `preset` | a shipped scenario: `k8s-1.32` (default), `k8s-1.30`, `k8s-1.32-article`, `single-binary`, a teaching scenario, `case-study-before`, `k8s-1.32-5000` |
//! | `nodes`, `max-requests-inflight`, `max-mutating-requests-inflight`, `webhook-concurrency`, `webhook-latency` (ms), `webhook-timeout` (s), `etcd-connections`, `etcd-fsync-latency` (ms), `namespaces`, `speed` (×) | numbers, clamped to the slider's range |
//! | `flow-control` | `apf`, `max-inflight`, `article-queue` |
//! | `webhook-handling` | `inline`, `dedicated` |
//! | `cache-locking` | `per-resource`, `namespace-shards` |
//! | `etcd-client` | `per-resource`, `pool` |
//! | `discovery` | `aggregated`, `legacy` |
//! | `consistent-list` | `cache`, `etcd` |
//! | `slow-webhook`, `fsync-spike`, `paused` | `1` (on) |
//! | `seed` | 0 to 2⁶⁴−1 |
//! | `panel` | `lab`, `compare`, `case-study`, `claims`, `ab`, `sweep` |
//! | `chart` | `mutating`, `read`, `list`, `webhook` |
//! | `b` | the A/B panel's B preset |
//! | `sweep`, `sweep-from`, `sweep-to` | the sweep's slider (a numeric key above) and range |
//! | `embed` | `diagram`, `latency`, `diagram-chart`, `table` |
//! | `controls` | comma-separated numeric keys an embed shows |
//!
//! Anything else, or a value out of its range, is ignored or clamped, and
//! reported as a [`Notice`] the page shows.

use super::params::{Base, DEFAULT_PRESET, Figure, Knob, Panel, Params, Switch};
use crate::sim::models::control_plane::{Discovery, WebhookHandling};
use crate::sim::models::etcd::client::EtcdClientKind;
use crate::sim::models::flow_control::FlowControlKind;
use crate::sim::models::watch_cache::CacheLocking;
use crate::sim::studies::catalog;

/// Longest query string read [bytes]: a real link is a few hundred.
pub const MAX_QUERY: usize = 4_096;
/// Most notices kept from one query string.
const MAX_NOTICES: usize = 8;

/// Something in a link the page could not take as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice(pub String);

/// The chart names in the URL, by chart class index.
const CHARTS: [&str; 4] = ["mutating", "read", "list", "webhook"];

/// Every switch value with its URL key and value.
fn switch_values() -> Vec<(&'static str, &'static str, Switch)> {
    vec![
        (
            "flow-control",
            "apf",
            Switch::FlowControl(FlowControlKind::Apf),
        ),
        (
            "flow-control",
            "max-inflight",
            Switch::FlowControl(FlowControlKind::MaxInflight),
        ),
        (
            "flow-control",
            "article-queue",
            Switch::FlowControl(FlowControlKind::ArticleQueue),
        ),
        (
            "webhook-handling",
            "inline",
            Switch::WebhookHandling(WebhookHandling::Inline),
        ),
        (
            "webhook-handling",
            "dedicated",
            Switch::WebhookHandling(WebhookHandling::Dedicated),
        ),
        (
            "cache-locking",
            "per-resource",
            Switch::CacheLocking(CacheLocking::PerResource),
        ),
        (
            "cache-locking",
            "namespace-shards",
            Switch::CacheLocking(CacheLocking::NamespaceShards),
        ),
        (
            "etcd-client",
            "per-resource",
            Switch::EtcdClient(EtcdClientKind::PerResource),
        ),
        (
            "etcd-client",
            "pool",
            Switch::EtcdClient(EtcdClientKind::Pool),
        ),
        (
            "discovery",
            "aggregated",
            Switch::Discovery(Discovery::Aggregated),
        ),
        ("discovery", "legacy", Switch::Discovery(Discovery::Legacy)),
        ("consistent-list", "cache", Switch::ConsistentList(true)),
        ("consistent-list", "etcd", Switch::ConsistentList(false)),
    ]
}

/// The current value of each switch, as (key, value).
fn switches_of(p: &Params) -> [(&'static str, &'static str); 6] {
    let pick = |s: Switch| {
        switch_values()
            .into_iter()
            .find(|(_, _, v)| *v == s)
            .map_or(("", ""), |(k, v, _)| (k, v))
    };
    [
        pick(Switch::FlowControl(p.flow_control)),
        pick(Switch::WebhookHandling(p.webhook_handling)),
        pick(Switch::CacheLocking(p.cache_locking)),
        pick(Switch::EtcdClient(p.etcd_client)),
        pick(Switch::Discovery(p.discovery)),
        pick(Switch::ConsistentList(p.consistent_list_from_cache)),
    ]
}

/// Escapes a value for a query string (the values written here are plain
/// ASCII words and numbers; this keeps a stray character harmless).
fn escape(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b',' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Undoes %XX and `+` escapes; invalid sequences stay as they are.
fn unescape(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A number as the URL writes it: the shortest text that reads back the same.
fn number(x: f64) -> String {
    format!("{x}")
}

/// The query string (without `?`) that [`from_query`] reads back to `p`.
/// Imported scenarios cannot travel in a link: their controls are written
/// over the default preset, which is the nearest a link can say.
pub fn to_query(p: &Params) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let preset = p.preset_id().unwrap_or(DEFAULT_PRESET);
    let base = Params::for_preset(preset).unwrap_or_default();
    if preset != DEFAULT_PRESET {
        pairs.push(("preset".into(), preset.into()));
    }
    for knob in Knob::ALL {
        if p.get(knob) != base.get(knob) {
            pairs.push((knob.id().into(), number(p.get(knob))));
        }
    }
    for (mine, theirs) in switches_of(p).into_iter().zip(switches_of(&base)) {
        if mine != theirs {
            pairs.push((mine.0.into(), mine.1.into()));
        }
    }
    for (on, key) in [
        (p.slow_webhook, "slow-webhook"),
        (p.fsync_spike, "fsync-spike"),
        (!p.playing, "paused"),
    ] {
        if on {
            pairs.push((key.into(), "1".into()));
        }
    }
    if p.seed != base.seed {
        pairs.push(("seed".into(), p.seed.to_string()));
    }
    if p.panel != Panel::Lab {
        pairs.push(("panel".into(), p.panel.id().into()));
    }
    if p.chart_class != 0 {
        pairs.push((
            "chart".into(),
            CHARTS[p.chart_class.min(CHARTS.len() - 1)].into(),
        ));
    }
    if p.ab_preset != base.ab_preset {
        pairs.push(("b".into(), p.ab_preset.into()));
    }
    if p.sweep_knob != base.sweep_knob {
        pairs.push(("sweep".into(), p.sweep_knob.id().into()));
    }
    if p.sweep_from != base.sweep_from {
        pairs.push(("sweep-from".into(), number(p.sweep_from)));
    }
    if p.sweep_to != base.sweep_to {
        pairs.push(("sweep-to".into(), number(p.sweep_to)));
    }
    if let Some(figure) = p.embed {
        pairs.push(("embed".into(), figure.id().into()));
    }
    if !p.embed_controls.is_empty() {
        let ids: Vec<&str> = p.embed_controls.iter().map(|k| k.id()).collect();
        pairs.push(("controls".into(), ids.join(",")));
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

/// Reads a query string (with or without the leading `?`): the view it
/// describes, and what could not be taken as written.
pub fn from_query(query: &str) -> (Params, Vec<Notice>) {
    let mut notices = Vec::new();
    let mut note = |text: String| {
        if notices.len() < MAX_NOTICES {
            notices.push(Notice(text));
        }
    };
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
    let pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (unescape(k), unescape(v))
        })
        .collect();
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
        let key = key.as_str();
        if key == "preset" {
            continue;
        }
        if let Some(knob) = Knob::from_id(key) {
            let range = knob.range();
            match value.trim().parse::<f64>() {
                // An overlong number reads as infinity: out of range, clamped.
                Ok(x) if !x.is_nan() => {
                    let clamped = range.clamp(x).unwrap_or(base.get(knob));
                    if clamped != x && !(range.integer && (clamped - x).abs() < 0.5) {
                        note(format!(
                            "{}: {} is outside {}–{}; using {}.",
                            knob.label(),
                            shown(value),
                            number(range.min),
                            number(range.max),
                            number(clamped)
                        ));
                    }
                    *params.slot(knob) = clamped;
                }
                _ => note(format!(
                    "{}: “{}” is not a number; kept {}.",
                    knob.label(),
                    shown(value),
                    number(base.get(knob))
                )),
            }
            continue;
        }
        if let Some((_, _, switch)) = switch_values()
            .into_iter()
            .find(|(k, v, _)| *k == key && v == value)
        {
            params.set_switch(switch);
            continue;
        }
        if switch_values().iter().any(|(k, _, _)| *k == key) {
            note(format!(
                "{key}: “{}” is not one of its choices; ignored.",
                shown(value)
            ));
            continue;
        }
        let flag = |value: &str| matches!(value, "1" | "true" | "on" | "");
        match key {
            "slow-webhook" => params.slow_webhook = flag(value),
            "fsync-spike" => params.fsync_spike = flag(value),
            "paused" => params.playing = !flag(value),
            "seed" => match value.trim().parse::<u64>() {
                Ok(seed) => params.seed = seed,
                Err(_) => note(format!(
                    "seed: “{}” is not a whole number from 0 to 18446744073709551615; kept {}.",
                    shown(value),
                    base.seed
                )),
            },
            "panel" => match Panel::ALL.into_iter().find(|p| p.id() == value) {
                Some(panel) => params.panel = panel,
                None => note(format!("panel: no panel called “{}”.", shown(value))),
            },
            "chart" => match CHARTS.iter().position(|c| c == value) {
                Some(i) => params.chart_class = i,
                None => note(format!("chart: no chart called “{}”.", shown(value))),
            },
            "b" => match catalog::find(value).filter(|_| Params::for_preset(value).is_ok()) {
                Some(entry) => params.ab_preset = entry.id,
                None => note(format!("b: no preset called “{}”.", shown(value))),
            },
            "sweep" => match Knob::from_id(value).filter(|k| *k != Knob::Speed) {
                Some(knob) => params.sweep_knob = knob,
                None => note(format!("sweep: no slider called “{}”.", shown(value))),
            },
            "sweep-from" | "sweep-to" => match value.trim().parse::<f64>() {
                Ok(x) if x.is_finite() => {
                    if key == "sweep-from" {
                        params.sweep_from = x;
                    } else {
                        params.sweep_to = x;
                    }
                }
                _ => note(format!("{key}: “{}” is not a number.", shown(value))),
            },
            "embed" => match Figure::ALL.into_iter().find(|f| f.id() == value) {
                Some(figure) => params.embed = Some(figure),
                None => note(format!("embed: no figure called “{}”.", shown(value))),
            },
            "controls" => {
                for id in value.split(',').filter(|id| !id.is_empty()) {
                    match Knob::from_id(id) {
                        Some(knob) if !params.embed_controls.contains(&knob) => {
                            params.embed_controls.push(knob)
                        }
                        Some(_) => {}
                        None => note(format!("controls: no slider called “{}”.", shown(id))),
                    }
                }
            }
            _ => note(format!(
                "“{}” is not a setting of this page; ignored.",
                shown(key)
            )),
        }
    }
    // The sweep's range follows its slider's range.
    let range = params.sweep_knob.range();
    let (from, to) = (
        range.clamp(params.sweep_from).unwrap_or(range.min),
        range.clamp(params.sweep_to).unwrap_or(range.max),
    );
    if (from, to) != (params.sweep_from, params.sweep_to) {
        note(format!(
            "sweep: the range was clamped to {}–{}.",
            number(from),
            number(to)
        ));
        params.sweep_from = from;
        params.sweep_to = to;
    }
    debug_assert!(matches!(params.base, Base::Preset(_)));
    (params, notices)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_default_view_has_an_empty_query_and_a_moved_one_round_trips() {
        assert_eq!(to_query(&Params::default()), "");
        let mut p = Params::for_preset("k8s-1.30").expect("preset");
        p.nodes = 5_000.0;
        p.speed = 2.5;
        p.slow_webhook = true;
        p.flow_control = FlowControlKind::ArticleQueue;
        p.consistent_list_from_cache = true;
        p.seed = 99;
        p.panel = Panel::Compare;
        p.embed = Some(Figure::Latency);
        p.embed_controls = vec![Knob::Nodes, Knob::Speed];
        let query = to_query(&p);
        assert!(query.starts_with("preset=k8s-1.30&nodes=5000"), "{query}");
        let (back, notices) = from_query(&format!("?{query}"));
        assert_eq!(back, p);
        assert!(notices.is_empty(), "{notices:?}");
    }

    #[test]
    fn hostile_values_are_clamped_or_ignored_with_a_notice() {
        let (p, notices) = from_query(
            "nodes=1e99&speed=NaN&seed=-3&flow-control=<script>&panel=x&preset=k8s-1.32&bogus=1&%ZZ=%",
        );
        assert_eq!(p.nodes, 15_000.0);
        assert_eq!(p.speed, 1.0);
        assert_eq!(p.seed, 1);
        assert_eq!(p.flow_control, FlowControlKind::Apf);
        assert_eq!(notices.len(), 7, "{notices:?}");
        assert!(notices.iter().all(|n| !n.0.contains('\n')));
        let long = format!("nodes={}", "9".repeat(10_000));
        let (p, notices) = from_query(&long);
        assert_eq!(p.nodes, 15_000.0);
        assert!(!notices.is_empty());
        let (_, notices) = from_query("nodes=%F0%9F%92%A5&namespaces=\u{202e}12");
        assert_eq!(notices.len(), 2);
    }
}
