use super::ab::{Ab, AbRefs};
use super::case_study::CaseStudy;
use super::charts::{ChartRefs, Charts};
use super::claims::Claims;
use super::compare::Compare;
use super::controls::Controls;
use super::diagram::DiagramView;
use super::embed::Embed;
use super::explanations::Explanations;
use super::help::Help;
use super::notices::Notices;
use super::readouts::{ReadoutRefs, Readouts};
use super::scenario_bar::ScenarioBar;
use super::share::{ExportKind, ImportError, Share};
use super::sweep::Sweep;
use super::tabs::Tabs;
use crate::lab::controls::Control;
use crate::lab::jobs::{JobKind, JobUpdate};
use crate::lab::live::LiveRun;
use crate::lab::params::{Params, Run};
use crate::lab::readouts::READOUT_WINDOWS;
use crate::lab::url;
use crate::lab::view::{self, Figure, Panel};
use crate::sim::models::control_plane::ControlPlaneChange;
use crate::sim::models::flow_control::FlowControlKind;
use crate::ui::ab::{b_params, draw_ab, show_ab};
use crate::ui::animation::AnimationLoop;
use crate::ui::chart::CanvasTimeChart;
use crate::ui::frame::{Canvases, show_readouts};
use crate::ui::share;
use crate::ui::state::Action;
use crate::ui::worker::LazyWorker;
use gloo_timers::callback::{Interval, Timeout};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::KeyboardEvent;
use yew::prelude::*;

/// How often the text readouts refresh [ms]: fast enough to feel live,
/// slow enough to be read.
const READOUT_REFRESH_MS: u32 = 250;
/// A long computation starts this long after the last change [ms], so a
/// slider being dragged does not restart it at every step.
const JOB_DEBOUNCE_MS: u32 = 400;

type SharedRun = Rc<RefCell<Result<LiveRun, String>>>;

fn wall_clock() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The job a view needs, if any.
fn job_kind(params: &Params) -> Option<JobKind> {
    match (params.view.embed, params.view.panel) {
        (Some(Figure::Table), _) => Some(JobKind::Compare),
        (Some(_), _) => None,
        (None, Panel::Compare) => Some(JobKind::Compare),
        (None, Panel::CaseStudy) => Some(JobKind::CaseStudy),
        (None, Panel::Sweep) => Some(JobKind::Sweep),
        _ => None,
    }
}

/// What a job depends on: the run (and a sweep's range), so moving what
/// cannot change its answer (faults, playback, the view) does not start
/// the computation again.
fn job_key(params: &Params, kind: JobKind) -> (Run, Option<view::Sweep>) {
    let sweep = (kind == JobKind::Sweep).then_some(params.view.sweep);
    (params.run.clone(), sweep)
}

