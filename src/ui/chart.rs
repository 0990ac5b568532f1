//! The charts on the page's canvases: each live chart is two stacked
//! canvases (axes under data) drawn by `lab::charts` through plotters'
//! canvas backend.

use crate::lab::charts::{self, HistogramChart, Overlays, Scale, Series, Theme, TimeChart};
use crate::lab::controls::Control;
use crate::lab::jobs::SweepPoint;
use crate::lab::view::Guide;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

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

/// A canvas as a plotters drawing area.
fn area(canvas: &HtmlCanvasElement) -> Option<DrawingArea<CanvasBackend, Shift>> {
    Some(CanvasBackend::with_canvas_object(canvas.clone())?.into_drawing_area())
}

/// The data layer, cleared to transparent, as a plotters drawing area.
fn cleared(canvas: &HtmlCanvasElement) -> Option<DrawingArea<CanvasBackend, Shift>> {
    let context = canvas
        .get_context("2d")
        .ok()??
        .dyn_into::<CanvasRenderingContext2d>()
        .ok()?;
    context.clear_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
    area(canvas)
}

/// A live chart's two stacked canvases (axes under data), which follow
/// their displayed size from the first draw on. Checking it is a layout
/// read, so only every `every`-th draw after.
struct Layers {
    axes: HtmlCanvasElement,
    data: HtmlCanvasElement,
    every: u32,
    draws: u32,
}

impl Layers {
    fn new(axes: HtmlCanvasElement, data: HtmlCanvasElement, every: u32) -> Self {
        Self {
            axes,
            data,
            every,
            draws: 0,
        }
    }

    /// Counts a draw; true when the canvases were resized (the axes must
    /// be drawn again).
    fn resized(&mut self) -> bool {
        let due = self.draws.is_multiple_of(self.every);
        self.draws = self.draws.wrapping_add(1);
        due && fit_to_display(&self.axes, &self.data)
    }
}

/// The charts' colours for the page's colour scheme.
pub fn theme() -> Theme {
    let dark = web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches());
    if dark { charts::DARK } else { charts::LIGHT }
}

/// A live time chart on its two canvases (drawn every frame).
pub struct CanvasTimeChart {
    layers: Layers,
    chart: TimeChart,
}

impl CanvasTimeChart {
    pub fn new(
        axes: HtmlCanvasElement,
        data: HtmlCanvasElement,
        scale: Scale,
        format: fn(f64) -> String,
    ) -> Self {
        let mut chart = TimeChart::new(scale, format);
        chart.theme = theme();
        Self {
            layers: Layers::new(axes, data, 30),
            chart,
        }
    }

    /// The canvas its data are drawn on.
    pub fn data_canvas(&self) -> &HtmlCanvasElement {
        &self.layers.data
    }

    /// Draws the series (and the guide) over the last 60 s; the axes only
    /// when their range, the guide or the canvases' size changed.
    pub fn draw(&mut self, series: &[Series], guide: Option<Guide>) {
        self.draw_failing(series, guide, &[], &[]);
    }

    /// As `draw`, with the failed share of each window and the run's
    /// latest changes (`marks`: seconds ago, label) as lines, each labelled
    /// at the top; the latest change older than the window is named at the
    /// left edge, so a timeline's event does not vanish from the chart.
    pub fn draw_failing(
        &mut self,
        series: &[Series],
        guide: Option<Guide>,
        failed: &[(f64, f64)],
        marks: &[(f64, &str)],
    ) {
        if self.layers.resized() {
            self.chart.forget_axes();
        }
        if self.chart.fit(series, guide.as_ref()) {
            let drawn = area(&self.layers.axes)
                .and_then(|root| self.chart.draw_axes(&root, guide.as_ref()));
            if drawn.is_none() {
                return;
            }
        }
        let at: Vec<f64> = marks.iter().map(|(ago, _)| -ago).collect();
        let overlays = Overlays { failed, marks: &at };
        let Some(tops) = cleared(&self.layers.data).and_then(|root| {
            self.chart
                .draw_data(&root, series, guide.as_ref(), &overlays)
        }) else {
            return;
        };
        let Some(ctx) = context(&self.layers.data) else {
            return;
        };
        ctx.set_font("11px system-ui, sans-serif");
        // The axes' label colour: 4.5:1 or more on either scheme's ground.
        let ink = self.chart.theme.label;
        ctx.set_fill_style_str(&format!("rgb({},{},{})", ink.0, ink.1, ink.2));
        let width = self.layers.data.width() as f64;
        for (i, (top, (_, label))) in tops.iter().zip(marks).enumerate() {
            if let Some((x, y)) = top {
                // Staggered, so marks close together stay readable; kept
                // inside the canvas at the right edge.
                let y = *y as f64 + 12.0 + (i % 3) as f64 * 12.0;
                // About 6 px a character at 11 px (measuring would cost a
                // layout read per label per frame).
                let right = *x as f64 + 3.0 + label.chars().count() as f64 * 6.0;
                ctx.set_text_align(if right > width { "right" } else { "left" });
                let x = if right > width {
                    *x as f64 - 3.0
                } else {
                    *x as f64 + 3.0
                };
                let _ = ctx.fill_text(label, x, y);
            }
        }
        let gone = marks
            .iter()
            .zip(&tops)
            .rev()
            .find(|(_, top)| top.is_none())
            .map(|(mark, _)| mark);
        if let Some((ago, label)) = gone {
            ctx.set_text_align("left");
            let text = format!("← {label}, {} ago", crate::lab::format::clock(*ago));
            let _ = ctx.fill_text(&text, 72.0, 24.0);
        }
    }
}

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas
        .get_context("2d")
        .ok()??
        .dyn_into::<CanvasRenderingContext2d>()
        .ok()
}

/// The latency histogram on its two canvases (drawn every tenth frame, so
/// its size is checked every third draw: every 30 frames, as the others).
pub struct CanvasHistogram {
    layers: Layers,
    chart: HistogramChart,
}

impl CanvasHistogram {
    pub fn new(axes: HtmlCanvasElement, data: HtmlCanvasElement) -> Self {
        let mut chart = HistogramChart::default();
        chart.theme = theme();
        Self {
            layers: Layers::new(axes, data, 3),
            chart,
        }
    }

    /// `counts[i]`: requests in bucket i (the last: above 60 s).
    pub fn draw(&mut self, counts: &[u64]) {
        if self.layers.resized() {
            self.chart.forget_axes();
        }
        if self.chart.fit(counts)
            && area(&self.layers.axes)
                .and_then(|r| self.chart.draw_axes(&r))
                .is_none()
        {
            return;
        }
        if let Some(root) = cleared(&self.layers.data) {
            let _ = self.chart.draw_bars(&root, counts);
        }
    }
}

/// Draws the sweep's chart on `canvas`, as many pixels as it is shown.
pub fn draw_sweep(canvas: &HtmlCanvasElement, points: &[SweepPoint], control: Control) {
    fit_to_display(canvas, canvas);
    if let Some(root) = area(canvas) {
        let _ = charts::draw_sweep(&root, points, control, &theme());
    }
}
