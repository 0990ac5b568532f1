//! What the animation loop draws each frame: the diagram and the charts
//! of the lab, straight onto their canvases (no component re-renders).

use crate::lab::controls::Control;
use crate::lab::format;
use crate::lab::live::LiveRun;
use crate::lab::readouts::{READOUT_WINDOWS, api_classes};
use crate::lab::view::ChartClass;
use crate::sim::{LatencyHistogram, Nanos, Simulation, WindowSummary, to_secs};
use crate::ui::chart::{
    APISERVER_BUCKETS, BLUE, GREEN, HistogramChart, ORANGE, QUEUE_COLOURS, Scale, Series,
    TimeChart, VERMILLION,
};
use crate::ui::components::charts::ChartRefs;
use crate::ui::components::readouts::ReadoutRefs;
use crate::ui::diagram::Diagram;
use std::collections::VecDeque;
use web_sys::HtmlCanvasElement;
use yew::NodeRef;

/// Most requests drawn as dots at once.
const MAX_DOTS: usize = 300;
/// Queue depths are sampled this often [s of simulated time] for their chart.
const QUEUE_SAMPLE_SECONDS: f64 = 0.25;

/// Everything the animation loop draws on; a figure missing from the page
/// (an embed shows one or two) is simply not drawn.
pub struct Canvases {
    diagram: Option<Diagram>,
    latency: Option<TimeChart>,
    rates: Option<TimeChart>,
    queues: Option<TimeChart>,
    histogram: Option<HistogramChart>,
    /// (simulated time [s], requests waiting per queue), the last 60 s
    queue_history: VecDeque<(f64, Vec<u32>)>,
    frames: u64,
    /// sampling stride of the diagram's dots
    every: u64,
}

fn canvas(r: &NodeRef) -> Option<HtmlCanvasElement> {
    r.cast::<HtmlCanvasElement>()
}

impl Canvases {
    pub fn new(diagram: &NodeRef, charts: &ChartRefs) -> Self {
        let time_chart = |axes: &NodeRef, data: &NodeRef, scale, format| {
            Some(TimeChart::new(canvas(axes)?, canvas(data)?, scale, format))
        };
        Self {
            diagram: canvas(diagram).map(Diagram::new),
            latency: time_chart(
                &charts.latency_axes,
                &charts.latency_data,
                Scale::Log,
                format::latency,
            ),
            rates: time_chart(
                &charts.rates_axes,
                &charts.rates_data,
                Scale::Linear,
                format::significant,
            ),
            queues: time_chart(
                &charts.queue_axes,
                &charts.queue_data,
                Scale::Linear,
                format::significant,
            ),
            histogram: match (
                canvas(&charts.histogram_axes),
                canvas(&charts.histogram_data),
            ) {
                (Some(axes), Some(data)) => Some(HistogramChart::new(axes, data)),
                _ => None,
            },
            queue_history: VecDeque::new(),
            frames: 0,
            every: 1,
        }
    }

    /// Draws one frame of `run`; `wall` is the frame's timestamp [ms].
    pub fn draw(&mut self, run: &LiveRun, wall: f64) {
        draw(self, run, wall);
    }
}

/// Points (seconds before now, value) of closed windows, plus the open
/// window once it is half full.
fn points(
    windows: &[WindowSummary],
    length: Nanos,
    now: Nanos,
    pick: impl Fn(&WindowSummary) -> f64,
) -> Vec<(f64, f64)> {
    windows
        .iter()
        .filter(|w| now - w.start >= length / 2)
        .map(|w| (-to_secs(now - (w.start + length).min(now)), pick(w)))
        .collect()
}

