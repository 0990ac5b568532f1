use crate::lab::charts::diagram::Layout;
use crate::lab::mechanisms::Part;
use crate::ui::diagram::{HEIGHT, WIDTH};
use crate::ui::state::Action;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub canvas: NodeRef,
    /// where a click on a part asks for its explanation (none in embeds)
    #[prop_or_default]
    pub ondispatch: Option<Callback<Action>>,
    /// where the refresher writes what limits the control plane now
    #[prop_or_default]
    pub limit: Option<NodeRef>,
    /// where the API servers' line goes
    #[prop_or_default]
    pub servers: Option<NodeRef>,
}

/// The request path's canvas; the animation loop draws it (`ui/diagram.rs`).
/// On the page it is also an interface: clicking a part, or its button
/// under the drawing, opens that part's explanation and its tip.
#[function_component(DiagramView)]
pub fn diagram_view(props: &DiagramProps) -> Html {
    let onclick = props.ondispatch.clone().map(|d| {
        Callback::from(move |event: MouseEvent| {
            let Some(canvas) = event.target_dyn_into::<HtmlCanvasElement>() else {
                return;
            };
            let rect = canvas.get_bounding_client_rect();
            if rect.width() <= 0.0 || rect.height() <= 0.0 {
                return;
            }
            // From CSS pixels to the drawing's own.
            let x = (event.client_x() as f64 - rect.left()) * canvas.width() as f64 / rect.width();
            let y = (event.client_y() as f64 - rect.top()) * canvas.height() as f64 / rect.height();
            let tall = canvas
                .parent_element()
                .and_then(|f| f.get_attribute("data-layout"))
                .is_some_and(|l| l == "tall");
            let layout = if tall { Layout::Tall } else { Layout::Wide };
            if let Some(part) = layout.part_at(x, y) {
                d.emit(Action::Explain(part));
            }
        })
    });
    let parts = props.ondispatch.clone().map(|d| {
        html! {
            <nav class="parts" aria-label="Explain a part of the request path">
                <span>{ "What is… " }</span>
                { for Part::ALL.into_iter().map(|part| {
                    let d = d.clone();
                    let onclick = Callback::from(move |_| d.emit(Action::Explain(part)));
                    html! { <button class="link" {onclick}>{ part.label() }</button> }
                }) }
            </nav>
        }
    });
    let clickable = onclick.is_some();
    html! {
        <figure class={classes!("diagram", clickable.then_some("clickable"))}>
            <canvas
                ref={props.canvas.clone()}
                width={WIDTH.to_string()}
                height={HEIGHT.to_string()}
                role="img"
                aria-label="The request path: clients, flow control with seats and queues per priority level, admission webhooks, watch cache locks, etcd connections and etcd, with requests moving as dots coloured by class"
                data-testid="diagram"
                {onclick}
            ></canvas>
            <figcaption class="legend">
                <span class="dot mutating"></span>{ "mutating" }
                <span class="dot read"></span>{ "read" }
                <span class="dot list"></span>{ "LIST" }
                if let Some(limit) = &props.limit {
                    <span class="limit-now" title="the finite resource busiest over the last 10 simulated seconds (seats, etcd's cores and apply loop, its connections, the watch cache's locks and dispatchers), from the model's own utilisations; at 90% or more it is what limits the control plane">
                        { "Limit now: " }<strong data-testid="limit-now" ref={limit.clone()}>{ "–" }</strong>
                    </span>
                }
                if let Some(servers) = &props.servers {
                    <span class="servers-now" data-testid="servers-now" ref={servers.clone()}></span>
                }
                <span class="note">{ "Dots are a sample of real requests, placed by their stage; hops back to the clients are real 429s (vermillion) and timeouts (orange). Click a part to have it explained." }</span>
            </figcaption>
            { for parts }
        </figure>
    }
}
