use super::progress::JobProgress;
use crate::lab::jobs::{JobResult, JobUpdate, SWEEP_POINTS, SWEEP_SECONDS};
use crate::lab::params::{Knob, Params};
use crate::ui::state::Action;
use crate::ui::sweep_chart;
use web_sys::{HtmlCanvasElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SweepProps {
    pub params: Params,
    pub update: Option<JobUpdate>,
    pub ondispatch: Callback<Action>,
}

/// p99 against one slider's range, computed in the worker.
#[function_component(Sweep)]
pub fn sweep(props: &SweepProps) -> Html {
    let canvas = use_node_ref();
    let p = &props.params;
    let points = match props.update.as_ref().map(|u| &u.result) {
        Some(JobResult::Sweep(points)) => points.clone(),
        _ => Vec::new(),
    };
    {
        let (canvas, points, knob) = (canvas.clone(), points.clone(), p.sweep_knob);
        use_effect_with(points, move |points| {
            if let Some(canvas) = canvas.cast::<HtmlCanvasElement>() {
                sweep_chart::draw(&canvas, points, knob);
            }
        });
    }
    let set = |knob: Knob, from: f64, to: f64| Action::SetSweep { knob, from, to };
    let onknob = {
        let d = props.ondispatch.clone();
        Callback::from(move |event: Event| {
            let id = event.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(knob) = Knob::from_id(&id) {
                let r = knob.range();
                d.emit(set(knob, r.min, r.max));
            }
        })
    };
    let bound = |is_from: bool| {
        let (d, knob, from, to) = (
            props.ondispatch.clone(),
            p.sweep_knob,
            p.sweep_from,
            p.sweep_to,
        );
        Callback::from(move |event: Event| {
            let value = event
                .target_unchecked_into::<HtmlInputElement>()
                .value_as_number();
            if value.is_finite() {
                d.emit(if is_from {
                    set(knob, value, to)
                } else {
                    set(knob, from, value)
                });
            }
        })
    };
    let (progress, done) = props
        .update
        .as_ref()
        .map_or((0.0, false), |u| (u.progress, u.done));
    let error = props.update.as_ref().and_then(|u| u.error.clone());
    let unit = p.sweep_knob.unit();
    html! {
        <section class="sweep" aria-labelledby="sweep-title">
            <h2 id="sweep-title">{ "Sweep: p99 against one slider" }</h2>
            <p class="lede">
                { format!("{SWEEP_POINTS} runs of {SWEEP_SECONDS:.0} simulated seconds each, the current settings with one slider swept across the range, the same seed for every point, \
                           computed in a background worker: the page stays responsive.") }
            </p>
            <div class="sweep-controls">
                <label>{ "Slider " }
                    <select onchange={onknob} aria-label="Slider to sweep" data-testid="sweep-knob">
                        { for Knob::ALL.iter().filter(|k| **k != Knob::Speed).map(|k| html! {
                            <option value={k.id()} selected={*k == p.sweep_knob}>{ k.label() }</option>
                        }) }
                    </select>
                </label>
                <label>{ format!("from ({unit}) ") }<input type="number" aria-label="Sweep from" value={p.sweep_from.to_string()} onchange={bound(true)} /></label>
                <label>{ format!("to ({unit}) ") }<input type="number" aria-label="Sweep to" value={p.sweep_to.to_string()} onchange={bound(false)} /></label>
            </div>
            <JobProgress value={progress} done={done} label="Computing the sweep" elapsed_ms={props.update.as_ref().and_then(|u| u.elapsed_ms)}
                failed={props.update.as_ref().is_some_and(|u| u.error.is_some())} />
            if let Some(error) = error { <p class="error" role="alert">{ error }</p> }
            <figure class="chart">
                <figcaption>
                    { format!("API p99 (after {:.0} s of warm-up) against {}", crate::lab::jobs::SWEEP_WARMUP, p.sweep_knob.label()) }
                    <span class="legend"><span class="swatch p50"></span>{ "p50" }<span class="swatch p99"></span>{ "p99" }<span class="swatch slo"></span>{ "SLO 1 s" }</span>
                </figcaption>
                <canvas ref={canvas} width="720" height="300" data-testid="sweep-chart" data-points={points.len().to_string()}
                    role="img" aria-label="p50 and p99 of API requests at each value of the swept slider, with the 1 s SLO"></canvas>
            </figure>
        </section>
    }
}
