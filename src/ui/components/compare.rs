use super::progress::JobProgress;
use crate::lab::format;
use crate::lab::jobs::{JobResult, JobUpdate};
use crate::lab::readouts;
use crate::sim::studies::comparison::{COLUMNS, Row, model_value};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    pub update: Option<JobUpdate>,
}

fn article_figure(row: Row, value: f64) -> String {
    match row {
        Row::Throughput => format::thousands(value as u64),
        Row::MonthlyCost => format!("${}", format::thousands(value as u64)),
        Row::ControlPlaneNodes => format!("{value:.0}"),
        _ => format!("{value:.0}"),
    }
}

fn model_figure(row: Row, value: f64) -> String {
    match row {
        Row::Throughput => format::thousands(value.round() as u64),
        Row::ControlPlaneNodes => format!("{value:.0}"),
        Row::WatchCacheP99 | Row::StoreWriteP99 => format::significant(value),
        Row::MonthlyCost => String::new(),
    }
}

/// The article's comparison table with the model's figure beside every
/// article figure, computed for the same column at 1,000 nodes with the
/// reader's seed and sliders.
#[function_component(Compare)]
pub fn compare(props: &CompareProps) -> Html {
    let columns = match props.update.as_ref().map(|u| &u.result) {
        Some(JobResult::Compare(columns)) => columns.clone(),
        _ => Vec::new(),
    };
    let error = props.update.as_ref().and_then(|u| u.error.clone());
    let cell = |row: Row, index: usize| -> Html {
        let column = &COLUMNS[index];
        let computed = columns.get(index);
        let model = computed.and_then(|c| {
            let measured = c.measured.as_ref()?;
            model_value(row, measured, c.capacity.as_ref())
        });
        let at_least = row == Row::Throughput
            && computed
                .and_then(|c| c.capacity.as_ref())
                .is_some_and(|c| c.at_least);
        let model_text = match (row, model) {
            (Row::MonthlyCost, _) => {
                html! { <span class="not-computed">{ "not computed" }<span class="why">{ " (no prices in the model)" }</span></span> }
            }
            (_, Some(v)) => {
                html! { <span class="model">{ if at_least { format!("≥ {}", model_figure(row, v)) } else { model_figure(row, v) } }</span> }
            }
            (_, None) => html! { <span class="pending">{ "…" }</span> },
        };
        html! {
            <td data-testid={format!("cell-{}-{}", row as usize, column.preset)}>
                <span class="article-figure" title="the article's figure">{ article_figure(row, row.article(column)) }</span>
                <span class="versus">{ " · model " }</span>
                { model_text }
            </td>
        }
    };
    let (progress, done) = props
        .update
        .as_ref()
        .map_or((0.0, false), |u| (u.progress, u.done));
    html! {
        <section class="compare" aria-labelledby="compare-title">
            <h2 id="compare-title">{ "The article's comparison table, recomputed" }</h2>
            <p class="lede">
                { "Each cell shows the article's figure, then the model's for the same column at 1,000 nodes, with this page's seed and every slider you moved (except Nodes and Speed). \
                   For this page's defaults the figures were computed when the site was built; change a slider or the seed and the table is computed again in a background worker." }
            </p>
            <JobProgress value={progress} done={done} label="Computing the table" elapsed_ms={props.update.as_ref().and_then(|u| u.elapsed_ms)}
                failed={props.update.as_ref().is_some_and(|u| u.error.is_some())}
                precomputed={props.update.as_ref().is_some_and(|u| u.precomputed)} />
            if let Some(error) = error { <p class="error" role="alert">{ error }</p> }
            <div class="table-scroll">
            <table data-testid="compare-table">
                <thead>
                    <tr>
                        <th scope="col">{ "Metric (1,000 nodes)" }</th>
                        { for COLUMNS.iter().map(|c| html! {
                            <th scope="col">
                                { c.heading }
                                <span class="column-note">{ c.model_note }</span>
                            </th>
                        }) }
                    </tr>
                </thead>
                <tbody>
                    { for Row::ALL.iter().map(|&row| html! {
                        <tr>
                            <th scope="row">{ row.label() }<span class="method">{ row.method() }</span></th>
                            { for (0..COLUMNS.len()).map(|i| cell(row, i)) }
                        </tr>
                    }) }
                    <tr>
                        <th scope="row">{ "What limits it at capacity" }<span class="method">{ "the model's busiest resource at the highest sustainable load, from its exact utilisations: the API server's CPU, seats, etcd's cores and apply loop, its connections, the watch cache's locks and dispatchers (not in the article)" }</span></th>
                        { for (0..COLUMNS.len()).map(|i| {
                            let limit = columns.get(i).and_then(|c| c.capacity.as_ref()).map(|c| readouts::limit_text(c.bottleneck.as_ref()));
                            html! {
                                <td data-testid={format!("cell-limit-{}", COLUMNS[i].preset)}>
                                    { match limit {
                                        Some(text) => html! { <span class="model">{ text }</span> },
                                        None => html! { <span class="pending">{ "…" }</span> },
                                    } }
                                </td>
                            }
                        }) }
                    </tr>
                </tbody>
            </table>
            </div>
            <ul class="caveats">
                <li>{ "The model runs three API servers of 32 cores each for Kubernetes (what kube-up gives 1,000 nodes; one for the single binary), each write costing 7 ms of CPU as fitted to SIG Scalability's 5,000-node density test: every column runs out of the CPU of its busiest server (the one the controller-manager is connected to) before its seats or etcd (the last row), so the article's mechanisms barely move its capacity. Read the absolute throughput with that in mind." }</li>
                <li>{ "The 1.30 column differs from 1.32 by one upstream change: before 1.31, etcd served every consistent LIST, a quorum read whose reply crosses the resource's etcd connections. The article does not mention it." }</li>
                <li>{ "The article's Nomad column is modelled as Kubernetes' request path with the store in-process (one raft member, no network hop, no webhooks): the architecture the article contrasts, not Nomad itself." }</li>
                <li>{ "Sources: the article's figures from article.md; the method of each row under its name; the capacity search in src/sim/studies/capacity.rs (probes of 60 s, confirmed over 90 s)." }</li>
            </ul>
        </section>
    }
}
