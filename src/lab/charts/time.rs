//! A live time chart: lines over the last 60 simulated seconds, with an
//! optional guide (an SLO), on a log scale for latencies or a linear one
//! from zero for rates and counts.

use super::{
    FAILED_BAND, GREY, LIGHT, MARGIN, SPAN_SECONDS, Theme, X_LABEL_AREA, Y_LABEL_AREA, dashed_line,
    nice_ceiling,
};
use crate::lab::view::Guide;
use plotters::coord::Shift;
use plotters::prelude::*;

/// How the y axis is scaled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// whole decades, for latencies (µs to minutes)
    Log,
    /// from zero, for rates and counts
    Linear,
}

/// The y range currently drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
enum YRange {
    /// 10^low ..= 10^high
    Decades { low: i32, high: i32 },
    /// 0 ..= max
    Upto(f64),
}

impl YRange {
    fn bounds(self) -> (f64, f64) {
        match self {
            YRange::Decades { low, high } => (10f64.powi(low), 10f64.powi(high)),
            YRange::Upto(max) => (0.0, max),
        }
    }

    /// The range for data in [min, max], kept while the data still fits it
    /// comfortably (so the labels rarely redraw).
    fn fit(self, min: f64, max: f64) -> Self {
        match self {
            YRange::Decades { low: l0, high: h0 } => {
                if !(min > 0.0 && max >= min) {
                    return self;
                }
                let low = (libm::log10(min).floor() as i32).clamp(-6, 3);
                let high = (libm::log10(max * 1.1).ceil() as i32).clamp(low + 1, 4);
                let fits = low >= l0 && high <= h0;
                let too_wide = low - l0 > 1 || h0 - high > 1;
                if fits && !too_wide {
                    self
                } else {
                    YRange::Decades { low, high }
                }
            }
            YRange::Upto(current) => {
                let max = max.max(0.0);
                if max <= current && max >= current / 4.0 {
                    return self;
                }
                YRange::Upto(nice_ceiling(max * 1.15).max(1.0))
            }
        }
    }
}

/// What a latency chart draws besides its lines.
#[derive(Debug, Clone, Copy, Default)]
pub struct Overlays<'a> {
    /// each window's failed share (seconds before now, 0 to 1)
    pub failed: &'a [(f64, f64)],
    /// changes to the run (the timeline's, the reader's), seconds before now
    pub marks: &'a [f64],
}

/// One line: its colour and its points (seconds before now, value).
pub struct Series<'a> {
    pub colour: RGBColor,
    pub points: &'a [(f64, f64)],
}

/// A time chart's state: its y range and what its axes layer shows.
pub struct TimeChart {
    range: YRange,
    format: fn(f64) -> String,
    /// what the axes layer shows now (None: not drawn yet)
    drawn: Option<(YRange, Option<Guide>)>,
    /// its ground, grid and labels
    pub theme: Theme,
}

type Chart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

impl TimeChart {
    /// A chart whose y labels are written by `format`.
    pub fn new(scale: Scale, format: fn(f64) -> String) -> Self {
        let range = match scale {
            Scale::Log => YRange::Decades { low: -3, high: 0 },
            Scale::Linear => YRange::Upto(10.0),
        };
        Self {
            range,
            format,
            drawn: None,
            theme: LIGHT,
        }
    }

    /// The axes layer no longer shows what it did (its canvas was resized).
    pub fn forget_axes(&mut self) {
        self.drawn = None;
    }

