//! Live time charts, drawn with plotters on two stacked canvases.
//!
//! plotters-canvas measures each text label through the DOM, which is too
//! slow to do sixty times a second. So a chart has two layers: the *axes*
//! canvas (grid, ticks, labels, the guide's label) is redrawn only when the
//! axis range or the guide changes, and the *data* canvas (lines, no text)
//! is cleared and redrawn every frame. Both layers are built with the same
//! margins and label areas, so plotters maps data to the same pixels.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// The charts span the last 60 s of simulated time.
pub const SPAN_SECONDS: f64 = 60.0;
const MARGIN: u32 = 10;
const X_LABEL_AREA: u32 = 26;
const Y_LABEL_AREA: u32 = 62;

/// Okabe-Ito colours: told apart with every common colour-vision deficiency.
pub const BLUE: RGBColor = RGBColor(0, 114, 178);
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub const GREEN: RGBColor = RGBColor(0, 158, 115);
pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
pub const GREY: RGBColor = RGBColor(110, 110, 110);
/// Colours of up to eight queues (Okabe-Ito, in order).
pub const QUEUE_COLOURS: [RGBColor; 8] = [
    RGBColor(0, 0, 0),
    ORANGE,
    RGBColor(86, 180, 233),
    GREEN,
    RGBColor(240, 228, 66),
    BLUE,
    VERMILLION,
    PURPLE,
];
const GRID: RGBColor = RGBColor(225, 228, 232);
const LABEL: RGBColor = RGBColor(87, 96, 106);

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

/// The smallest 1-2-5 × 10^k at or above `x`.
pub fn nice_ceiling(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return 1.0;
    }
    let exponent = libm::floor(libm::log10(x));
    let base = libm::pow(10.0, exponent);
    for step in [1.0, 2.0, 5.0, 10.0] {
        if step * base >= x {
            return step * base;
        }
    }
    10.0 * base
}

/// Makes a chart's two canvases as many pixels as they are displayed (the
/// stylesheet sizes their box), so labels stay 12 px on any screen. Returns
/// true when the size changed (the axes must be redrawn).
fn fit_to_display(axes: &HtmlCanvasElement, data: &HtmlCanvasElement) -> bool {
    let (shown_w, shown_h) = (data.client_width(), data.client_height());
    if shown_w <= 0 || shown_h <= 0 {
        return false;
    }
    let (width, height) = (shown_w as u32, shown_h as u32);
    if width.abs_diff(data.width()) <= 2 && height.abs_diff(data.height()) <= 2 {
        return false;
    }
    for canvas in [axes, data] {
        canvas.set_width(width);
        canvas.set_height(height);
    }
    true
}

/// The data layer, cleared to transparent, as a plotters drawing area.
fn cleared(canvas: &HtmlCanvasElement) -> Option<DrawingArea<CanvasBackend, Shift>> {
    let context = canvas
        .get_context("2d")
        .ok()??
        .dyn_into::<CanvasRenderingContext2d>()
        .ok()?;
    context.clear_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
    Some(CanvasBackend::with_canvas_object(canvas.clone())?.into_drawing_area())
}

/// One line: its colour and its points (seconds before now, value).
pub struct Series<'a> {
    pub colour: RGBColor,
    pub points: &'a [(f64, f64)],
}

/// A horizontal guide line with a label (an SLO).
pub use crate::lab::view::Guide;

pub struct TimeChart {
    axes: HtmlCanvasElement,
    data: HtmlCanvasElement,
    range: YRange,
    format: fn(f64) -> String,
    /// what the axes layer shows now (None: not drawn yet)
    drawn: Option<(YRange, Option<Guide>)>,
}

type Chart<'a> = ChartContext<
    'a,
    CanvasBackend,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

impl TimeChart {
    pub fn new(
        axes: HtmlCanvasElement,
        data: HtmlCanvasElement,
        scale: Scale,
        format: fn(f64) -> String,
    ) -> Self {
        let range = match scale {
            Scale::Log => YRange::Decades { low: -3, high: 0 },
            Scale::Linear => YRange::Upto(10.0),
        };
        Self {
            axes,
            data,
            range,
            format,
            drawn: None,
        }
    }

    /// Follows the displayed size (call now and then, not every frame).
    pub fn fit(&mut self) {
        if fit_to_display(&self.axes, &self.data) {
            self.drawn = None;
        }
    }

