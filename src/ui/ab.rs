//! The A/B panel's second run: B is a chosen preset with A's moved sliders,
//! faults and seed; the animation loop overlays both runs' p99 and the
//! refresher writes both runs' numbers and their differences.

use crate::lab::charts::figures;
use crate::lab::charts::{BLUE, Scale, Series, VERMILLION};
use crate::lab::format;
use crate::lab::live::LiveRun;
use crate::ui::chart::CanvasTimeChart;
use crate::ui::components::ab::AbRefs;
use web_sys::HtmlCanvasElement;

/// Overlays A's and B's p99 of the chosen class over the last 60 s (the
/// chart is made when its canvases exist).
pub fn draw_ab(slot: &mut Option<CanvasTimeChart>, refs: &AbRefs, a: &LiveRun, b: &LiveRun) {
    let (Some(axes), Some(data)) = (
        refs.axes.cast::<HtmlCanvasElement>(),
        refs.data.cast::<HtmlCanvasElement>(),
    ) else {
        *slot = None;
        return;
    };
    if slot.as_ref().is_none_or(|c| *c.data_canvas() != data) {
        *slot = Some(CanvasTimeChart::new(
            axes,
            data,
            Scale::Log,
            format::latency,
        ));
    }
    let Some(chart) = slot.as_mut() else {
        return;
    };
    let class = a.params().view.chart;
    let (pa, pb) = (
        figures::p99(a.simulation(), class),
        figures::p99(b.simulation(), class),
    );
    let guide = class.guide(
        a.params()
            .get(crate::lab::controls::Control::WebhookTimeout),
    );
    chart.draw(
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
        guide,
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
