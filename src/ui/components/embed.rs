use super::charts::{ChartRefs, layers};
use super::compare::Compare;
use super::diagram::DiagramView;
use super::readouts::{ReadoutRefs, Readouts};
use super::slider::Slider;
use crate::lab::jobs::JobUpdate;
use crate::lab::params::Params;
use crate::lab::view::Figure;
use crate::ui::share;
use crate::ui::state::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EmbedProps {
    pub figure: Figure,
    pub params: Params,
    pub diagram: NodeRef,
    pub charts: ChartRefs,
    pub readouts: ReadoutRefs,
    pub job: Option<JobUpdate>,
    pub ondispatch: Callback<Action>,
}

/// One compact figure for an `<iframe>` (700 × 450): the figure, the
/// controls the author chose (`controls=` in the link), play/pause and a
/// link to the full lab.
#[function_component(Embed)]
pub fn embed(props: &EmbedProps) -> Html {
    let p = &props.params;
    let d = props.ondispatch.clone();
    let toggle = Callback::from(move |_: MouseEvent| d.emit(Action::TogglePlay));
    let mut full = p.clone();
    full.view.embed = None;
    full.view.embed_controls.clear();
    let r = &props.charts;
    let latency = html! {
        <figure class="chart">
            <figcaption>{ "API latency p50 · p90 · p99, last 60 simulated seconds, against the SLO" }</figcaption>
            { layers("Latency p50, p90 and p99 over the last 60 simulated seconds, log scale, with the SLO", (680, 220), &r.latency_axes, &r.latency_data, "latency-chart") }
        </figure>
    };
    let name = p.base_scenario().map(|s| s.name).unwrap_or_default();
    html! {
        <main class={classes!("embed", format!("embed-{}", props.figure.id()))} data-testid="embed">
            <header class="embed-head">
                <strong>{ name }</strong>
                if props.figure != Figure::Table {
                    <button class="play" onclick={toggle} aria-pressed={(!p.playback.playing).to_string()}>{ if p.playback.playing { "Pause" } else { "Play" } }</button>
                }
                <a href={share::link_to(&full)} target="_blank" rel="noopener">{ "Open in Control Plane Lab ↗" }</a>
            </header>
            { match props.figure {
                Figure::Diagram => html! { <DiagramView canvas={props.diagram.clone()} /> },
                Figure::Latency => latency,
                Figure::DiagramChart => html! { <><DiagramView canvas={props.diagram.clone()} />{ latency }</> },
                Figure::Table => html! { <Compare update={props.job.clone()} /> },
            } }
            if props.figure != Figure::Table {
                <Readouts refs={props.readouts.clone()} />
            }
            if !p.view.embed_controls.is_empty() && props.figure != Figure::Table {
                <div class="embed-controls">
                    { for p.view.embed_controls.iter().map(|&control| html! {
                        <Slider {control} value={p.get(control)} ondispatch={props.ondispatch.clone()} />
                    }) }
                </div>
            }
        </main>
    }
}
