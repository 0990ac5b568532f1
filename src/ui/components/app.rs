use super::charts::{ChartRefs, Charts};
use super::controls::Controls;
use super::diagram::DiagramView;
use super::explanations::Explanations;
use super::help::Help;
use super::readouts::{ReadoutRefs, Readouts};
use crate::sim::{LatencyHistogram, Nanos, Simulation, WindowSummary, to_secs};
use crate::ui::animation::AnimationLoop;
use crate::ui::chart::{
    APISERVER_BUCKETS, BLUE, GREEN, Guide, HistogramChart, ORANGE, QUEUE_COLOURS, Scale, Series,
    TimeChart, VERMILLION,
};
use crate::ui::diagram::Diagram;
use crate::ui::format;
use crate::ui::live::{API_CLASSES, LiveRun, READOUT_WINDOWS};
use crate::ui::state::{Action, Params};
use gloo_timers::callback::Interval;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{HtmlCanvasElement, KeyboardEvent};
use yew::prelude::*;

/// How often the text readouts refresh [ms]: fast enough to feel live,
/// slow enough to be read.
const READOUT_REFRESH_MS: u32 = 250;
/// Most requests drawn as dots at once.
const MAX_DOTS: usize = 300;

type SharedRun = Rc<RefCell<Result<LiveRun, String>>>;

/// Queue depths are sampled this often [s of simulated time] for their chart.
const QUEUE_SAMPLE_SECONDS: f64 = 0.25;

/// Everything the animation loop draws on.
struct Canvases {
    diagram: Diagram,
    latency: TimeChart,
    rates: TimeChart,
    queues: TimeChart,
    histogram: HistogramChart,
    /// (simulated time [s], requests waiting per queue), the last 60 s
    queue_history: VecDeque<(f64, Vec<u32>)>,
    frames: u64,
}

impl Canvases {
    fn new(diagram: &NodeRef, charts: &ChartRefs) -> Option<Self> {
        let canvas = |r: &NodeRef| r.cast::<HtmlCanvasElement>();
        Some(Self {
            diagram: Diagram::new(canvas(diagram)?),
            latency: TimeChart::new(
                canvas(&charts.latency_axes)?,
                canvas(&charts.latency_data)?,
                Scale::Log,
                format::latency,
            ),
            rates: TimeChart::new(
                canvas(&charts.rates_axes)?,
                canvas(&charts.rates_data)?,
                Scale::Linear,
                format::significant,
            ),
            queues: TimeChart::new(
                canvas(&charts.queue_axes)?,
                canvas(&charts.queue_data)?,
                Scale::Linear,
                format::significant,
            ),
            histogram: HistogramChart::new(
                canvas(&charts.histogram_axes)?,
                canvas(&charts.histogram_data)?,
            ),
            queue_history: VecDeque::new(),
            frames: 0,
        })
    }
}

