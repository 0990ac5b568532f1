//! The sweep's chart: p50 and p99 against the swept slider, log-log where
//! the slider is logarithmic, with the 1 s SLO. Drawn once per result, so
//! plotters' text measuring is no concern here.

use super::{BLUE, Theme, VERMILLION, dashed_line, ticks};
use crate::lab::controls::Control;
use crate::lab::format;
use crate::lab::jobs::SweepPoint;
use crate::sim::models::request::RequestClass;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Draws the sweep's `points` of `control` on `root`.
pub fn draw_sweep<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    points: &[SweepPoint],
    control: Control,
    theme: &Theme,
) -> Option<()> {
    root.fill(&theme.background).ok()?;
    let row = control.row();
    let range = row.range()?;
    let log_x = range.logarithmic;
    let to_x = |v: f64| if log_x { v.max(1e-9).log10() } else { v };
    let (x0, x1) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(to_x(p.value)), b.max(to_x(p.value)))
        });
    let (x0, x1) = if x0.is_finite() && x1 > x0 {
        (x0, x1)
    } else {
        (to_x(range.min), to_x(range.max))
    };
    let ys = points
        .iter()
        .flat_map(|p| [p.p50_s, p.p99_s])
        .filter(|y| *y > 0.0);
    let (lo, hi) = ys.fold((f64::INFINITY, 1.0f64), |(a, b), y| (a.min(y), b.max(y)));
    let low = if lo.is_finite() {
        lo.log10().floor()
    } else {
        -3.0
    };
    let high = (hi * 1.1).log10().ceil().max(low + 1.0);
    // Room under the ticks for the axis title, and on the right for the
    // last tick's label, centred on the plot's edge.
    let mut chart = ChartBuilder::on(root)
        .margin(10)
        .margin_right(24)
        .x_label_area_size(46)
        .y_label_area_size(62)
        .build_cartesian_2d(x0..x1, low..high)
        .ok()?;
    let label = ("sans-serif", 12).into_font().color(&theme.label);
    // The x grid and labels are drawn below at 1-2-5 ticks (plotters'
    // own would put a log axis's at 100, 316, 1,000; a custom axis type
    // costs 5 KB of the page's module in a second copy of its mesh code).
    chart
        .configure_mesh()
        .light_line_style(theme.background.mix(0.0))
        .bold_line_style(theme.grid)
        .label_style(label.clone())
        .disable_x_mesh()
        .x_labels(0)
        .y_labels((high - low) as usize + 1)
        .y_label_formatter(&|y| {
            if (y - y.round()).abs() < 1e-6 {
                format::latency(10f64.powf(*y))
            } else {
                String::new()
            }
        })
        .x_desc(row.titled(row.label))
        .draw()
        .ok()?;
    // About one label per 64 px of plot, so a phone's narrow chart gets
    // the decades alone.
    let most = (root.dim_in_pixel().0.saturating_sub(96) / 64).clamp(2, 8) as usize;
    for tick in ticks(x0, x1, log_x, most) {
        chart
            .draw_series(LineSeries::new([(tick, low), (tick, high)], theme.grid))
            .ok()?;
        let (x, y) = chart.backend_coord(&(tick, low));
        let value = if log_x { 10f64.powf(tick) } else { tick };
        let at = label.pos(Pos::new(HPos::Center, VPos::Top));
        root.draw(&Text::new(
            format::slider_value(control, value),
            (x, y + 6),
            at,
        ))
        .ok()?;
    }
    // The single-object SLO, at its log10.
    let slo = RequestClass::Mutating.slo().log10();
    if (low..=high).contains(&slo) {
        chart.draw_series(dashed_line(x0, x1, slo)).ok()?;
    }
    for (colour, pick) in [
        (BLUE, (|p: &SweepPoint| p.p50_s) as fn(&SweepPoint) -> f64),
        (VERMILLION, |p: &SweepPoint| p.p99_s),
    ] {
        let line: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| pick(p) > 0.0)
            .map(|p| (to_x(p.value), pick(p).log10()))
            .collect();
        chart
            .draw_series(LineSeries::new(line.clone(), colour.stroke_width(2)))
            .ok()?;
        chart
            .draw_series(line.into_iter().map(|p| Circle::new(p, 3, colour.filled())))
            .ok()?;
    }
    // Where requests failed (429s or timeouts), the quantiles above are of
    // the successful ones only: a cross on the p99 (or at the top, if none
    // completed) says so.
    let failed = points.iter().filter(|p| p.failed_rate() > 0.0).map(|p| {
        let y = if p.p99_s > 0.0 { p.p99_s.log10() } else { high };
        Cross::new((to_x(p.value), y), 6, theme.ink.stroke_width(2))
    });
    chart.draw_series(failed).ok()?;
    root.present().ok()
}
