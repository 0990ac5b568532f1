use yew::prelude::*;

/// The readouts' text nodes. The animation loop's refresher writes into
/// them directly: numbers change several times a second without any
/// component re-rendering.
#[derive(Clone, PartialEq, Default)]
pub struct ReadoutRefs {
    pub p99: NodeRef,
    pub p50: NodeRef,
    pub throughput: NodeRef,
    pub queue: NodeRef,
    pub busy: NodeRef,
    pub sim_time: NodeRef,
    pub sim_speed: NodeRef,
}

#[derive(Properties, PartialEq)]
pub struct ReadoutsProps {
    pub refs: ReadoutRefs,
}

#[function_component(Readouts)]
pub fn readouts(props: &ReadoutsProps) -> Html {
    let refs = &props.refs;
    let item = |label: &str, test_id: &str, node: &NodeRef, title: &str| {
        html! {
            <div class="readout" title={title.to_owned()}>
                <dt>{ label }</dt>
                <dd data-testid={test_id.to_owned()} ref={node.clone()}>{ "–" }</dd>
            </div>
        }
    };
    html! {
        <dl class="readouts" aria-live="off">
            { item("p99 latency", "p99-latency", &refs.p99, "99th percentile response time over the last 10 simulated seconds") }
            { item("p50 latency", "p50-latency", &refs.p50, "median response time over the last 10 simulated seconds") }
            { item("Throughput", "throughput", &refs.throughput, "requests completed per simulated second, last 10 s") }
            { item("Waiting", "queue-length", &refs.queue, "requests waiting for a seat now") }
            { item("Seats busy", "seats-busy", &refs.busy, "seats serving a request now, of the seats available") }
            { item("Simulated time", "sim-time", &refs.sim_time, "the simulation's clock") }
            { item("Speed", "sim-speed", &refs.sim_speed, "simulated seconds per real second, as achieved") }
        </dl>
    }
}
