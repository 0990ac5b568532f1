//! The live latency chart, drawn with plotters on two stacked canvases.
//!
//! plotters-canvas measures each text label through the DOM, which is too
//! slow to do sixty times a second. So the chart has two layers: the *axes*
//! canvas (grid, ticks, labels) is redrawn only when the axis ranges change,
//! and the *data* canvas (the lines, no text) is cleared and redrawn every
//! frame. Both layers are built with the same margins and label areas, so
//! plotters maps data to the same pixels on each.

use crate::sim::{Nanos, WindowSummary, to_secs};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// The chart spans the last 60 s of simulated time.
pub const SPAN_SECONDS: f64 = 60.0;
const MARGIN: u32 = 12;
const X_LABEL_AREA: u32 = 28;
const Y_LABEL_AREA: u32 = 64;

/// Okabe-Ito colours: told apart with every common colour-vision deficiency.
pub const P50_COLOUR: RGBColor = RGBColor(0, 114, 178);
pub const P99_COLOUR: RGBColor = RGBColor(213, 94, 0);
const GRID_COLOUR: RGBColor = RGBColor(225, 228, 232);
const LABEL_COLOUR: RGBColor = RGBColor(87, 96, 106);

/// A latency axis from `low` to `high` seconds, in whole decades (log scale).
#[derive(Debug, Clone, Copy, PartialEq)]
struct LatencyAxis {
    /// decade exponents: the axis spans 10^low ..= 10^high seconds
    low: i32,
    high: i32,
}

impl LatencyAxis {
    const DEFAULT: Self = Self { low: -3, high: 0 };

    /// The axis for latencies between `min` and `max` [s], kept as it is
    /// while the data still fits it comfortably (so labels rarely redraw).
    fn fit(self, min: f64, max: f64) -> Self {
        if !(min > 0.0 && max >= min) {
            return self;
        }
        let low = (libm::log10(min).floor() as i32).clamp(-5, 3);
        let high = (libm::log10(max * 1.1).ceil() as i32).clamp(low + 1, 4);
        let fits = low >= self.low && high <= self.high;
        let too_wide = low - self.low > 1 || self.high - high > 1;
        if fits && !too_wide {
            self
        } else {
            Self { low, high }
        }
    }

    fn range(self) -> std::ops::Range<f64> {
        10f64.powi(self.low)..10f64.powi(self.high)
    }
}

pub struct LatencyChart {
    axes: HtmlCanvasElement,
    data: HtmlCanvasElement,
    /// the axis currently drawn on the axes layer (None: not drawn yet)
    drawn: Option<LatencyAxis>,
    axis: LatencyAxis,
}

type Chart<'a> = ChartContext<'a, CanvasBackend, Cartesian2d<RangedCoordf64, LogCoord<f64>>>;

impl LatencyChart {
    pub fn new(axes: HtmlCanvasElement, data: HtmlCanvasElement) -> Self {
        Self {
            axes,
            data,
            drawn: None,
            axis: LatencyAxis::DEFAULT,
        }
    }

    /// Draws the windows (oldest first) as p50 and p99 lines; `now` [ns] is
    /// the right edge.
    pub fn draw(&mut self, windows: &[WindowSummary], window_length: Nanos, now: Nanos) {
        // Each window is plotted at its end (the open one at `now`), as
        // seconds before now.
        // The open window is plotted once it is half full: before that its
        // few samples make a noisy spike at the right edge.
        let points: Vec<(f64, f64, f64)> = windows
            .iter()
            .filter(|w| w.completed > 0 && now - w.start >= window_length / 2)
            .map(|w| {
                let end = (w.start + window_length).min(now);
                (-to_secs(now - end), w.p50, w.p99)
            })
            .filter(|&(x, _, _)| x >= -SPAN_SECONDS)
            .collect();
        let min = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let max = points.iter().map(|p| p.2).fold(0.0, f64::max);
        self.axis = self.axis.fit(min, max);
        if self.drawn != Some(self.axis) {
            if self.draw_axes().is_none() {
                return;
            }
            self.drawn = Some(self.axis);
        }
        let _ = self.draw_lines(&points);
    }

    fn chart<'a>(
        &self,
        root: &'a DrawingArea<CanvasBackend, plotters::coord::Shift>,
    ) -> Option<Chart<'a>> {
        ChartBuilder::on(root)
            .margin(MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(-SPAN_SECONDS..0.0, self.axis.range().log_scale())
            .ok()
    }

    fn draw_axes(&self) -> Option<()> {
        let root = CanvasBackend::with_canvas_object(self.axes.clone())?.into_drawing_area();
        root.fill(&WHITE).ok()?;
        let mut chart = self.chart(&root)?;
        chart
            .configure_mesh()
            .light_line_style(GRID_COLOUR.mix(0.0))
            .bold_line_style(GRID_COLOUR)
            .axis_style(LABEL_COLOUR)
            .label_style(("sans-serif", 12).into_font().color(&LABEL_COLOUR))
            .x_labels(7)
            .x_label_formatter(&|x| {
                if *x >= -0.5 {
                    "now".to_owned()
                } else {
                    format!("{:.0} s", x)
                }
            })
            .y_label_formatter(&|y| super::format::latency(*y))
            .draw()
            .ok()?;
        root.present().ok()
    }

    fn draw_lines(&self, points: &[(f64, f64, f64)]) -> Option<()> {
        let context = self
            .data
            .get_context("2d")
            .ok()??
            .dyn_into::<CanvasRenderingContext2d>()
            .ok()?;
        context.clear_rect(
            0.0,
            0.0,
            self.data.width() as f64,
            self.data.height() as f64,
        );
        let root = CanvasBackend::with_canvas_object(self.data.clone())?.into_drawing_area();
        let mut chart = self.chart(&root)?;
        let range = self.axis.range();
        let clamp = |y: f64| y.clamp(range.start, range.end);
        for (colour, pick) in [
            (
                P50_COLOUR,
                (|p: &(f64, f64, f64)| p.1) as fn(&(f64, f64, f64)) -> f64,
            ),
            (P99_COLOUR, |p| p.2),
        ] {
            chart
                .draw_series(LineSeries::new(
                    points.iter().map(|p| (p.0, clamp(pick(p)))),
                    colour.stroke_width(2),
                ))
                .ok()?;
        }
        root.present().ok()
    }
}
