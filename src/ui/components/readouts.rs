use yew::prelude::*;

/// The readouts' text nodes. The refresher writes into them directly:
/// numbers change several times a second without any component
/// re-rendering.
#[derive(Clone, PartialEq, Default)]
pub struct ReadoutRefs {
    pub p99: NodeRef,
    pub p50: NodeRef,
    pub throughput: NodeRef,
    pub rejected: NodeRef,
    pub timeouts: NodeRef,
    pub sim_time: NodeRef,
    pub sim_speed: NodeRef,
    /// what the latency readouts leave out when requests fail
    pub failed_note: NodeRef,
    /// the resource that limits the control plane now (shown in the
    /// diagram's legend, where it costs no height)
    pub limit: NodeRef,
    /// each API server's clients or state (in the legend too; empty for
    /// a single server)
    pub servers: NodeRef,
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
        <>
        <dl class="readouts" aria-live="off">
            { item("p99 latency", "p99-latency", &refs.p99, "99th percentile latency of API requests (mutating, reads, LISTs), last 10 simulated seconds") }
            { item("p50 latency", "p50-latency", &refs.p50, "median latency of API requests, last 10 simulated seconds") }
            { item("Throughput", "throughput", &refs.throughput, "API requests completed per simulated second, last 10 s") }
            { item("429s", "rejected-rate", &refs.rejected, "requests rejected with HTTP 429 per simulated second, last 10 s") }
            { item("Timeouts", "timeout-rate", &refs.timeouts, "requests timed out or failed per simulated second, last 10 s") }
            { item("Simulated time", "sim-time", &refs.sim_time, "the simulation's clock") }
            { item("Speed", "sim-speed", &refs.sim_speed, "simulated seconds per real second, as achieved") }
        </dl>
        <p class="failed-note" data-testid="failed-note" ref={refs.failed_note.clone()} hidden=true></p>
        </>
    }
}
