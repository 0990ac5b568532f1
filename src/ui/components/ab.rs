use super::charts::layers;
use crate::lab::params::Params;
use crate::sim::studies::catalog::{CATALOG, Group};
use crate::ui::state::Action;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// The A/B panel's text cells and canvases; the refresher and the
/// animation loop write into them.
#[derive(Clone, PartialEq, Default)]
pub struct AbRefs {
    pub axes: NodeRef,
    pub data: NodeRef,
    /// [row][A, B, B − A]: p50, p99, 429/s, timeouts/s
    pub cells: [[NodeRef; 3]; 4],
}

pub const AB_ROWS: [(&str, &str); 4] = [
    ("p50", "p50 latency"),
    ("p99", "p99 latency"),
    ("rejected", "429s per second"),
    ("timeouts", "timeouts per second"),
];

#[derive(Properties, PartialEq)]
pub struct AbProps {
    pub params: Params,
    pub refs: AbRefs,
    pub ondispatch: Callback<Action>,
}

/// Two configurations side by side, the same seed and workload: A is the
/// lab as set, B the chosen version's mechanisms with A's sliders, faults
/// and seed. Their p99 is overlaid on one chart and the differences are
/// numbers.
#[function_component(Ab)]
pub fn ab(props: &AbProps) -> Html {
    let onchange = {
        let d = props.ondispatch.clone();
        Callback::from(move |event: Event| {
            let id = event.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(entry) = CATALOG.iter().find(|e| e.id == id) {
                d.emit(Action::SetAbPreset(entry.id));
            }
        })
    };
    let a_name = props
        .params
        .base_scenario()
        .map(|s| s.name)
        .unwrap_or_default();
    let r = &props.refs;
    html! {
        <section class="ab" aria-labelledby="ab-title">
            <h2 id="ab-title">{ "A/B: two configurations, the same seed and workload" }</h2>
            <p class="lede">{ "A is the lab as you set it. B runs the version you choose here with your sliders, faults and seed, side by side in simulated time." }</p>
            <p>
                <strong>{ "A: " }</strong>{ a_name }
                <label class="picker">{ " B: " }
                    <select {onchange} aria-label="B" data-testid="ab-picker">
                        // Never A's own preset: B would repeat A.
                        { for CATALOG.iter().filter(|e| e.group == Group::Preset && Some(e.id) != props.params.preset_id()).map(|e| {
                            let name = e.scenario().map(|s| s.name).unwrap_or_default();
                            html! { <option value={e.id} selected={e.id == props.params.b_preset()}>{ name }</option> }
                        }) }
                    </select>
                </label>
            </p>
            <table class="ab-table" data-testid="ab-table">
                <thead><tr><th></th><th scope="col">{ "A" }</th><th scope="col">{ "B" }</th><th scope="col">{ "B − A" }</th></tr></thead>
                <tbody>
                    { for AB_ROWS.iter().enumerate().map(|(i, (id, label))| html! {
                        <tr>
                            <th scope="row">{ *label }</th>
                            <td data-testid={format!("ab-a-{id}")} ref={r.cells[i][0].clone()}>{ "–" }</td>
                            <td data-testid={format!("ab-b-{id}")} ref={r.cells[i][1].clone()}>{ "–" }</td>
                            <td data-testid={format!("ab-diff-{id}")} ref={r.cells[i][2].clone()}>{ "–" }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <figure class="chart">
                <figcaption>
                    { "p99 of the chosen request class, A and B, last 60 simulated seconds" }
                    <span class="legend"><span class="swatch p50"></span>{ "A" }<span class="swatch p99"></span>{ "B" }if let Some(legend) = props.params.view.chart.legend() { <span class="swatch slo"></span>{ legend } }</span>
                </figcaption>
                { layers("p99 latency of A and of B over the last 60 simulated seconds, log scale", (720, 240), &r.axes, &r.data, "ab-chart") }
            </figure>
        </section>
    }
}
