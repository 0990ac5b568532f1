use crate::ui::diagram::{HEIGHT, WIDTH};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub canvas: NodeRef,
}

/// The request path's canvas; the animation loop draws it (`ui/diagram.rs`).
#[function_component(DiagramView)]
pub fn diagram_view(props: &DiagramProps) -> Html {
    html! {
        <figure class="diagram">
            <canvas
                ref={props.canvas.clone()}
                width={WIDTH.to_string()}
                height={HEIGHT.to_string()}
                role="img"
                aria-label="The request path: clients, flow control with seats and queues per priority level, admission webhooks, watch cache locks, etcd connections and etcd, with requests moving as dots coloured by class"
                data-testid="diagram"
            ></canvas>
            <figcaption class="legend">
                <span class="dot mutating"></span>{ "mutating" }
                <span class="dot read"></span>{ "read" }
                <span class="dot list"></span>{ "LIST" }
                <span class="note">{ "Dots are a sample of real requests, placed by their stage; hops back to the clients are real 429s (vermillion) and timeouts (orange)." }</span>
            </figcaption>
        </figure>
    }
}