    /// Draws the series (and the guide) over the last 60 s.
    pub fn draw(&mut self, series: &[Series], guide: Option<Guide>) {
        let values = series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
        let (min, max) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
            (if v > 0.0 { lo.min(v) } else { lo }, hi.max(v))
        });
        let guide_value = guide.as_ref().map_or(0.0, |g| g.value);
        let (min, max) = if matches!(self.range, YRange::Decades { .. }) {
            // Keep the guide in view when the data approach it.
            let max = if max > guide_value / 10.0 {
                max.max(guide_value)
            } else {
                max
            };
            (min, max)
        } else {
            (min, max)
        };
        self.range = self.range.fit(min, max);
        let wanted = (self.range, guide.clone());
        if self.drawn.as_ref() != Some(&wanted) {
            if self.draw_axes(guide.as_ref()).is_none() {
                return;
            }
            self.drawn = Some(wanted);
        }
        let _ = self.draw_data(series, guide.as_ref());
    }

    fn chart<'a>(&self, root: &'a DrawingArea<CanvasBackend, Shift>) -> Option<Chart<'a>> {
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

    fn draw_axes(&self, guide: Option<&Guide>) -> Option<()> {
        let root = CanvasBackend::with_canvas_object(self.axes.clone())?.into_drawing_area();
        root.fill(&WHITE).ok()?;
        let mut chart = self.chart(&root)?;
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
            .light_line_style(GRID.mix(0.0))
            .bold_line_style(GRID)
            .axis_style(LABEL)
            .label_style(("sans-serif", 12).into_font().color(&LABEL))
            .x_labels(7)
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
        root.present().ok()
    }

    fn draw_data(&self, series: &[Series], guide: Option<&Guide>) -> Option<()> {
        let root = cleared(&self.data)?;
        let mut chart = self.chart(&root)?;
        let (low, high) = self.range.bounds();
        let (low, high) = (self.to_axis(low), self.to_axis(high));
        if let Some(guide) = guide {
            let y = self.to_axis(guide.value);
            if (low..=high).contains(&y) {
                // A dashed line: short segments.
                let dashes = (0..30).map(|i| {
                    let x0 = -SPAN_SECONDS + i as f64 * 2.0;
                    PathElement::new(vec![(x0, y), (x0 + 1.0, y)], GREY.stroke_width(1))
                });
                chart.draw_series(dashes).ok()?;
            }
        }
        for s in series {
            let points = s
                .points
                .iter()
                .filter(|p| p.1 > 0.0 || matches!(self.range, YRange::Upto(_)));
            chart
                .draw_series(LineSeries::new(
                    points.map(|p| (p.0, self.to_axis(p.1).clamp(low, high))),
                    s.colour.stroke_width(2),
                ))
                .ok()?;
        }
        root.present().ok()
    }
}

/// The buckets of `apiserver_request_duration_seconds` [s] (kubernetes.md).
pub const APISERVER_BUCKETS: [f64; 23] = [
    0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0,
    10.0, 15.0, 20.0, 30.0, 45.0, 60.0,
];

/// A bar chart of request counts per latency bucket (non-cumulative, with a
/// last bar for "above 60 s"); axes redrawn only when the y range changes.
pub struct HistogramChart {
    axes: HtmlCanvasElement,
    data: HtmlCanvasElement,
    max: f64,
    drawn: Option<f64>,
}

impl HistogramChart {
    pub fn new(axes: HtmlCanvasElement, data: HtmlCanvasElement) -> Self {
        Self {
            axes,
            data,
            max: 10.0,
            drawn: None,
        }
    }

    /// Follows the displayed size (call now and then, not every frame).
    pub fn fit(&mut self) {
        if fit_to_display(&self.axes, &self.data) {
            self.drawn = None;
        }
    }

    fn chart<'a>(&self, root: &'a DrawingArea<CanvasBackend, Shift>) -> Option<Chart<'a>> {
        ChartBuilder::on(root)
            .margin(MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(0.0..(APISERVER_BUCKETS.len() + 1) as f64, 0.0..self.max)
            .ok()
    }

    /// `counts[i]`: requests in bucket i (the last: above 60 s).
    pub fn draw(&mut self, counts: &[u64]) {
        let top = counts.iter().copied().max().unwrap_or(0) as f64;
        if top > self.max || top < self.max / 4.0 {
            self.max = nice_ceiling(top * 1.15).max(10.0);
        }
        if self.drawn != Some(self.max) {
            if self.draw_axes().is_none() {
                return;
            }
            self.drawn = Some(self.max);
        }
        let _ = self.draw_bars(counts);
    }

    fn draw_axes(&self) -> Option<()> {
        let root = CanvasBackend::with_canvas_object(self.axes.clone())?.into_drawing_area();
        root.fill(&WHITE).ok()?;
        let mut chart = self.chart(&root)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(GRID.mix(0.0))
            .bold_line_style(GRID)
            .axis_style(LABEL)
            .label_style(("sans-serif", 11).into_font().color(&LABEL))
            .x_labels(APISERVER_BUCKETS.len() + 1)
            .y_labels(5)
            .x_label_formatter(&|x| {
                // Label a few bucket edges (bucket i's bar ends at x = i + 1).
                let i = (x.round() as usize).wrapping_sub(1);
                match APISERVER_BUCKETS.get(i) {
                    Some(&b)
                        if [0.005, 0.1, 1.0, 10.0, 60.0].contains(&b)
                            && (x - x.round()).abs() < 1e-6 =>
                    {
                        format!("≤{}", crate::lab::format::latency(b))
                    }
                    _ => String::new(),
                }
            })
            .y_label_formatter(&|y| format!("{y:.0}"))
            .draw()
            .ok()?;
        root.present().ok()
    }

    fn draw_bars(&self, counts: &[u64]) -> Option<()> {
        let root = cleared(&self.data)?;
        let mut chart = self.chart(&root)?;
        let bars = counts.iter().enumerate().map(|(i, &n)| {
            let x = i as f64;
            // Over the SLO of single-object requests (1 s): vermillion.
            let colour = if i > 8 { VERMILLION } else { BLUE };
            Rectangle::new(
                [(x + 0.1, 0.0), (x + 0.9, (n as f64).min(self.max))],
                colour.filled(),
            )
        });
        chart.draw_series(bars).ok()?;
        root.present().ok()
    }
}
