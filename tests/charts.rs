//! Each chart of the page drawn into a backend that records what it was
//! asked to draw (as plotters tests its elements with a mocked backend):
//! the series are the run's, the axes span them, the SLO line is where the
//! guide says.
#![cfg(not(target_arch = "wasm32"))]

use cplab::lab::charts::figures::{self, QueueHistory};
use cplab::lab::charts::{
    BLUE, FAILED_BAND, HistogramChart, LIGHT, ORANGE, Overlays, QUEUE_COLOURS, Scale, Series,
    TimeChart, VERMILLION, draw_sweep,
};
use cplab::lab::format;
use cplab::lab::jobs::SweepPoint;
use cplab::lab::{ChartClass, Control, Params};
use cplab::sim::Simulation;
use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};
use std::cell::RefCell;
use std::rc::Rc;

/// What a chart drew.
#[derive(Debug, Clone, PartialEq)]
enum Drawn {
    Line(BackendCoord, BackendCoord, (u8, u8, u8)),
    Rect(BackendCoord, BackendCoord, (u8, u8, u8), bool),
    Path(Vec<BackendCoord>, (u8, u8, u8)),
    Text(String, BackendCoord),
    Circle(BackendCoord, (u8, u8, u8)),
}

/// A backend that records every call, sized like the page's charts.
struct Recorder {
    size: (u32, u32),
    drawn: Rc<RefCell<Vec<Drawn>>>,
}

#[derive(Debug)]
struct Never;
impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("never")
    }
}
impl std::error::Error for Never {}

fn rgb(color: BackendColor) -> (u8, u8, u8) {
    color.rgb
}