fn draw(canvases: &mut Canvases, run: &LiveRun, wall: f64) {
    let every = canvases.every;
    let sim: &Simulation = run.simulation();
    let now = sim.now();
    let metrics = sim.metrics();
    let rejected: u64 = api_classes(sim).map(|m| m.all.rejected).sum();
    let timed_out: u64 = api_classes(sim).map(|m| m.all.timed_out).sum();
    canvases.frames += 1;
    // Charts follow their displayed size; checking it is a layout read, so
    // only every 30 frames.
    if canvases.frames % 30 == 1 {
        for chart in [
            &mut canvases.latency,
            &mut canvases.rates,
            &mut canvases.queues,
        ]
        .into_iter()
        .flatten()
        {
            chart.fit();
        }
        if let Some(histogram) = &mut canvases.histogram {
            histogram.fit();
        }
    }
    let needs_snapshot = canvases.diagram.is_some() || canvases.queues.is_some();
    if needs_snapshot && let Some(snapshot) = sim.control_plane_snapshot(every, MAX_DOTS) {
        if let Some(diagram) = &mut canvases.diagram {
            diagram.draw(&snapshot, to_secs(now), (rejected, timed_out), wall);
        }
        canvases.every = (snapshot.in_flight / MAX_DOTS as u64).max(1);
        draw_queues(canvases, &snapshot.limits, to_secs(now));
    }
    // The histogram costs more to bucket: every tenth frame is plenty.
    if canvases.frames % 10 == 1
        && let Some(histogram) = &mut canvases.histogram
    {
        let mut recent: LatencyHistogram<u32> = LatencyHistogram::new();
        for class in api_classes(sim) {
            class.windows.merge_recent(READOUT_WINDOWS, &mut recent);
        }
        histogram.draw(&recent.bucket_counts(&APISERVER_BUCKETS));
    }
    // The API classes' windows serve both charts; the latency chart's class
    // is one of them unless it shows webhook calls.
    let api: Vec<Vec<WindowSummary>> = api_classes(sim).map(|m| m.windows.windows()).collect();
    let class: ChartClass = run.params().view.chart;
    let chosen = metrics.get(class.metric().index());
    if let (Some(chart), Some(chosen)) = (&mut canvases.latency, chosen) {
        let own;
        let windows = match class.request_class().and_then(|c| api.get(c as usize)) {
            Some(windows) => windows,
            None => {
                own = chosen.windows.windows();
                &own
            }
        };
        let length = chosen.windows.length();
        let (p50, p90, p99) = (
            points(windows, length, now, |w| {
                if w.completed > 0 { w.p50 } else { 0.0 }
            }),
            points(windows, length, now, |w| {
                if w.completed > 0 { w.p90 } else { 0.0 }
            }),
            points(windows, length, now, |w| {
                if w.completed > 0 { w.p99 } else { 0.0 }
            }),
        );
        let guide = class.guide(run.params().get(Control::WebhookTimeout));
        chart.draw(
            &[
                Series {
                    colour: BLUE,
                    points: &p50,
                },
                Series {
                    colour: ORANGE,
                    points: &p90,
                },
                Series {
                    colour: VERMILLION,
                    points: &p99,
                },
            ],
            Some(guide),
        );
    }
    // Rates of the API classes, window by window (closed windows only).
    if let (Some(chart), Some(first)) = (&mut canvases.rates, api.first()) {
        let length = metrics[0].windows.length();
        let closed = first.len().saturating_sub(1);
        let sum = |pick: fn(&WindowSummary) -> u64| -> Vec<(f64, f64)> {
            (0..closed)
                .map(|i| {
                    let w = &first[i];
                    let total: u64 = api.iter().filter_map(|c| c.get(i)).map(pick).sum();
                    (
                        -to_secs(now.saturating_sub(w.start + length)),
                        total as f64 / to_secs(length),
                    )
                })
                .collect()
        };
        let (done, rejected, timed_out) = (
            sum(|w| w.completed),
            sum(|w| w.rejected),
            sum(|w| w.timed_out),
        );
        chart.draw(
            &[
                Series {
                    colour: GREEN,
                    points: &done,
                },
                Series {
                    colour: VERMILLION,
                    points: &rejected,
                },
                Series {
                    colour: ORANGE,
                    points: &timed_out,
                },
            ],
            None,
        );
    }
}

/// Samples the queue depths and draws their last 60 s.
fn draw_queues(
    canvases: &mut Canvases,
    limits: &[crate::sim::models::flow_control::LimitSnapshot],
    now: f64,
) {
    let history = &mut canvases.queue_history;
    if history.back().is_some_and(|(t, _)| *t > now) {
        history.clear(); // a new run
    }
    if history
        .back()
        .is_none_or(|(t, _)| now - t >= QUEUE_SAMPLE_SECONDS)
    {
        history.push_back((now, limits.iter().map(|l| l.waiting).collect()));
    }
    while history
        .front()
        .is_some_and(|(t, _)| now - t > crate::ui::chart::SPAN_SECONDS)
    {
        history.pop_front();
    }
    let queues = limits.len().min(QUEUE_COLOURS.len());
    let lines: Vec<Vec<(f64, f64)>> = (0..queues)
        .map(|q| {
            history
                .iter()
                .map(|(t, w)| (t - now, w.get(q).copied().unwrap_or(0) as f64))
                .collect()
        })
        .collect();
    let series: Vec<Series> = lines
        .iter()
        .enumerate()
        .map(|(q, points)| Series {
            colour: QUEUE_COLOURS[q],
            points,
        })
        .collect();
    if let Some(chart) = &mut canvases.queues {
        chart.draw(&series, None);
    }
}

/// Writes the readouts' numbers into their text nodes.
pub fn show_readouts(run: &LiveRun, refs: &ReadoutRefs) {
    let values = run.readouts();
    let set = |node: &NodeRef, text: String| {
        if let Some(element) = node.get() {
            element.set_text_content(Some(&text));
        }
    };
    set(&refs.p99, format::latency(values.p99));
    set(&refs.p50, format::latency(values.p50));
    set(&refs.throughput, format::rate(values.throughput));
    set(&refs.rejected, format::rate(values.rejected_rate));
    set(&refs.timeouts, format::rate(values.timeout_rate));
    set(&refs.sim_time, format::clock(values.sim_time));
    let speed = format::speed(values.speed);
    let requested = run.params().playback.speed;
    set(
        &refs.sim_speed,
        if values.limited {
            format!("{speed} of {} (slowed: heavy)", format::speed(requested))
        } else {
            speed
        },
    );
}
