//! A bar chart of request counts per latency bucket, in the buckets of
//! `apiserver_request_duration_seconds` (non-cumulative, with a last bar
//! for "above 60 s").

use super::{
    APISERVER_BUCKETS, BLUE, LIGHT, MARGIN, Theme, VERMILLION, X_LABEL_AREA, Y_LABEL_AREA,
    nice_ceiling,
};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The histogram's state: its y range and what its axes layer shows.
pub struct HistogramChart {
    max: f64,
    drawn: Option<f64>,
    /// its ground, grid and labels
    pub theme: Theme,
}

type Chart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

impl Default for HistogramChart {
    fn default() -> Self {
        Self {
            max: 10.0,
            drawn: None,
            theme: LIGHT,
        }
    }
}

impl HistogramChart {
    /// The axes layer no longer shows what it did (its canvas was resized).
    pub fn forget_axes(&mut self) {
        self.drawn = None;
    }

    /// Fits the y range to `counts`; whether the axes must be drawn anew.
    pub fn fit(&mut self, counts: &[u64]) -> bool {
        let top = counts.iter().copied().max().unwrap_or(0) as f64;
        if top > self.max || top < self.max / 4.0 {
            self.max = nice_ceiling(top * 1.15).max(10.0);
        }
        self.drawn != Some(self.max)
    }

    fn chart<'a, DB: DrawingBackend>(
        &self,
        root: &'a DrawingArea<DB, Shift>,
    ) -> Option<Chart<'a, DB>> {
        ChartBuilder::on(root)
            .margin(MARGIN)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(Y_LABEL_AREA)
            .build_cartesian_2d(0.0..(APISERVER_BUCKETS.len() + 1) as f64, 0.0..self.max)
            .ok()
    }

    /// Draws the axes layer: a white ground, the grid and a few bucket edges.
    pub fn draw_axes<DB: DrawingBackend>(&mut self, root: &DrawingArea<DB, Shift>) -> Option<()> {
        root.fill(&self.theme.background).ok()?;
        let mut chart = self.chart(root)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(self.theme.grid.mix(0.0))
            .bold_line_style(self.theme.grid)
            .axis_style(self.theme.label)
            .label_style(("sans-serif", 11).into_font().color(&self.theme.label))
            .x_labels(APISERVER_BUCKETS.len() + 2)
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
        root.present().ok()?;
        self.drawn = Some(self.max);
        Some(())
    }

    /// Draws the bars (`counts[i]`: requests in bucket i, the last above
    /// 60 s) on a cleared area; the buckets over 1 s, the SLO of
    /// single-object requests, in vermillion.
    pub fn draw_bars<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        counts: &[u64],
    ) -> Option<()> {
        let mut chart = self.chart(root)?;
        let bars = counts.iter().enumerate().map(|(i, &n)| {
            let x = i as f64;
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