impl DrawingBackend for Recorder {
    type ErrorType = Never;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Never>> {
        Ok(())
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Never>> {
        Ok(())
    }
    fn draw_pixel(
        &mut self,
        _: BackendCoord,
        _: BackendColor,
    ) -> Result<(), DrawingErrorKind<Never>> {
        Ok(())
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Never>> {
        self.drawn
            .borrow_mut()
            .push(Drawn::Line(from, to, rgb(style.color())));
        Ok(())
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Never>> {
        let rect = Drawn::Rect(upper_left, bottom_right, rgb(style.color()), fill);
        self.drawn.borrow_mut().push(rect);
        Ok(())
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Never>> {
        let path = Drawn::Path(path.into_iter().collect(), rgb(style.color()));
        self.drawn.borrow_mut().push(path);
        Ok(())
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        _: u32,
        style: &S,
        _: bool,
    ) -> Result<(), DrawingErrorKind<Never>> {
        self.drawn
            .borrow_mut()
            .push(Drawn::Circle(center, rgb(style.color())));
        Ok(())
    }
    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        _: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Never>> {
        self.drawn
            .borrow_mut()
            .push(Drawn::Text(text.to_owned(), pos));
        Ok(())
    }
    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Never>> {
        let size = style.size();
        Ok((
            (text.chars().count() as f64 * size * 0.6) as u32,
            size as u32,
        ))
    }
}

/// A recording drawing area of the page's chart size, and what it records.
fn recorder(
    size: (u32, u32),
) -> (
    DrawingArea<Recorder, plotters::coord::Shift>,
    Rc<RefCell<Vec<Drawn>>>,
) {
    let drawn = Rc::new(RefCell::new(Vec::new()));
    let backend = Recorder {
        size,
        drawn: drawn.clone(),
    };
    (backend.into_drawing_area(), drawn)
}

fn rgb_of(colour: RGBColor) -> (u8, u8, u8) {
    (colour.0, colour.1, colour.2)
}

fn texts(drawn: &[Drawn]) -> Vec<String> {
    drawn
        .iter()
        .filter_map(|d| match d {
            Drawn::Text(text, _) => Some(text.clone()),
            _ => None,
        })
        .collect()
}

fn paths(drawn: &[Drawn], colour: RGBColor) -> Vec<Vec<BackendCoord>> {
    drawn
        .iter()
        .filter_map(|d| match d {
            Drawn::Path(points, c) if *c == (colour.0, colour.1, colour.2) => Some(points.clone()),
            _ => None,
        })
        .collect()
}

fn dots(drawn: &[Drawn], colour: RGBColor) -> usize {
    let colour = (colour.0, colour.1, colour.2);
    drawn
        .iter()
        .filter(|d| matches!(d, Drawn::Circle(_, c) if *c == colour))
        .count()
}

/// Where each mark's line meets the plot's top, in pixels (none outside
/// the window).
type Tops = Vec<Option<(i32, i32)>>;

/// A time chart of `scale` fitted to `series` and its data layer drawn
/// into a recorder `size` big: the chart, where each mark meets the top,
/// and what was drawn.
fn data_layer(
    scale: Scale,
    series: &[Series],
    guide: Option<&cplab::lab::view::Guide>,
    overlays: &Overlays,
    size: (u32, u32),
) -> (TimeChart, Tops, Vec<Drawn>) {
    let format = match scale {
        Scale::Log => format::latency,
        Scale::Linear => format::significant,
    };
    let mut chart = TimeChart::new(scale, format);
    chart.fit(series, guide);
    let (data, drawn) = recorder(size);
    let tops = chart
        .draw_data(&data, series, guide, overlays)
        .expect("draws");
    let drawn = drawn.borrow().clone();
    (chart, tops, drawn)
}

fn a_run(seconds: f64) -> Simulation {
    let mut sim = Simulation::new(&Params::default().scenario().expect("valid"), 1).expect("runs");
    sim.run_for(seconds);
    sim
}

#[test]
fn the_latency_chart_draws_each_quantile_of_the_run_under_its_slo() {
    let sim = a_run(20.0);
    let api = figures::api_windows(&sim);
    let (lines, guide, _) =
        figures::latency(&sim, ChartClass::Mutating, 10.0, &api).expect("a control plane");
    let guide = guide.expect("an SLO");
    assert_eq!(guide.value, 1.0, "the SLO of mutating requests");
    // 19 closed windows and the open one, once half full.
    assert!((19..=20).contains(&lines[2].len()), "{}", lines[2].len());
    let series: Vec<Series> = [BLUE, ORANGE, VERMILLION]
        .iter()
        .zip(&lines)
        .map(|(&colour, points)| Series { colour, points })
        .collect();
    let mut chart = TimeChart::new(Scale::Log, format::latency);
    assert!(
        chart.fit(&series, Some(&guide)),
        "never drawn: the axes are due"
    );
    let (axes, axes_drawn) = recorder((720, 260));
    chart.draw_axes(&axes, Some(&guide)).expect("draws");
    assert!(
        !chart.fit(&series, Some(&guide)),
        "the same data: the axes stay"
    );
    let labels = texts(&axes_drawn.borrow());
    assert!(labels.contains(&"SLO 1 s".to_owned()), "{labels:?}");
    assert!(labels.contains(&"now".to_owned()));
    // The y axis spans whole decades around the data and keeps the SLO in view.
    let (low, high) = chart.y_bounds();
    let p99_max = lines[2].iter().map(|p| p.1).fold(0.0, f64::max);
    let p50_min = lines[0]
        .iter()
        .map(|p| p.1)
        .filter(|&v| v > 0.0)
        .fold(1.0, f64::min);
    assert!(low <= p50_min && high >= p99_max.max(1.0), "{low}..{high}");
    assert!(labels.contains(&format::latency(high)), "{labels:?}");

    let (data, data_drawn) = recorder((720, 260));
    chart
        .draw_data(&data, &series, Some(&guide), &Overlays::default())
        .expect("draws");
    let drawn = data_drawn.borrow();
    assert!(
        texts(&drawn).is_empty(),
        "the data layer has no text to measure"
    );
    for (colour, line) in [BLUE, ORANGE, VERMILLION].into_iter().zip(&lines) {
        let drawn_paths = paths(&drawn, colour);
        let points = drawn_paths.iter().map(Vec::len).sum::<usize>() + dots(&drawn, colour);
        assert_eq!(
            points,
            line.iter().filter(|p| p.1 > 0.0).count(),
            "{colour:?}"
        );
    }
    // The SLO line: 30 short grey dashes, all at one height.
    let dashes = paths(&drawn, cplab::lab::charts::GREY);
    assert_eq!(dashes.len(), 30);
    assert!(
        dashes
            .iter()
            .all(|d| d.len() == 2 && d[0].1 == dashes[0][0].1 && d[1].1 == d[0].1)
    );
    // p99 is never under p50: on screen (y grows downwards) never above it.
    let p50 = &paths(&drawn, BLUE)[0];
    let p99 = &paths(&drawn, VERMILLION)[0];
    assert!(p50.iter().zip(p99).all(|(a, b)| b.1 <= a.1));
}

#[test]
fn a_window_without_completions_is_a_gap_not_a_line_across_it() {
    let points = [
        (-6.0, 0.02),
        (-5.0, 0.03),
        (-4.0, 0.0),
        (-3.0, 0.04),
        (-2.0, 0.0),
        (-1.0, 0.05),
        (0.0, 0.06),
    ];
    let series = [Series {
        colour: VERMILLION,
        points: &points,
    }];
    let (_, _, drawn) = data_layer(Scale::Log, &series, None, &Overlays::default(), (720, 260));
    let lengths: Vec<usize> = paths(&drawn, VERMILLION).iter().map(Vec::len).collect();
    assert_eq!(lengths, [2, 2], "two runs of two");
    assert_eq!(
        dots(&drawn, VERMILLION),
        1,
        "the point alone between two gaps"
    );
}

#[test]
fn webhook_calls_are_charted_against_their_timeout() {
    let sim = a_run(10.0);
    let api = figures::api_windows(&sim);
    let (lines, guide, _) = figures::latency(&sim, ChartClass::Webhook, 7.0, &api).expect("drawn");
    let guide = guide.expect("the timeout");
    assert_eq!(
        (guide.value, guide.label.as_str()),
        (7.0, "webhook timeout")
    );
    assert!(
        lines[2].iter().any(|p| p.1 > 0.0),
        "webhook calls were made"
    );
    let (_, list_guide, _) = figures::latency(&sim, ChartClass::List, 7.0, &api).expect("drawn");
    assert_eq!(list_guide.expect("an SLO").value, 30.0);
}

#[test]
fn the_rates_and_queue_charts_draw_the_runs_counts() {
    // The greedy tenant floods one flow from 20 s: its level's queues fill.
    let page = Params::for_preset("greedy-tenant").expect("shipped");
    let mut sim = Simulation::new(&page.scenario().expect("valid"), 1).expect("runs");
    sim.run_for(14.0);
    let mut queues = QueueHistory::default();
    for _ in 0..40 {
        sim.run_for(0.25);
        let snapshot = sim.control_plane_snapshot(1, 0).expect("a control plane");
        queues.record(cplab::sim::to_secs(sim.now()), &snapshot.limits);
    }
    let [done, rejected, timed_out] = figures::rates(&sim, &figures::api_windows(&sim));
    assert_eq!(done.len(), 24, "the closed windows of 24 s");
    assert!(done.iter().all(|p| p.1 > 0.0), "{done:?}");
    assert_eq!((rejected.len(), timed_out.len()), (24, 24));
    // With max-inflight's two limits at one request each, the excess gets
    // 429s at once.
    let mut page = Params::default();
    page.set(Control::FlowControl, 1.0);
    page.set(Control::MaxRequestsInflight, 1.0);
    page.set(Control::MaxMutatingRequestsInflight, 1.0);
    let mut capped = Simulation::new(&page.scenario().expect("valid"), 1).expect("runs");
    capped.run_for(5.0);
    let [_, rejected, _] = figures::rates(&capped, &figures::api_windows(&capped));
    assert!(rejected.iter().all(|p| p.1 > 0.0), "{rejected:?}");
    let lines = queues.lines(cplab::sim::to_secs(sim.now()), QUEUE_COLOURS.len());
    assert_eq!(lines.len(), 8, "one line per APF level");
    assert!(
        lines.iter().any(|l| l.iter().any(|p| p.1 > 0.0)),
        "requests wait"
    );
    let series: Vec<Series> = QUEUE_COLOURS
        .iter()
        .zip(&lines)
        .map(|(&colour, points)| Series { colour, points })
        .collect();
    let (chart, _, drawn) = data_layer(
        Scale::Linear,
        &series,
        None,
        &Overlays::default(),
        (720, 200),
    );
    assert_eq!(
        drawn
            .iter()
            .filter(|d| matches!(d, Drawn::Path(..)))
            .count(),
        8
    );
    let most = lines.iter().flatten().map(|p| p.1).fold(0.0, f64::max);
    assert!(chart.y_bounds() == (0.0, chart.y_bounds().1) && chart.y_bounds().1 >= most);
}

#[test]
fn the_histogram_draws_a_bar_per_bucket_and_marks_those_over_the_slo() {
    let sim = a_run(12.0);
    let counts = figures::latency_buckets(&sim);
    assert_eq!(counts.len(), 24);
    assert!(counts.iter().sum::<u64>() > 1_000);
    let mut chart = HistogramChart::default();
    assert!(chart.fit(&counts));
    let (axes, axes_drawn) = recorder((720, 200));
    chart.draw_axes(&axes).expect("draws");
    let labels = texts(&axes_drawn.borrow());
    assert!(labels.contains(&"≤1.00 s".to_owned()), "{labels:?}");
    let (data, drawn) = recorder((720, 200));
    chart.draw_bars(&data, &counts).expect("draws");
    let bars: Vec<(u8, u8, u8)> = drawn
        .borrow()
        .iter()
        .filter_map(|d| match d {
            Drawn::Rect(_, _, colour, true) => Some(*colour),
            _ => None,
        })
        .collect();
    assert_eq!(bars.len(), 24);
    let blue = (BLUE.0, BLUE.1, BLUE.2);
    assert!(bars[..9].iter().all(|&c| c == blue) && bars[9..].iter().all(|&c| c != blue));
}

/// Issue 15: the sweep plotted the successful requests' p99 alone, so a
/// point where most requests failed looked fast. A cross marks it.
#[test]
fn the_sweep_marks_the_points_where_requests_failed() {
    let points: Vec<SweepPoint> = (0..5)
        .map(|i| SweepPoint {
            value: 100.0 * 3f64.powi(i),
            p50_s: 0.01,
            p99_s: if i == 4 { 0.0 } else { 0.1 },
            rejected_rate: if i == 2 { 30.0 } else { 0.0 },
            timeout_rate: if i == 4 { 70.0 } else { 0.0 },
        })
        .collect();
    let (root, drawn) = recorder((720, 300));
    draw_sweep(&root, &points, Control::Nodes, &LIGHT).expect("draws");
    // A cross is two strokes; one at each of the 2 failing points.
    let crosses: Vec<(BackendCoord, BackendCoord)> = drawn
        .borrow()
        .iter()
        .filter_map(|d| match d {
            Drawn::Line(a, b, c) if *c == rgb_of(cplab::lab::charts::FAILED) => Some((*a, *b)),
            _ => None,
        })
        .collect();
    assert_eq!(crosses.len(), 4, "two crosses: {crosses:?}");
}

#[test]
fn the_sweep_draws_both_quantiles_at_every_point() {
    let points: Vec<SweepPoint> = (0..5)
        .map(|i| SweepPoint {
            value: 100.0 * 3f64.powi(i),
            p50_s: 0.01 * (i + 1) as f64,
            p99_s: 0.1 * (i + 1) as f64,
            rejected_rate: 0.0,
            timeout_rate: 0.0,
        })
        .collect();
    let (root, drawn) = recorder((720, 300));
    draw_sweep(&root, &points, Control::Nodes, &LIGHT).expect("draws");
    let drawn = drawn.borrow();
    assert_eq!((dots(&drawn, BLUE), dots(&drawn, VERMILLION)), (5, 5));
    assert_eq!(
        paths(&drawn, VERMILLION)
            .iter()
            .map(Vec::len)
            .sum::<usize>(),
        5
    );
    assert!(
        texts(&drawn).iter().any(|t| t == "Nodes"),
        "the x axis names the slider, with no empty unit: {:?}",
        texts(&drawn)
    );
    // The axis title sits under the ticks, and the last tick (centred on
    // the plot's right edge) fits on the canvas: 12 px text, 0.6 em a
    // character as the recorder estimates.
    let placed: Vec<(String, BackendCoord)> = drawn
        .iter()
        .filter_map(|d| match d {
            Drawn::Text(t, at) => Some((t.clone(), *at)),
            _ => None,
        })
        .collect();
    let title_y = placed
        .iter()
        .find(|(t, _)| t == "Nodes")
        .expect("a title")
        .1
        .1;
    let ticks: Vec<&(String, BackendCoord)> = placed
        .iter()
        .filter(|(t, at)| at.1 > 200 && t.chars().all(|c| c.is_ascii_digit() || c == ','))
        .collect();
    // A log axis ticks at 1, 2 and 5 of each decade (not 316 and 3,162).
    let shown: Vec<&str> = ticks.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(shown, ["100", "200", "500", "1,000", "2,000", "5,000"]);
    for (tick, at) in &ticks {
        assert!(
            title_y >= at.1 + 14,
            "the title at y {title_y} over the tick {tick} at {at:?}"
        );
        let half = (tick.chars().count() as f64 * 12.0 * 0.6 / 2.0) as i32;
        assert!(at.0 + half <= 720, "the tick {tick} at {at:?} is clipped");
    }
    // A phone's narrow chart: the decades alone, so labels do not overlap.
    let (narrow, narrow_drawn) = recorder((290, 220));
    draw_sweep(&narrow, &points, Control::Nodes, &LIGHT).expect("draws");
    let narrow_ticks: Vec<String> = texts(&narrow_drawn.borrow())
        .into_iter()
        .filter(|t| t.chars().all(|c| c.is_ascii_digit() || c == ','))
        .collect();
    assert_eq!(narrow_ticks, ["100", "1,000"]);
    // The SLO as on the time charts: a dashed grey line, all at one height.
    let dashes = paths(&drawn, cplab::lab::charts::GREY);
    assert_eq!(dashes.len(), 30, "the SLO is dashed: {dashes:?}");
    assert!(
        dashes
            .iter()
            .all(|d| d.len() == 2 && d[0].1 == dashes[0][0].1)
    );
    drop(drawn);
    let (root, drawn) = recorder((720, 300));
    let webhook: Vec<SweepPoint> = points
        .iter()
        .map(|p| SweepPoint {
            value: p.value / 100.0,
            ..p.clone()
        })
        .collect();
    draw_sweep(&root, &webhook, Control::WebhookLatency, &LIGHT).expect("draws");
    let black = rgb_of(cplab::lab::charts::FAILED);
    assert_eq!(
        drawn
            .borrow()
            .iter()
            .filter(|d| matches!(d, Drawn::Line(_, _, c) if *c == black))
            .count(),
        0,
        "no cross where nothing failed"
    );
    assert!(
        texts(&drawn.borrow())
            .iter()
            .any(|t| t == "Webhook latency (ms)"),
        "the x axis gives the slider's unit: {:?}",
        texts(&drawn.borrow())
    );
}

/// Issue 15, item 3: with the article's dedicated webhook limit, hanging
/// webhooks make the mutating p99 of the requests that complete fall to
/// milliseconds while tens of writes a second time out. The latency chart
/// must not show that as an improvement: each window's failed share is
/// drawn as a band from the top.
#[test]
fn an_outage_that_looks_fast_is_drawn_with_its_failures() {
    let mut page = Params::for_preset("slow-webhook").expect("preset");
    let dedicated = Control::WebhookHandling
        .row()
        .choice("dedicated")
        .expect("a choice");
    page.set(Control::WebhookHandling, dedicated as f64);
    let mut sim = Simulation::new(&page.scenario().expect("valid"), 1).expect("runs");
    sim.run_for(60.0);
    let api = figures::api_windows(&sim);
    let (lines, guide, failed) =
        figures::latency(&sim, ChartClass::Mutating, 10.0, &api).expect("a control plane");
    // The last 20 s: fast p99, many failures.
    let recent = |line: &[(f64, f64)]| -> Vec<f64> {
        line.iter().filter(|p| p.0 > -20.0).map(|p| p.1).collect()
    };
    let p99 = recent(&lines[2]);
    assert!(
        p99.iter().all(|v| *v < 0.1),
        "completed writes look fast: {p99:?}"
    );
    let shares = recent(&failed);
    // A smaller share than when the webhooks matched pods/status and
    // pods/binding too (admissionregistration/v1 Rule.Resources).
    let failing = shares.iter().filter(|s| **s > 0.03).count();
    assert!(failing >= 14, "yet most windows lose over 3%: {shares:?}");
    // Before the fault (the first 30 s, so -60 to -30), none fail.
    assert!(failed.iter().filter(|p| p.0 < -32.0).all(|p| p.1 == 0.0));
    let series: Vec<Series> = [BLUE, ORANGE, VERMILLION]
        .iter()
        .zip(&lines)
        .map(|(&colour, points)| Series { colour, points })
        .collect();
    let overlays = Overlays {
        failed: &failed,
        marks: &[],
    };
    let (_, _, drawn) = data_layer(Scale::Log, &series, guide.as_ref(), &overlays, (720, 260));
    let bands: Vec<(BackendCoord, BackendCoord)> = drawn
        .iter()
        .filter_map(|d| match d {
            Drawn::Rect(a, b, colour, true)
                if *colour == (FAILED_BAND.0, FAILED_BAND.1, FAILED_BAND.2) =>
            {
                Some((*a, *b))
            }
            _ => None,
        })
        .collect();
    assert!(
        bands.len() >= failing,
        "a band in each failing window: {}",
        bands.len()
    );
    // Hanging from the plot's top (y = the margin), deeper where more fail.
    assert!(
        bands.iter().all(|(a, b)| a.1 <= 12 && b.1 > a.1),
        "{bands:?}"
    );
}

/// Issue 15, item 4: the timeline's events (and the reader's changes) are
/// marked on the latency chart, and one that has left the 60 s window is
/// still named.
#[test]
fn the_runs_changes_are_marked_on_the_time_axis() {
    use cplab::lab::live::LiveRun;
    use cplab::lab::state::Action;
    let mut params = Params::for_preset("slow-webhook").expect("preset");
    params.playback.speed = 10.0;
    let mut live = LiveRun::new(&params).expect("runs");
    let clock = || 0.0;
    let mut t = 0.0;
    while live.simulation().now() < cplab::sim::from_secs(40.0) {
        t += 100.0;
        live.frame(t, clock);
    }
    let marks: Vec<(f64, String)> = live.marks().map(|(ago, l)| (ago, l.to_owned())).collect();
    assert_eq!(marks.len(), 1, "{marks:?}");
    assert_eq!(marks[0].1, "Slow webhook on");
    assert!((marks[0].0 - 10.0).abs() < 0.5, "10 s ago: {marks:?}");
    // A reader's change is marked with its new value.
    for change in live.take_absorbed() {
        params = params.reduce(Action::Absorb(change));
    }
    let article = Control::FlowControl
        .row()
        .choice("article-queue")
        .expect("a choice");
    params = params.reduce(Action::Choose(Control::FlowControl, article));
    live.apply(&params).expect("applies");
    let last = live.marks().last().map(|(_, l)| l.to_owned());
    assert_eq!(last.as_deref(), Some("Flow control: Priority queue"));
    // Drawn: a line for each mark in the window, and where it meets the top.
    let series: Vec<Series> = Vec::new();
    let overlays = Overlays {
        failed: &[],
        marks: &[-10.0, -75.0],
    };
    let (_, tops, drawn) = data_layer(Scale::Log, &series, None, &overlays, (720, 260));
    assert!(tops[0].is_some() && tops[1].is_none(), "{tops:?}");
    let vertical = drawn
        .iter()
        .filter(|d| matches!(d, Drawn::Path(p, _) if p.len() == 2 && p[0].0 == p[1].0))
        .count();
    assert_eq!(vertical, 1, "one line, inside the window");
}
