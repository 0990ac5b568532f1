use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LatencyChartProps {
    /// the layer with axes and labels (redrawn when ranges change)
    pub axes: NodeRef,
    /// the layer with the lines (redrawn every frame)
    pub data: NodeRef,
}

/// The two stacked canvases of the latency chart and its legend; drawing is
/// done by the animation loop (see `ui/chart.rs`). The swatch colours in the
/// stylesheet match `chart::P50_COLOUR` and `chart::P99_COLOUR`.
#[function_component(LatencyChart)]
pub fn latency_chart(props: &LatencyChartProps) -> Html {
    html! {
        <figure class="chart">
            <figcaption>
                { "Response time over the last 60 s of simulated time (log scale)" }
                <span class="legend">
                    <span class="swatch p50"></span>{ "p50" }
                    <span class="swatch p99"></span>{ "p99" }
                </span>
            </figcaption>
            <div class="layers" role="img" aria-label="Line chart of p50 and p99 response time over the last 60 simulated seconds">
                <canvas ref={props.axes.clone()} width="720" height="300"></canvas>
                <canvas ref={props.data.clone()} width="720" height="300" data-testid="latency-chart"></canvas>
            </div>
        </figure>
    }
}
