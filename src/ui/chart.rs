//! The charts on the page's canvases: each live chart is two stacked
//! canvases (axes under data) drawn by `lab::charts` through plotters'
//! canvas backend.

use crate::lab::charts::{self, HistogramChart, Scale, Series, TimeChart};
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

/// A live time chart on its two canvases.
pub struct CanvasTimeChart {
    axes: HtmlCanvasElement,
    data: HtmlCanvasElement,
    chart: TimeChart,
    /// frames drawn, to follow the displayed size every 30th
    draws: u32,
}

impl CanvasTimeChart {
    pub fn new(
        axes: HtmlCanvasElement,
        data: HtmlCanvasElement,
        scale: Scale,
        format: fn(f64) -> String,
    ) -> Self {
        Self {
            axes,
            data,
            chart: TimeChart::new(scale, format),
            draws: 0,
        }
    }

    /// The canvas its data are drawn on.
    pub fn data_canvas(&self) -> &HtmlCanvasElement {
        &self.data
    }

    /// Draws the series (and the guide) over the last 60 s; the axes only
    /// when their range or the guide changed. The canvases follow their
    /// displayed size from the first frame on; checking it is a layout
    /// read, so only every 30th frame after.
    pub fn draw(&mut self, series: &[Series], guide: Option<Guide>) {
        if self.draws.is_multiple_of(30) && fit_to_display(&self.axes, &self.data) {
            self.chart.forget_axes();
        }
        self.draws = self.draws.wrapping_add(1);
        if self.chart.fit(series, guide.as_ref()) {
            let drawn =
                area(&self.axes).and_then(|root| self.chart.draw_axes(&root, guide.as_ref()));
            if drawn.is_none() {
                return;
            }
        }
        if let Some(root) = cleared(&self.data) {
            let _ = self.chart.draw_data(&root, series, guide.as_ref());
        }
    }
}

/// The latency histogram on its two canvases.
pub struct CanvasHistogram {
    axes: HtmlCanvasElement,
    data: HtmlCanvasElement,
    chart: HistogramChart,
}

impl CanvasHistogram {
    pub fn new(axes: HtmlCanvasElement, data: HtmlCanvasElement) -> Self {
        Self {
            axes,
            data,
            chart: HistogramChart::default(),
        }
    }

    /// Follows the displayed size (call now and then, not every frame).
    pub fn fit(&mut self) {
        if fit_to_display(&self.axes, &self.data) {
            self.chart.forget_axes();
        }
    }

    /// `counts[i]`: requests in bucket i (the last: above 60 s).
    pub fn draw(&mut self, counts: &[u64]) {
        if self.chart.fit(counts)
            && area(&self.axes)
                .and_then(|r| self.chart.draw_axes(&r))
                .is_none()
        {
            return;
        }
        if let Some(root) = cleared(&self.data) {
            let _ = self.chart.draw_bars(&root, counts);
        }
    }
}

/// Draws the sweep's chart on `canvas`, as many pixels as it is shown.
pub fn draw_sweep(canvas: &HtmlCanvasElement, points: &[SweepPoint], control: Control) {
    fit_to_display(canvas, canvas);
    if let Some(root) = area(canvas) {
        let _ = charts::draw_sweep(&root, points, control);
    }
}