#[function_component(App)]
pub fn app() -> Html {
    // The view the link describes, read once.
    let initial = use_memo((), |_| url::from_query(&share::page_query()));
    let params = use_reducer(|| initial.0.clone());
    let notices = use_state(|| initial.1.iter().map(|n| n.0.clone()).collect::<Vec<_>>());
    let import_error = use_state(|| None::<ImportError>);
    let live: SharedRun = use_mut_ref(|| LiveRun::new(&params).map_err(|e| e.to_string()));
    let ab_live: Rc<RefCell<Option<LiveRun>>> = use_mut_ref(|| None);
    let visible: Rc<Cell<bool>> = use_memo((), |_| Rc::new(Cell::new(true))).as_ref().clone();
    let job = use_state(|| None::<JobUpdate>);
    // Started by the first job, import or export: a visit that needs none
    // never downloads the worker's module.
    let worker = {
        let job = job.clone();
        use_memo((), move |_| {
            LazyWorker::new(move |update| job.set(Some(update)))
        })
    };
    let job_timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    let diagram = use_node_ref();
    let root = use_node_ref();
    let charts = use_memo((), |_| ChartRefs::default());
    let readouts = use_memo((), |_| ReadoutRefs::default());
    let ab_refs = use_memo((), |_| AbRefs::default());
    let dispatcher = params.dispatcher();

    // Every change of the controls reaches the running simulation at once,
    // and the address bar.
    {
        let (live, ab_live) = (live.clone(), ab_live.clone());
        use_effect_with((*params).clone(), move |params| {
            let mut run = live.borrow_mut();
            let outcome = match run.as_mut() {
                Ok(running) => running
                    .apply(params)
                    .map(|refused| {
                        for why in refused {
                            web_sys::console::warn_1(&format!("change refused: {why}").into());
                        }
                    })
                    .map_err(|e| e.to_string()),
                Err(_) => LiveRun::new(params)
                    .map(|fresh| *run = Ok(fresh))
                    .map_err(|e| e.to_string()),
            };
            if let Err(error) = outcome {
                *run = Err(error);
            }
            // B runs only while the A/B panel is open.
            let mut b = ab_live.borrow_mut();
            match (
                params.view.panel == Panel::Ab && params.view.embed.is_none(),
                b_params(params),
            ) {
                (true, Some(b_params)) => {
                    let fresh = match b.as_mut() {
                        Some(running) => running.apply(&b_params).is_err(),
                        None => true,
                    };
                    if fresh {
                        *b = LiveRun::new(&b_params).ok();
                    }
                }
                _ => *b = None,
            }
            share::show_in_address_bar(params);
        });
    }

    // The panels' long computations, in the worker, after a pause in the
    // reader's changes.
    {
        let (worker, job, timer) = ((*worker).clone(), job.clone(), job_timer.clone());
        let kind = job_kind(&params);
        let key = kind.map(|k| (k, job_key(&params, k)));
        let current = (*params).clone();
        use_effect_with(key, move |key| {
            timer.borrow_mut().take();
            if let Some((kind, _)) = key {
                let kind = *kind;
                job.set(None);
                let worker = worker.clone();
                *timer.borrow_mut() = Some(Timeout::new(JOB_DEBOUNCE_MS, move || {
                    worker.with(|client| client.request_job(kind, &current));
                }));
            }
        });
    }

    // One animation loop advances the simulation and draws; a timer
    // refreshes the readouts. Neither re-renders a component.
    {
        let (live, ab_live, readouts, ab_refs) = (
            live.clone(),
            ab_live.clone(),
            readouts.clone(),
            ab_refs.clone(),
        );
        let (diagram, charts, visible) = (diagram.clone(), charts.clone(), visible.clone());
        let dispatcher = dispatcher.clone();
        use_effect_with((), move |_| {
            let mut canvases = Canvases::new(&diagram, &charts);
            let mut ab_chart: Option<CanvasTimeChart> = None;
            let frames = {
                let (live, ab_live, ab_refs) = (live.clone(), ab_live.clone(), ab_refs.clone());
                AnimationLoop::start(move |timestamp| {
                    if !visible.get() {
                        return; // an embed scrolled out of view: paused
                    }
                    let absorbed = match live.borrow_mut().as_mut() {
                        Ok(run) => {
                            run.frame(timestamp, wall_clock);
                            let view = &run.params().view;
                            if view.panel == Panel::Lab || view.embed.is_some() {
                                canvases.draw(run, timestamp);
                            }
                            crate::ui::bench::frame_drawn(run.params());
                            run.take_absorbed()
                        }
                        Err(_) => Vec::new(),
                    };
                    for change in absorbed {
                        dispatcher.dispatch(Action::Absorb(change));
                    }
                    if let Some(b) = ab_live.borrow_mut().as_mut() {
                        b.frame(timestamp, wall_clock);
                        b.take_absorbed();
                        if let Ok(a) = live.borrow().as_ref() {
                            draw_ab(&mut ab_chart, &ab_refs, a, b);
                        }
                    }
                })
            };
            let refresher = Interval::new(READOUT_REFRESH_MS, move || {
                if let Ok(run) = live.borrow().as_ref() {
                    show_readouts(run, &readouts);
                    if let Some(b) = ab_live.borrow().as_ref() {
                        show_ab(&ab_refs, run, b);
                    }
                }
            });
            move || {
                drop(frames);
                drop(refresher);
            }
        });
    }

    // An embedded figure pauses while it is out of view.
    {
        let (root, visible) = (root.clone(), visible.clone());
        let embedded = params.view.embed.is_some();
        use_effect_with(embedded, move |&embedded| {
            let observer = embedded.then(|| watch_visibility(&root, visible)).flatten();
            move || {
                if let Some((observer, _callback)) = observer {
                    observer.disconnect();
                }
            }
        });
    }

    // Space plays and pauses, `?` opens the help (not while typing).
    {
        let dispatcher = dispatcher.clone();
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
                        dispatcher.dispatch(Action::TogglePlay);
                    }
                    "?" => dispatcher.dispatch(Action::ToggleHelp),
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
        let dispatcher = dispatcher.clone();
        Callback::from(move |action: Action| dispatcher.dispatch(action))
    };
    let failure = live.borrow().as_ref().err().cloned();

    if let Some(figure) = params.view.embed {
        return html! {
            <div ref={root}>
                <Notices notices={(*notices).clone()} ondismiss={{ let n = notices.clone(); Callback::from(move |_| n.set(Vec::new())) }} />
                if let Some(error) = failure {
                    <p class="error" role="alert">{ format!("This configuration cannot run: {error}") }</p>
                }
                <Embed {figure} params={(*params).clone()} diagram={diagram.clone()} charts={(*charts).clone()}
                    readouts={(*readouts).clone()} job={(*job).clone()} ondispatch={ondispatch.clone()} />
            </div>
        };
    }

    let onexport = {
        let (live, charts, diagram) = (live.clone(), charts.clone(), diagram.clone());
        let (worker, notices) = ((*worker).clone(), notices.clone());
        let on_failure: Rc<dyn Fn(String)> = Rc::new(move |reason| notices.set(vec![reason]));
        Callback::from(move |kind: ExportKind| {
            share::export(&live, &charts, &diagram, &worker, on_failure.clone(), kind)
        })
    };
    let onimport = {
        let (dispatcher, import_error, notices) =
            (dispatcher.clone(), import_error.clone(), notices.clone());
        let worker = (*worker).clone();
        let current = (*params).clone();
        Callback::from(move |(name, text): (String, Result<String, String>)| {
            let refuse = {
                let import_error = import_error.clone();
                move |control: Option<Control>, message: String| {
                    import_error.set(Some(ImportError { control, message }));
                }
            };
            let text = match text {
                Ok(text) => text,
                Err(message) => return refuse(None, message),
            };
            let (dispatcher, import_error, notices) =
                (dispatcher.clone(), import_error.clone(), notices.clone());
            let current = current.clone();
            // The worker reads the file. A refused file changes nothing:
            // the state is replaced only once the file has passed every check.
            worker.with(|client| {
                client.import(text, move |scenario| {
                    let scenario = match scenario {
                        Ok(scenario) => scenario,
                        Err(e) => return refuse(Control::at_path(&e.field), format!("{name}: {e}")),
                    };
                    match Params::for_imported(scenario) {
                        Ok(mut fresh) => {
                            fresh.playback.speed = current.playback.speed;
                            fresh.playback.restarts = current.playback.restarts.wrapping_add(1);
                            import_error.set(None);
                            notices.set(vec![format!(
                                "Imported {name}. A link cannot carry an imported file: export it as TOML to share it."
                            )]);
                            dispatcher.dispatch(Action::Replace(Rc::new(fresh)));
                        }
                        Err(e) => refuse(None, format!("{name}: {e}")),
                    }
                })
            });
        })
    };
    let ondismiss = {
        let notices = notices.clone();
        Callback::from(move |_| notices.set(Vec::new()))
    };
    let panel = params.view.panel;
    // The flow control the switch shows, in the model's terms.
    let flow_control = match Control::FlowControl
        .row()
        .change(params.get(Control::FlowControl))
    {
        Some(ControlPlaneChange::FlowControl(kind)) => kind,
        _ => FlowControlKind::Apf,
    };
    html! {
        <main class="app" ref={root}>
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
            <Notices notices={(*notices).clone()} {ondismiss} />
            if let Some(error) = failure {
                <p class="error" role="alert">{ format!("This configuration cannot run: {error}") }</p>
            }
            if params.view.help_open {
                <Help ondispatch={ondispatch.clone()} />
            }
            <ScenarioBar params={(*params).clone()} ondispatch={ondispatch.clone()} />
            <Share params={(*params).clone()} ondispatch={ondispatch.clone()} {onexport} {onimport} import_error={(*import_error).clone()} />
            <div class="workbench">
                <Controls params={(*params).clone()} ondispatch={ondispatch.clone()} import_error={(*import_error).clone()} />
                <div class="results">
                    <Tabs {panel} ondispatch={ondispatch.clone()} />
                    <div id="panel-lab" role="tabpanel" aria-labelledby="tab-lab" hidden={panel != Panel::Lab}>
                        <Readouts refs={(*readouts).clone()} />
                        <DiagramView canvas={diagram.clone()} />
                        <Charts refs={(*charts).clone()} class={params.view.chart} flow_control={flow_control} ondispatch={ondispatch.clone()} />
                        <p class="note">
                            { format!("Readouts summarise the last {READOUT_WINDOWS} simulated seconds of API requests. \
                                       Same seed, same settings and same changes at the same simulated times \
                                       give the same numbers.") }
                        </p>
                    </div>
                    <div id={format!("panel-{}", panel.id())} role="tabpanel" aria-labelledby={format!("tab-{}", panel.id())} hidden={panel == Panel::Lab}>
                        { match panel {
                            Panel::Lab => html! {},
                            Panel::Compare => html! { <Compare update={(*job).clone()} /> },
                            Panel::CaseStudy => html! { <CaseStudy params={(*params).clone()} update={(*job).clone()} ondispatch={ondispatch.clone()} /> },
                            Panel::Claims => html! { <Claims params={(*params).clone()} ondispatch={ondispatch.clone()} /> },
                            Panel::Ab => html! { <Ab params={(*params).clone()} refs={(*ab_refs).clone()} ondispatch={ondispatch.clone()} /> },
                            Panel::Sweep => html! { <Sweep params={(*params).clone()} update={(*job).clone()} ondispatch={ondispatch.clone()} /> },
                        } }
                    </div>
                </div>
            </div>
            <Explanations />
        </main>
    }
}

/// An intersection observer and the callback it holds.
type Watcher = (
    web_sys::IntersectionObserver,
    Closure<dyn FnMut(js_sys::Array)>,
);

/// Watches whether `root` is on screen; returns the observer to disconnect.
fn watch_visibility(root: &NodeRef, visible: Rc<Cell<bool>>) -> Option<Watcher> {
    let element = root.cast::<web_sys::Element>()?;
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        if let Some(entry) = entries
            .iter()
            .last()
            .and_then(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
        {
            visible.set(entry.is_intersecting());
        }
    });
    let observer = web_sys::IntersectionObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    observer.observe(&element);
    Some((observer, callback))
}
