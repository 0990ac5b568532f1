//! The page's charts, drawn through plotters' `DrawingBackend` trait: the
//! page draws them on its canvases (`ui::chart`), a test into a backend
//! that records what was drawn. What each chart shows is computed from the
//! running simulation in [`figures`].
//!
//! plotters-canvas measures each text label through the DOM, which is too
//! slow to do sixty times a second. So a time chart has two layers: the
//! *axes* (grid, ticks, labels, the guide's label), drawn anew only when the
//! axis range or the guide changes, and the *data* (lines, no text), drawn
//! every frame. Both layers are laid out with the same margins and label
//! areas, so plotters maps data to the same pixels on both.

pub mod diagram;
pub mod figures;
mod histogram;
mod sweep;
mod time;

pub use histogram::HistogramChart;
pub use sweep::draw_sweep;
pub use time::{Overlays, Scale, Series, TimeChart};

use plotters::element::PathElement;
use plotters::style::{Color, RGBColor};

/// The time charts span the last 60 s of simulated time.
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
/// Failed requests (429s, timeouts): near-black, apart from every series
/// colour (and from the axes' black).
pub const FAILED: RGBColor = RGBColor(34, 34, 34);
/// The latency chart's band of failed requests: reddish purple (Okabe-Ito),
/// apart from the quantiles' blue, orange and vermillion.
pub const FAILED_BAND: RGBColor = PURPLE;
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
/// The colours of a chart's ground, grid and text, which follow the page's
/// light or dark scheme (the series' colours read on both).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    pub background: RGBColor,
    pub grid: RGBColor,
    pub label: RGBColor,
    /// the axes, the first queue's line and failed points
    pub ink: RGBColor,
}

/// On the page's light panels.
pub const LIGHT: Theme = Theme {
    background: RGBColor(255, 255, 255),
    grid: RGBColor(225, 228, 232),
    label: RGBColor(87, 96, 106),
    ink: FAILED,
};

/// On the page's dark panels (`--panel`, `--line`, `--muted`, `--ink`).
pub const DARK: Theme = Theme {
    background: RGBColor(22, 27, 34),
    grid: RGBColor(48, 54, 61),
    label: RGBColor(157, 167, 179),
    ink: RGBColor(230, 237, 243),
};

/// The buckets of `apiserver_request_duration_seconds` [s] (kubernetes.md).
pub const APISERVER_BUCKETS: [f64; 23] = [
    0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0,
    10.0, 15.0, 20.0, 30.0, 45.0, 60.0,
];

/// A guide (an SLO, a timeout) as a grey dashed line at height `y` from
/// `x0` to `x1`: `DASHES` dashes, each half of its step, so it reads as a
/// limit, not as a series.
pub fn dashed_line(x0: f64, x1: f64, y: f64) -> impl Iterator<Item = PathElement<(f64, f64)>> {
    const DASHES: usize = 30;
    let step = (x1 - x0) / DASHES as f64;
    (0..DASHES).map(move |i| {
        let from = x0 + i as f64 * step;
        PathElement::new(
            vec![(from, y), (from + step / 2.0, y)],
            GREY.stroke_width(1),
        )
    })
}

/// An axis's ticks from `low` to `high`, in axis units: on a log axis
/// (units of log10) at 1, 2 and 5 of each decade, or at the decades alone
/// when those would crowd (more than `most`); on a linear axis at a 1-2-5
/// step, about `most` of them.
pub fn ticks(low: f64, high: f64, logarithmic: bool, most: usize) -> Vec<f64> {
    if !(low.is_finite() && high.is_finite() && high > low) {
        return Vec::new();
    }
    let inside = |v: &f64| *v >= low - 1e-9 && *v <= high + 1e-9;
    if logarithmic {
        let decades = libm::floor(low) as i32..=libm::ceil(high) as i32;
        let at = |steps: &[f64]| -> Vec<f64> {
            decades
                .clone()
                .flat_map(|d| steps.iter().map(move |m| d as f64 + libm::log10(*m)))
                .filter(inside)
                .collect()
        };
        let fine = at(&[1.0, 2.0, 5.0]);
        if fine.len() <= most { fine } else { at(&[1.0]) }
    } else {
        let step = nice_ceiling((high - low) / most.max(1) as f64);
        let first = libm::ceil(low / step - 1e-9) as i64;
        (first..)
            .map(|i| i as f64 * step)
            .take_while(|v| *v <= high + 1e-9)
            .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_fall_on_one_two_five() {
        let shown = |low: f64, high: f64| -> Vec<f64> {
            ticks(low.log10(), high.log10(), true, 8)
                .iter()
                .map(|t| (10f64.powf(*t) * 1e6).round() / 1e6)
                .collect()
        };
        assert_eq!(
            shown(100.0, 15_000.0),
            [100.0, 200.0, 500.0, 1e3, 2e3, 5e3, 1e4]
        );
        // Ten ticks would crowd: the decades alone.
        assert_eq!(shown(0.1, 100.0), [0.1, 1.0, 10.0, 100.0]);
        assert_eq!(
            ticks(1.0, 30.0, false, 6),
            [5.0, 10.0, 15.0, 20.0, 25.0, 30.0]
        );
        assert!(ticks(1.0, 1.0, false, 6).is_empty());
    }

    #[test]
    fn ceilings_are_one_two_five() {
        assert_eq!(nice_ceiling(13.0), 20.0);
        assert_eq!(nice_ceiling(0.3), 0.5);
        assert_eq!(nice_ceiling(1000.0), 1000.0);
        assert_eq!(nice_ceiling(f64::NAN), 1.0);
    }
}