fn wall_clock() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[function_component(App)]
pub fn app() -> Html {
    let params = use_reducer(Params::default);
    let live: SharedRun = use_mut_ref(|| LiveRun::new(&params).map_err(|e| e.to_string()));
    let diagram = use_node_ref();
    let charts = use_memo((), |_| ChartRefs::default());
    let readouts = use_memo((), |_| ReadoutRefs::default());

    // Every change of the controls reaches the running simulation at once.
    {
        let live = live.clone();
        use_effect_with((*params).clone(), move |params| {
            let mut run = live.borrow_mut();
            let outcome = match run.as_mut() {
                Ok(running) => running.apply(params).map_err(|e| e.to_string()),
                Err(_) => LiveRun::new(params)
                    .map(|fresh| *run = Ok(fresh))
                    .map_err(|e| e.to_string()),
            };
            if let Err(error) = outcome {
                *run = Err(error);
            }
        });
    }

    // One animation loop advances the simulation and draws; a timer
    // refreshes the readouts. Neither re-renders a component.
    {
        let (live, readouts) = (live.clone(), readouts.clone());
        let (diagram, charts) = (diagram.clone(), charts.clone());
        use_effect_with((), move |_| {
            let frame_loop = Canvases::new(&diagram, &charts).map(|mut canvases| {
                let live = live.clone();
                let mut every = 1u64;
                AnimationLoop::start(move |timestamp| {
                    if let Ok(run) = live.borrow_mut().as_mut() {
                        run.frame(timestamp, wall_clock);
                        every = draw(&mut canvases, run, every, timestamp);
                        crate::ui::bench::frame_drawn(run.params());
                    }
                })
            });
            let refresher = Interval::new(READOUT_REFRESH_MS, move || {
                if let Ok(run) = live.borrow().as_ref() {
                    show_readouts(run, &readouts);
                }
            });
            move || {
                drop(frame_loop);
                drop(refresher);
            }
        });
    }

    // Space plays and pauses, `?` opens the help (not while typing).
    {
        let params = params.clone();
        use_effect_with((), move |_| {
            let handler = Closure::<dyn Fn(KeyboardEvent)>::new(move |event: KeyboardEvent| {
                let tag = event
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .map(|e| e.tag_name())
                    .unwrap_or_default();
                if matches!(tag.as_str(), "INPUT" | "BUTTON" | "SELECT" | "TEXTAREA") {
                    return;
                }
                match event.key().as_str() {
                    " " => {
                        event.prevent_default();
                        params.dispatch(Action::TogglePlay);
                    }
                    "?" => params.dispatch(Action::ToggleHelp),
                    _ => {}
                }
            });
            let document = web_sys::window().and_then(|w| w.document());
            if let Some(document) = &document {
                let _ = document
                    .add_event_listener_with_callback("keydown", handler.as_ref().unchecked_ref());
            }
            move || {
                if let Some(document) = document {
                    let _ = document.remove_event_listener_with_callback(
                        "keydown",
                        handler.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }

    let ondispatch = {
        let params = params.clone();
        Callback::from(move |action: Action| params.dispatch(action))
    };
    let failure = live.borrow().as_ref().err().cloned();
    html! {
        <main class="app">
            <header>
                <h1>{ "Control Plane Lab" }</h1>
                <p class="lede">
                    { "The Kubernetes control plane's request path, simulated live: requests from kubelets, \
                       controllers, the scheduler and users pass API Priority and Fairness, admission \
                       webhooks, the watch cache and etcd. Switch each mechanism between upstream \
                       Kubernetes and the version a popular article describes (marked “article”), \
                       inject faults, and watch latency move against the SLOs." }
                </p>
            </header>
            if let Some(error) = failure {
                <p class="error" role="alert">{ format!("This configuration cannot run: {error}") }</p>
            }
            if params.help_open {
                <Help ondispatch={ondispatch.clone()} />
            }
            <div class="workbench">
                <Controls params={(*params).clone()} ondispatch={ondispatch.clone()} />
                <div class="results">
                    <Readouts refs={(*readouts).clone()} />
                    <DiagramView canvas={diagram} />
                    <Charts refs={(*charts).clone()} class={params.chart_class} flow_control={params.flow_control} ondispatch={ondispatch.clone()} />
                    <p class="note">
                        { format!("Readouts summarise the last {READOUT_WINDOWS} simulated seconds of API requests. \
                                   Same seed, same settings and same changes at the same simulated times \
                                   give the same numbers.") }
                    </p>
                </div>
            </div>
            <Explanations />
        </main>
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

/// Draws one frame; returns the sampling stride for the next one.
fn draw(canvases: &mut Canvases, run: &LiveRun, every: u64, wall: f64) -> u64 {
    let sim: &Simulation = run.simulation();
    let now = sim.now();
    let metrics = sim.metrics();
    let rejected: u64 = metrics[API_CLASSES].iter().map(|m| m.all.rejected).sum();
    let timed_out: u64 = metrics[API_CLASSES].iter().map(|m| m.all.timed_out).sum();
    let mut next_every = every;
    canvases.frames += 1;
    // Charts follow their displayed size; checking it is a layout read, so
    // only every 30 frames.
    if canvases.frames % 30 == 1 {
        canvases.latency.fit();
        canvases.rates.fit();
        canvases.queues.fit();
        canvases.histogram.fit();
    }
    if let Some(snapshot) = sim.control_plane_snapshot(every, MAX_DOTS) {
        canvases
            .diagram
            .draw(&snapshot, to_secs(now), (rejected, timed_out), wall);
        next_every = (snapshot.in_flight / MAX_DOTS as u64).max(1);
        draw_queues(canvases, &snapshot.limits, to_secs(now));
    }
    // The histogram costs more to bucket: every tenth frame is plenty.
    if canvases.frames % 10 == 1 {
        let mut recent: LatencyHistogram<u32> = LatencyHistogram::new();
        for class in &metrics[API_CLASSES] {
            recent.merge(&class.windows.recent_latency(READOUT_WINDOWS).0);
        }
        canvases
            .histogram
            .draw(&recent.bucket_counts(&APISERVER_BUCKETS));
    }
    let class = run.params().chart_class.min(3);
    if let Some(chosen) = metrics.get(class) {
        let windows = chosen.windows.windows();
        let length = chosen.windows.length();
        let (p50, p90, p99) = (
            points(&windows, length, now, |w| {
                if w.completed > 0 { w.p50 } else { 0.0 }
            }),
            points(&windows, length, now, |w| {
                if w.completed > 0 { w.p90 } else { 0.0 }
            }),
            points(&windows, length, now, |w| {
                if w.completed > 0 { w.p99 } else { 0.0 }
            }),
        );
        let guide = match class {
            0 | 1 => Guide {
                value: 1.0,
                label: "SLO 1 s".into(),
            },
            2 => Guide {
                value: 30.0,
                label: "SLO 30 s".into(),
            },
            _ => Guide {
                value: run.params().webhook_timeout,
                label: "webhook timeout".into(),
            },
        };
        canvases.latency.draw(
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
    let api: Vec<Vec<WindowSummary>> = metrics[API_CLASSES]
        .iter()
        .map(|m| m.windows.windows())
        .collect();
    if let Some(first) = api.first() {
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
        canvases.rates.draw(
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
    next_every
}

/// Samples the queue depths and draws their last 60 s.
fn draw_queues(
    canvases: &mut Canvases,
    limits: &[crate::sim::flowcontrol::LimitSnapshot],
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
    canvases.queues.draw(&series, None);
}

fn show_readouts(run: &LiveRun, refs: &ReadoutRefs) {
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
    let requested = run.params().speed;
    set(
        &refs.sim_speed,
        if values.limited {
            format!("{speed} of {} (slowed: heavy)", format::speed(requested))
        } else {
            speed
        },
    );
}
