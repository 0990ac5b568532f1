use super::progress::JobProgress;
use crate::lab::controls::{CONTROLS, Control};
use crate::lab::jobs::{JobResult, JobUpdate, SWEEP_POINTS, SWEEP_SECONDS};
use crate::lab::params::Params;
use crate::lab::view::{self, ChartClass};
use crate::ui::chart;
use crate::ui::state::Action;
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
        let (canvas, points, control) = (canvas.clone(), points.clone(), p.view.sweep.control);
        use_effect_with(points, move |points| {
            if let Some(canvas) = canvas.cast::<HtmlCanvasElement>() {
                chart::draw_sweep(&canvas, points, control);
            }
        });
    }
    let sweep = p.view.sweep;
    let oncontrol = {
        let d = props.ondispatch.clone();
        Callback::from(move |event: Event| {
            let key = event.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(control) = Control::from_key(&key)
                && let Some(r) = control.row().range()
            {
                let (from, to) = (r.min, r.max);
                d.emit(Action::SetSweep(view::Sweep { control, from, to }));
            }
        })
    };
    let bound = |is_from: bool| {
        let d = props.ondispatch.clone();
        Callback::from(move |event: Event| {
            let value = event
                .target_unchecked_into::<HtmlInputElement>()
                .value_as_number();
            if value.is_finite() {
                let mut moved = sweep;
                if is_from {
                    moved.from = value;
                } else {
                    moved.to = value;
                }
                d.emit(Action::SetSweep(moved));
            }
        })
    };
    let (progress, done) = props
        .update
        .as_ref()
        .map_or((0.0, false), |u| (u.progress, u.done));
    let error = props.update.as_ref().and_then(|u| u.error.clone());
    let row = sweep.control.row();
    html! {
        <section class="sweep" aria-labelledby="sweep-title">
            <h2 id="sweep-title">{ "Sweep: p99 against one slider" }</h2>
            <p class="lede">
                { format!("{SWEEP_POINTS} runs of {SWEEP_SECONDS:.0} simulated seconds each, the current settings with one slider swept across the range, the same seed for every point, \
                           computed in a background worker: the page stays responsive.") }
            </p>
            <div class="sweep-controls">
                <label>{ "Slider " }
                    <select onchange={oncontrol} aria-label="Slider to sweep" data-testid="sweep-knob">
                        { for CONTROLS.iter().filter(|r| r.is_model_slider()).map(|r| html! {
                            <option value={r.key} selected={r.control == sweep.control}>{ r.label }</option>
                        }) }
                    </select>
                </label>
                <label>{ row.titled("from") }{ " " }<input type="number" aria-label="Sweep from" value={sweep.from.to_string()} onchange={bound(true)} /></label>
                <label>{ row.titled("to") }{ " " }<input type="number" aria-label="Sweep to" value={sweep.to.to_string()} onchange={bound(false)} /></label>
            </div>
            <JobProgress value={progress} done={done} label="Computing the sweep" elapsed_ms={props.update.as_ref().and_then(|u| u.elapsed_ms)}
                failed={props.update.as_ref().is_some_and(|u| u.error.is_some())} />
            if let Some(error) = error { <p class="error" role="alert">{ error }</p> }
            <figure class="chart">
                <figcaption>
                    { format!("API p99 (after {:.0} s of warm-up) against {}", crate::lab::jobs::SWEEP_WARMUP, row.label) }
                    <span class="legend"><span class="swatch p50"></span>{ "p50" }<span class="swatch p99"></span>{ "p99" }<span class="swatch slo"></span>{ ChartClass::Mutating.legend().unwrap_or_default() }
                        <span class="failed-mark" aria-hidden="true">{ "×" }</span>{ "requests failed (429 or timeout): the quantiles are of the rest" }</span>
                </figcaption>
                <canvas ref={canvas} width="720" height="300" data-testid="sweep-chart" data-points={points.len().to_string()}
                    data-failed-points={points.iter().filter(|p| p.failed_rate() > 0.0).count().to_string()}
                    role="img" aria-label="p50 and p99 of completed API requests at each value of the swept slider, with the 1 s SLO; a cross where requests failed"></canvas>
            </figure>
        </section>
    }
}
