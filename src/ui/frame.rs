//! What the animation loop draws each frame: the diagram and the charts
//! of the lab, straight onto their canvases (no component re-renders).
//! What each chart shows is computed in `lab::charts::figures`.

use crate::lab::charts::figures::{self, QueueHistory};
use crate::lab::charts::{BLUE, GREEN, ORANGE, QUEUE_COLOURS, Scale, Series, VERMILLION};
use crate::lab::controls::Control;
use crate::lab::format;
use crate::lab::live::LiveRun;
use crate::lab::readouts::{self, api_classes};
use crate::sim::to_secs;
use crate::ui::chart::{CanvasHistogram, CanvasTimeChart};
use crate::ui::components::charts::ChartRefs;
use crate::ui::components::readouts::ReadoutRefs;
use crate::ui::diagram::Diagram;
use web_sys::HtmlCanvasElement;
use yew::NodeRef;

/// Most requests drawn as dots at once.
const MAX_DOTS: usize = 300;

/// Everything the animation loop draws on; a figure missing from the page
/// (an embed shows one or two) is simply not drawn.
pub struct Canvases {
    diagram: Option<Diagram>,
    latency: Option<CanvasTimeChart>,
    rates: Option<CanvasTimeChart>,
    queues: Option<CanvasTimeChart>,
    histogram: Option<CanvasHistogram>,
    queue_history: QueueHistory,
    frames: u64,
    /// sampling stride of the diagram's dots
    every: u64,
    /// the queue chart's colours (the first is the scheme's ink)
    queue_colours: [plotters::style::RGBColor; 8],
}

fn canvas(r: &NodeRef) -> Option<HtmlCanvasElement> {
    r.cast::<HtmlCanvasElement>()
}

/// Lines of these colours, one per series.
fn coloured<'a>(
    colours: &[plotters::style::RGBColor],
    lines: &'a [Vec<(f64, f64)>],
) -> Vec<Series<'a>> {
    colours
        .iter()
        .zip(lines)
        .map(|(&colour, points)| Series { colour, points })
        .collect()
}

impl Canvases {
    pub fn new(diagram: &NodeRef, charts: &ChartRefs) -> Self {
        let time_chart = |axes: &NodeRef, data: &NodeRef, scale, format| {
            Some(CanvasTimeChart::new(
                canvas(axes)?,
                canvas(data)?,
                scale,
                format,
            ))
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
                (Some(axes), Some(data)) => Some(CanvasHistogram::new(axes, data)),
                _ => None,
            },
            queue_history: QueueHistory::default(),
            // The first queue's black reads on a light ground only.
            queue_colours: {
                let mut colours = QUEUE_COLOURS;
                colours[0] = crate::ui::chart::theme().ink;
                colours
            },
            frames: 0,
            every: 1,
        }
    }

    /// Draws one frame of `run`; `wall` is the frame's timestamp [ms].
    pub fn draw(&mut self, run: &LiveRun, wall: f64) {
        self.frames += 1;
        self.draw_diagram_and_queues(run, wall);
        let sim = run.simulation();
        // The histogram costs more to bucket: every tenth frame is plenty.
        if self.frames % 10 == 1
            && let Some(histogram) = &mut self.histogram
        {
            histogram.draw(&figures::latency_buckets(sim));
        }
        if self.latency.is_none() && self.rates.is_none() {
            return;
        }
        // The API classes' windows serve both charts.
        let api = figures::api_windows(sim);
        let params = run.params();
        let timeout = params.get(Control::WebhookTimeout);
        if let Some(chart) = &mut self.latency
            && let Some((lines, guide, failed)) =
                figures::latency(sim, params.view.chart, timeout, &api)
        {
            let marks: Vec<(f64, &str)> = run.marks().collect();
            chart.draw_failing(
                &coloured(&[BLUE, ORANGE, VERMILLION], &lines),
                guide,
                &failed,
                &marks,
            );
        }
        if let Some(chart) = &mut self.rates {
            let lines = figures::rates(sim, &api);
            chart.draw(&coloured(&[GREEN, VERMILLION, ORANGE], &lines), None);
        }
    }

    /// The diagram and the queue chart, from one snapshot of the model.
    fn draw_diagram_and_queues(&mut self, run: &LiveRun, wall: f64) {
        if self.diagram.is_none() && self.queues.is_none() {
            return;
        }
        let sim = run.simulation();
        let Some(snapshot) = sim.control_plane_snapshot(self.every, MAX_DOTS) else {
            return;
        };
        let now = to_secs(sim.now());
        if let Some(diagram) = &mut self.diagram {
            let rejected: u64 = api_classes(sim).map(|m| m.all.rejected).sum();
            let timed_out: u64 = api_classes(sim).map(|m| m.all.timed_out).sum();
            diagram.draw(&snapshot, now, (rejected, timed_out), wall);
        }
        self.every = (snapshot.in_flight / MAX_DOTS as u64).max(1);
        self.queue_history.record(now, &snapshot.limits);
        if let Some(chart) = &mut self.queues {
            let lines = self.queue_history.lines(now, QUEUE_COLOURS.len());
            chart.draw(&coloured(&self.queue_colours, &lines), None);
        }
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
    set(&refs.limit, readouts::limit_text(run.limit_now().as_ref()));
    if let Some(snapshot) = run.simulation().control_plane_snapshot(u64::MAX, 0) {
        set(&refs.servers, readouts::servers_text(&snapshot.servers));
    }
    if let Some(note) = refs.failed_note.cast::<web_sys::HtmlElement>() {
        let text = values.completed_only();
        note.set_hidden(text.is_none());
        note.set_text_content(text.as_deref());
    }
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
