//! The A/B panel's second run: B is a chosen preset with A's moved sliders,
//! faults and seed; the animation loop overlays both runs' p99 and the
//! refresher writes both runs' numbers and their differences.

use crate::lab::params::{Knob, Params};
use crate::ui::chart::{BLUE, Guide, Scale, Series, TimeChart, VERMILLION};
use crate::ui::components::ab::AbRefs;
use crate::ui::format;
use crate::ui::live::LiveRun;
use web_sys::HtmlCanvasElement;

/// B of the A/B panel: the chosen preset with A's moved sliders, faults
/// and seed (the same workload where the presets share it).
pub fn b_params(a: &Params) -> Option<Params> {
    let mut b = Params::for_preset(a.ab_preset).ok()?;
    let a_base = a.base_params().ok()?;
    for knob in Knob::ALL {
        if a.get(knob) != a_base.get(knob) || knob == Knob::Speed {
            *b.slot(knob) = a.get(knob);
        }
    }
    b.slow_webhook = a.slow_webhook;
    b.fsync_spike = a.fsync_spike;
    b.elections = a.elections;
    b.restart_storms = a.restart_storms;
    b.seed = a.seed;
    b.run = a.run;
    b.playing = a.playing;
    b.steps = a.steps;
    b.chart_class = a.chart_class;
    Some(b)
}

/// The A/B panel's chart, made when its canvases exist.
pub struct AbChart {
    chart: TimeChart,
    canvas: HtmlCanvasElement,
}

/// Overlays A's and B's p99 of the chosen class over the last 60 s.
pub fn draw_ab(slot: &mut Option<AbChart>, refs: &AbRefs, a: &LiveRun, b: &LiveRun) {
    let (Some(axes), Some(data)) = (
        refs.axes.cast::<HtmlCanvasElement>(),
        refs.data.cast::<HtmlCanvasElement>(),
    ) else {
        *slot = None;
        return;
    };
    if slot.as_ref().is_none_or(|c| c.canvas != data) {
        *slot = Some(AbChart {
            chart: TimeChart::new(axes, data.clone(), Scale::Log, format::latency),
            canvas: data,
        });
    }
    let Some(ab) = slot.as_mut() else {
        return;
    };
    let class = a.params().chart_class.min(3);
    let p99 = |run: &LiveRun| -> Vec<(f64, f64)> {
        let sim = run.simulation();
        let now = sim.now();
        sim.metrics().get(class).map_or(Vec::new(), |m| {
            let length = m.windows.length();
            m.windows
                .windows()
                .iter()
                .filter(|w| now - w.start >= length / 2)
                .map(|w| {
                    let end = (w.start + length).min(now);
                    (
                        -crate::sim::to_secs(now - end),
                        if w.completed > 0 { w.p99 } else { 0.0 },
                    )
                })
                .collect()
        })
    };
    let (pa, pb) = (p99(a), p99(b));
    let slo = if class == 2 { 30.0 } else { 1.0 };
    ab.chart.draw(
        &[
            Series {
                colour: BLUE,
                points: &pa,
            },
            Series {
                colour: VERMILLION,
                points: &pb,
            },
        ],
        Some(Guide {
            value: slo,
            label: format!("SLO {slo} s"),
        }),
    );
}

/// Writes A's and B's readouts and their differences.
pub fn show_ab(refs: &AbRefs, a: &LiveRun, b: &LiveRun) {
    let (ra, rb) = (a.readouts(), b.readouts());
    let values = [
        (ra.p50, rb.p50, true),
        (ra.p99, rb.p99, true),
        (ra.rejected_rate, rb.rejected_rate, false),
        (ra.timeout_rate, rb.timeout_rate, false),
    ];
    for (row, (x, y, latency)) in values.into_iter().enumerate() {
        let show = |v: f64| {
            if latency {
                format::latency(v)
            } else {
                format::rate(v)
            }
        };
        let diff = y - x;
        let signed = if latency {
            if x > 0.0 && y > 0.0 {
                format!(
                    "{}{} ({:+.0}%)",
                    if diff >= 0.0 { "+" } else { "−" },
                    format::latency(diff.abs()),
                    diff / x * 100.0
                )
            } else {
                "–".to_owned()
            }
        } else {
            format!(
                "{}{}",
                if diff >= 0.0 { "+" } else { "−" },
                format::rate(diff.abs())
            )
        };
        for (cell, text) in refs.cells[row].iter().zip([show(x), show(y), signed]) {
            if let Some(element) = cell.get() {
                element.set_text_content(Some(&text));
            }
        }
    }
}
