use crate::lab::charts::QUEUE_COLOURS;
use crate::lab::view::ChartClass;
use crate::sim::models::flow_control::FlowControlKind;
use crate::ui::state::Action;
use yew::prelude::*;

#[derive(Clone, PartialEq, Default)]
pub struct ChartRefs {
    pub latency_axes: NodeRef,
    pub latency_data: NodeRef,
    pub rates_axes: NodeRef,
    pub rates_data: NodeRef,
    pub queue_axes: NodeRef,
    pub queue_data: NodeRef,
    pub histogram_axes: NodeRef,
    pub histogram_data: NodeRef,
}

/// The queues the queue-depth chart shows for a flow control, in the order
/// of its snapshot (the same order colours them).
pub fn queue_names(kind: FlowControlKind) -> &'static [&'static str] {
    match kind {
        FlowControlKind::Apf => &[
            "exempt",
            "catch-all",
            "system",
            "node-high",
            "leader-election",
            "workload-high",
            "workload-low",
            "global-default",
        ],
        FlowControlKind::MaxInflight => &[],
        FlowControlKind::ArticleQueue => &["all", "mutating", "read", "webhook"],
    }
}

/// A chart's two stacked canvases (`.layers`): the axes, which the
/// animation loop redraws only when a range changes, under the data, which
/// it redraws every frame (see `ui/chart.rs`). `label` names the chart for
/// screen readers; the data layer carries the test id.
pub fn layers(
    label: &'static str,
    (width, height): (u32, u32),
    axes: &NodeRef,
    data: &NodeRef,
    test_id: &'static str,
) -> Html {
    let (width, height) = (width.to_string(), height.to_string());
    html! {
        <div class="layers" role="img" aria-label={label}>
            <canvas ref={axes.clone()} width={width.clone()} height={height.clone()}></canvas>
            <canvas ref={data.clone()} {width} {height} data-testid={test_id}></canvas>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    pub refs: ChartRefs,
    pub class: ChartClass,
    pub flow_control: FlowControlKind,
    pub ondispatch: Callback<Action>,
}

/// Two live charts over the last 60 simulated seconds: latency quantiles of
/// one class against its SLO, and throughput with 429s and timeouts. The
/// animation loop draws them (see `ui/chart.rs`).
#[function_component(Charts)]
pub fn charts(props: &ChartsProps) -> Html {
    let r = &props.refs;
    html! {
        <div class="charts">
            <figure class="chart">
                <figcaption>
                    <span role="tablist" aria-label="Request class">
                        { for ChartClass::ALL.into_iter().map(|class| {
                            let d = props.ondispatch.clone();
                            let onclick = Callback::from(move |_| d.emit(Action::Chart(class)));
                            html! { <button role="tab" class="tab" aria-selected={(class == props.class).to_string()} {onclick}>{ class.label() }</button> }
                        }) }
                    </span>
                    <span class="legend">
                        <span class="swatch p50"></span>{ "p50" }
                        <span class="swatch p90"></span>{ "p90" }
                        <span class="swatch p99"></span>{ "p99" }
                        if let Some(legend) = props.class.legend() { <span class="swatch slo"></span>{ legend } }
                        <span class="swatch failed" title="The share of this class's requests ended in each second that failed (429 or timeout), hanging from the top: a quarter of the height is all of them. The quantiles are of the completed requests only."></span>{ "failed share" }
                    </span>
                </figcaption>
                { layers("Latency p50, p90 and p99 of the chosen class over the last 60 simulated seconds, log scale, against its SLO where it has one, with the share that failed and the run's changes marked", (720, 260), &r.latency_axes, &r.latency_data, "latency-chart") }
            </figure>
            <figure class="chart">
                <figcaption>
                    { "Requests per second" }
                    <span class="legend">
                        <span class="swatch done"></span>{ "completed" }
                        <span class="swatch rejected"></span>{ "429" }
                        <span class="swatch timedout"></span>{ "timed out" }
                    </span>
                </figcaption>
                { layers("Completed, rejected and timed-out requests per simulated second over the last 60 seconds", (720, 200), &r.rates_axes, &r.rates_data, "rates-chart") }
            </figure>
            <figure class="chart">
                <figcaption>
                    { "Requests waiting, per queue" }
                    <span class="legend">
                        if props.flow_control == FlowControlKind::MaxInflight {
                            { "max inflight has no queues: over the limit, a request gets 429 at once" }
                        }
                        { for queue_names(props.flow_control).iter().enumerate().map(|(i, name)| {
                            let c = QUEUE_COLOURS[i % QUEUE_COLOURS.len()];
                            html! { <><span class={classes!("swatch", format!("q{i}"))} data-colour={format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)}></span>{ *name }</> }
                        }) }
                    </span>
                </figcaption>
                { layers("Requests waiting in each priority level's queues over the last 60 simulated seconds", (720, 200), &r.queue_axes, &r.queue_data, "queue-chart") }
            </figure>
            <figure class="chart">
                <figcaption>
                    { "API request latency, last 10 s, in apiserver_request_duration_seconds buckets" }
                    <span class="legend"><span class="swatch p50"></span>{ "≤ 1 s" }<span class="swatch p99"></span>{ "over 1 s" }</span>
                </figcaption>
                { layers("Histogram of API request latencies over the last 10 simulated seconds in the API server's metric buckets", (720, 200), &r.histogram_axes, &r.histogram_data, "histogram-chart") }
            </figure>
        </div>
    }
}