    /// Fits the y range to the series (and keeps the guide in view when the
    /// data approach it); whether the axes layer must be drawn anew.
    pub fn fit(&mut self, series: &[Series], guide: Option<&Guide>) -> bool {
        let values = series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
        let (min, max) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
            (if v > 0.0 { lo.min(v) } else { lo }, hi.max(v))
        });
        let guide_value = guide.map_or(0.0, |g| g.value);
        let max = if matches!(self.range, YRange::Decades { .. }) && max > guide_value / 10.0 {
            max.max(guide_value)
        } else {
            max
        };
        self.range = self.range.fit(min, max);
        self.drawn.as_ref().is_none_or(|(range, drawn_guide)| {
            *range != self.range || drawn_guide.as_ref() != guide
        })
    }

    /// The y range drawn, as (bottom, top) in the data's unit.
    pub fn y_bounds(&self) -> (f64, f64) {
        self.range.bounds()
    }

    fn chart<'a, DB: DrawingBackend>(
        &self,
        root: &'a DrawingArea<DB, Shift>,
    ) -> Option<Chart<'a, DB>> {
        let (low, high) = self.range.bounds();
        ChartBuilder::on(root)
            .margin(MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(-SPAN_SECONDS..0.0, self.to_axis(low)..self.to_axis(high))
            .ok()
    }

    /// Log charts are drawn in log10 space (so one code path serves both).
    fn to_axis(&self, y: f64) -> f64 {
        match self.range {
            YRange::Decades { .. } => libm::log10(y.max(1e-9)),
            YRange::Upto(_) => y,
        }
    }

    /// Draws the axes layer: a white ground, the grid, the labels and the
    /// guide's label.
    pub fn draw_axes<DB: DrawingBackend>(
        &mut self,
        root: &DrawingArea<DB, Shift>,
        guide: Option<&Guide>,
    ) -> Option<()> {
        root.fill(&self.theme.background).ok()?;
        let mut chart = self.chart(root)?;
        let format = self.format;
        let log = matches!(self.range, YRange::Decades { .. });
        let y_label = move |y: &f64| {
            if log {
                // Label whole decades only.
                if (y - y.round()).abs() < 1e-6 {
                    format(libm::pow(10.0, *y))
                } else {
                    String::new()
                }
            } else {
                format(*y)
            }
        };
        let y_labels = match self.range {
            YRange::Decades { low, high } => ((high - low) as usize) + 1,
            YRange::Upto(_) => 5,
        };
        chart
            .configure_mesh()
            .light_line_style(self.theme.grid.mix(0.0))
            .bold_line_style(self.theme.grid)
            .axis_style(self.theme.label)
            .label_style(("sans-serif", 12).into_font().color(&self.theme.label))
            // About one label per 90 px: seven on the page, two or three in
            // a narrow embed.
            .x_labels((root.dim_in_pixel().0 as usize / 90).clamp(2, 7))
            .y_labels(y_labels)
            .x_label_formatter(&|x| {
                if *x >= -0.5 {
                    "now".to_owned()
                } else {
                    format!("{:.0} s", x)
                }
            })
            .y_label_formatter(&y_label)
            .draw()
            .ok()?;
        if let Some(guide) = guide {
            let y = self.to_axis(guide.value);
            let (low, high) = self.range.bounds();
            if (self.to_axis(low)..=self.to_axis(high)).contains(&y) {
                chart
                    .draw_series(std::iter::once(Text::new(
                        guide.label.clone(),
                        (-SPAN_SECONDS + 1.0, y),
                        ("sans-serif", 12).into_font().color(&GREY),
                    )))
                    .ok()?;
            }
        }
        root.present().ok()?;
        self.drawn = Some((self.range, guide.cloned()));
        Some(())
    }

    /// Draws the data layer (on a cleared, transparent area): the failed
    /// share of each window as a band hanging from the top, a quarter of
    /// the plot's height at 100%; each mark inside the window as a thin
    /// vertical line; the guide as a dashed line; then each series. Returns
    /// where each mark's line meets the plot's top, in pixels (its label is
    /// the caller's to write: text on this layer would be measured every
    /// frame).
    pub fn draw_data<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        series: &[Series],
        guide: Option<&Guide>,
        overlays: &Overlays,
    ) -> Option<Vec<Option<(i32, i32)>>> {
        let mut chart = self.chart(root)?;
        let (low, high) = self.range.bounds();
        let (low, high) = (self.to_axis(low), self.to_axis(high));
        let inside = |x: f64| (-SPAN_SECONDS..=0.0).contains(&x);
        let marks =
            overlays.marks.iter().filter(|x| inside(**x)).map(|x| {
                PathElement::new(vec![(*x, low), (*x, high)], GREY.mix(0.8).stroke_width(1))
            });
        chart.draw_series(marks).ok()?;
        let tops = overlays
            .marks
            .iter()
            .map(|x| inside(*x).then(|| chart.backend_coord(&(*x, high))))
            .collect();
        let band = overlays
            .failed
            .iter()
            .filter(|(_, share)| *share > 0.0)
            .map(|(x, share)| {
                let depth = share.clamp(0.0, 1.0) * (high - low) / 4.0;
                Rectangle::new(
                    [((x - 1.0).max(-SPAN_SECONDS), high), (*x, high - depth)],
                    FAILED_BAND.mix(0.45).filled(),
                )
            });
        chart.draw_series(band).ok()?;
        if let Some(guide) = guide {
            let y = self.to_axis(guide.value);
            if (low..=high).contains(&y) {
                chart.draw_series(dashed_line(-SPAN_SECONDS, 0.0, y)).ok()?;
            }
        }
        let at = |p: &(f64, f64)| (p.0, self.to_axis(p.1).clamp(low, high));
        for s in series {
            // On a log scale a window with nothing to show (no request
            // completed) is a gap, not a line drawn across it; a point
            // alone between gaps is a dot.
            let runs: Vec<&[(f64, f64)]> = match self.range {
                YRange::Upto(_) => vec![s.points],
                YRange::Decades { .. } => s.points.split(|p| p.1 <= 0.0).collect(),
            };
            for run in runs.into_iter().filter(|run| !run.is_empty()) {
                if let [alone] = run {
                    let dot = Circle::new(at(alone), 2, s.colour.filled());
                    chart.draw_series(std::iter::once(dot)).ok()?;
                } else {
                    let line = LineSeries::new(run.iter().map(at), s.colour.stroke_width(2));
                    chart.draw_series(line).ok()?;
                }
            }
        }
        root.present().ok()?;
        Some(tops)
    }
}
