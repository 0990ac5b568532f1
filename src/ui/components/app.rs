use super::controls::Controls;
use super::latency_chart::LatencyChart;
use super::readouts::{ReadoutRefs, Readouts};
use crate::ui::animation::AnimationLoop;
use crate::ui::chart::LatencyChart as ChartDrawer;
use crate::ui::format;
use crate::ui::live::{LiveRun, READOUT_WINDOWS};
use crate::ui::state::{Action, Params};
use gloo_timers::callback::Interval;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// How often the text readouts refresh [ms]: fast enough to feel live,
/// slow enough to be read.
const READOUT_REFRESH_MS: u32 = 250;
/// The page's seed until the reader can pick one.
const SEED: u64 = 1;

type SharedRun = Rc<RefCell<Result<LiveRun, String>>>;

#[function_component(App)]
pub fn app() -> Html {
    let params = use_reducer(Params::default);
    let live: SharedRun = use_mut_ref(|| LiveRun::new(&params, SEED).map_err(|e| e.to_string()));
    let chart_axes = use_node_ref();
    let chart_data = use_node_ref();
    let readouts = use_memo((), |_| ReadoutRefs::default());

    // Every change of the controls reaches the running simulation at once.
    {
        let live = live.clone();
        use_effect_with((*params).clone(), move |params| {
            if let Ok(run) = live.borrow_mut().as_mut() {
                run.apply(params);
            }
        });
    }

    // One animation loop advances the simulation and draws the chart; a
    // timer refreshes the readouts. Neither re-renders a component.
    {
        let (live, readouts) = (live.clone(), readouts.clone());
        let (axes, data) = (chart_axes.clone(), chart_data.clone());
        use_effect_with((), move |_| {
            let chart = match (
                axes.cast::<HtmlCanvasElement>(),
                data.cast::<HtmlCanvasElement>(),
            ) {
                (Some(axes), Some(data)) => Some(ChartDrawer::new(axes, data)),
                _ => None,
            };
            let frame_loop = chart.map(|mut chart| {
                let live = live.clone();
                AnimationLoop::start(move |timestamp| {
                    if let Ok(run) = live.borrow_mut().as_mut() {
                        run.frame(timestamp);
                        let simulation = run.simulation();
                        let windows = &simulation.metrics()[0].windows;
                        chart.draw(&windows.windows(), windows.length(), simulation.now());
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
                    { "A first live slice: one textbook queueing station, the building block of \
                       the API server's request path. Requests arrive at random (Poisson), take \
                       one of the seats or wait in a FIFO queue (at most 5,000 waiting, at most \
                       15 s of waiting), and leave after a random service time." }
                </p>
            </header>
            if let Some(error) = failure {
                <p class="error" role="alert">{ format!("This configuration cannot run: {error}") }</p>
            }
            <div class="workbench">
                <Controls params={(*params).clone()} {ondispatch} />
                <div class="results">
                    <Readouts refs={(*readouts).clone()} />
                    <LatencyChart axes={chart_axes} data={chart_data} />
                    <p class="note">
                        { format!("Readouts summarise the last {READOUT_WINDOWS} simulated seconds. \
                                   Seed {SEED}: the same seed and the same slider moves at the same \
                                   simulated times give the same numbers.") }
                    </p>
                </div>
            </div>
        </main>
    }
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
    set(&refs.queue, values.queue_length.to_string());
    set(&refs.busy, format!("{} / {}", values.busy, values.seats));
    set(&refs.sim_time, format::clock(values.sim_time));
    set(&refs.sim_speed, format::speed(values.speed));
}
