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
use super::questions::Questions;
use super::readouts::{ReadoutRefs, Readouts};
use super::scenario_bar::ScenarioBar;
use super::share::{ExportKind, Share};
use super::story::StoryCard;
use super::sweep::Sweep;
use super::tabs::Tabs;
use crate::lab::controls::Control;
use crate::lab::params::Params;
use crate::lab::readouts::READOUT_WINDOWS;
use crate::lab::url;
use crate::lab::view::Panel;
use crate::sim::models::control_plane::ControlPlaneChange;
use crate::sim::models::flow_control::FlowControlKind;
use crate::ui::hooks::{
    Figures, use_animation, use_import, use_jobs, use_live_runs, use_shortcuts, use_visibility,
};
use crate::ui::share;
use crate::ui::state::Action;
use std::rc::Rc;
use yew::prelude::*;

/// The page: the controls, the panels, and in embed mode one figure.
#[function_component(App)]
pub fn app() -> Html {
    // The view the link describes, read once.
    let initial = use_memo((), |_| url::from_query(&share::page_query()));
    let params = use_reducer(|| initial.0.clone());
    let notices = use_state(|| initial.1.iter().map(|n| n.0.clone()).collect::<Vec<_>>());
    let dispatcher = params.dispatcher();
    let runs = use_live_runs(&params);
    let jobs = use_jobs(&params);
    let root = use_node_ref();
    let visible = use_visibility(&root, params.view.embed.is_some());
    let figures = (*use_memo((), |_| Figures {
        diagram: NodeRef::default(),
        charts: ChartRefs::default(),
        readouts: ReadoutRefs::default(),
        ab: AbRefs::default(),
    }))
    .clone();
    use_animation(&runs, &figures, visible, dispatcher.clone());
    use_shortcuts(dispatcher.clone());
    let (onimport, import_error) = use_import(
        &params,
        jobs.worker.clone(),
        dispatcher.clone(),
        notices.clone(),
    );

    let ondispatch = Callback::from(move |action: Action| dispatcher.dispatch(action));
    let ondismiss = {
        let notices = notices.clone();
        Callback::from(move |_| notices.set(Vec::new()))
    };
    let failure = runs.a.borrow().as_ref().err().cloned();
    let failure = failure.map(|error| {
        html! {
            <p class="error" role="alert">{ format!("This configuration cannot run: {error}") }</p>
        }
    });
    let job = (*jobs.update).clone();

    if let Some(figure) = params.view.embed {
        return html! {
            <div ref={root}>
                <Notices notices={(*notices).clone()} {ondismiss} />
                { for failure }
                <Embed {figure} params={(*params).clone()} diagram={figures.diagram.clone()} charts={figures.charts.clone()}
                    readouts={figures.readouts.clone()} {job} {ondispatch} />
            </div>
        };
    }

    let onexport = {
        let (live, figures) = (runs.a.clone(), figures.clone());
        let (worker, notices) = (jobs.worker.clone(), notices.clone());
        let on_failure: Rc<dyn Fn(String)> = Rc::new(move |reason| notices.set(vec![reason]));
        Callback::from(move |kind: ExportKind| {
            share::export(
                &live,
                &figures.charts,
                &figures.diagram,
                &worker,
                on_failure.clone(),
                kind,
            )
        })
    };
    let panel = params.view.panel;
    let flow_control = flow_control_of(&params);
    let story = params.view.story.clone();
    let telling = story.is_some();
    html! {
        <main class={classes!("app", telling.then_some("telling"), params.view.drawer_open.then_some("drawer-open"))} ref={root}>
            <a class="skip-link" href="#lab-output" onclick={skip_to_output()}>{ "Skip to the simulation" }</a>
            { header() }
            <Notices notices={(*notices).clone()} {ondismiss} />
            { for failure }
            if params.view.help_open {
                <Help ondispatch={ondispatch.clone()} />
            }
            <ScenarioBar params={(*params).clone()} ondispatch={ondispatch.clone()} />
            <Share params={(*params).clone()} ondispatch={ondispatch.clone()} {onexport} {onimport} import_error={import_error.clone()} />
            <Questions ondispatch={ondispatch.clone()} />
            <div class="workbench">
                if let Some(at) = story {
                    <StoryCard {at} playing={params.playback.playing} ondispatch={ondispatch.clone()} />
                }
                <div class="side">
                    <button class="drawer-toggle" aria-expanded={params.view.drawer_open.to_string()} aria-controls="controls"
                        onclick={let d = ondispatch.clone(); Callback::from(move |_| d.emit(Action::ToggleDrawer))}>
                        { if params.view.drawer_open { "Close the controls" } else { "Controls" } }
                    </button>
                    <Controls params={(*params).clone()} ondispatch={ondispatch.clone()} {import_error} />
                </div>
                <div class="results" id="lab-output" tabindex="-1">
                    <Tabs {panel} ondispatch={ondispatch.clone()} />
                    <div id="panel-lab" role="tabpanel" aria-labelledby="tab-lab" hidden={panel != Panel::Lab}>
                        <Readouts refs={figures.readouts.clone()} />
                        <DiagramView canvas={figures.diagram.clone()} ondispatch={ondispatch.clone()} limit={figures.readouts.limit.clone()} servers={figures.readouts.servers.clone()} />
                        <Charts refs={figures.charts.clone()} class={params.view.chart} flow_control={flow_control} ondispatch={ondispatch.clone()} />
                        <p class="note">
                            { format!("Readouts summarise the last {READOUT_WINDOWS} simulated seconds of API requests. \
                                       Same seed, same settings and same changes at the same simulated times \
                                       give the same numbers.") }
                        </p>
                    </div>
                    <div id={format!("panel-{}", panel.id())} role="tabpanel" aria-labelledby={format!("tab-{}", panel.id())} hidden={panel == Panel::Lab}>
                        { match panel {
                            Panel::Lab => html! {},
                            Panel::Compare => html! { <Compare update={job} /> },
                            Panel::CaseStudy => html! { <CaseStudy params={(*params).clone()} update={job} ondispatch={ondispatch.clone()} /> },
                            Panel::Claims => html! { <Claims params={(*params).clone()} ondispatch={ondispatch.clone()} /> },
                            Panel::Ab => html! { <Ab params={(*params).clone()} refs={figures.ab.clone()} ondispatch={ondispatch.clone()} /> },
                            Panel::Sweep => html! { <Sweep params={(*params).clone()} update={job} ondispatch={ondispatch.clone()} /> },
                        } }
                    </div>
                </div>
            </div>
            <Explanations explained={params.view.explained} drawer_open={params.view.drawer_open} ondispatch={ondispatch.clone()} />
        </main>
    }
}

/// The skip link's action: focus the output. (Following its `#lab-output`
/// would leave the page: the document's base is the site's directory, and
/// the link's query would be lost.)
fn skip_to_output() -> Callback<MouseEvent> {
    Callback::from(|event: MouseEvent| {
        event.prevent_default();
        if let Some(output) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("lab-output"))
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = output.focus();
        }
    })
}

/// The page's title and what it is.
fn header() -> Html {
    html! {
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
    }
}

/// The flow control the switch shows, in the model's terms.
fn flow_control_of(params: &Params) -> FlowControlKind {
    match Control::FlowControl
        .row()
        .change(params.get(Control::FlowControl))
    {
        Some(ControlPlaneChange::FlowControl(kind)) => kind,
        _ => FlowControlKind::Apf,
    }
}
