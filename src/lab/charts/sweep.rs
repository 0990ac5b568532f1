//! The sweep's chart: p50 and p99 against the swept slider, log-log where
//! the slider is logarithmic, with the 1 s SLO. Drawn once per result, so
//! plotters' text measuring is no concern here.

use super::{BLUE, FAILED, GRID, LABEL, VERMILLION, dashed_line, ticks};
use crate::lab::controls::Control;
use crate::lab::format;
use crate::lab::jobs::SweepPoint;
use crate::sim::models::request::RequestClass;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;
use std::ops::Range;

/// A linear axis (of log10 values where the slider is logarithmic) whose
/// grid lines and labels are at the given ticks only, so a log axis reads
/// 100, 200, 500, 1,000 rather than 100, 316, 1,000.
struct Ticked {
    range: Range<f64>,
    ticks: Vec<f64>,
}

impl Ranged for Ticked {
    type ValueType = f64;
    type FormatOption = DefaultFormatting;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        let at = if span > 0.0 {
            (value - self.range.start) / span
        } else {
            0.5
        };
        limit.0 + (at * (limit.1 - limit.0) as f64).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, _: Hint) -> Vec<f64> {
        self.ticks.clone()
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

/// Draws the sweep's `points` of `control` on `root`.
pub fn draw_sweep<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    points: &[SweepPoint],
    control: Control,
) -> Option<()> {
    root.fill(&WHITE).ok()?;
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
        .build_cartesian_2d(
            Ticked {
                range: x0..x1,
                ticks: ticks(x0, x1, log_x, 8),
            },
            low..high,
        )
        .ok()?;
    chart
        .configure_mesh()
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(GRID)
        .label_style(("sans-serif", 12).into_font().color(&LABEL))
        .y_labels((high - low) as usize + 1)
        .x_label_formatter(&|x| {
            let v = if log_x { 10f64.powf(*x) } else { *x };
            format::slider_value(control, v)
        })
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
        Cross::new((to_x(p.value), y), 6, FAILED.stroke_width(2))
    });
    chart.draw_series(failed).ok()?;
    root.present().ok()
}
