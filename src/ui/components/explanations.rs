use crate::lab::controls::Control;
use crate::lab::mechanisms::{MECHANISMS, Part};
use crate::ui::state::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ExplanationsProps {
    /// the part of the diagram the reader asked about
    pub explained: Option<Part>,
    /// on a phone, whether the controls' drawer is open
    pub drawer_open: bool,
    pub ondispatch: Callback<Action>,
}

/// Brings a control into view and focus (a slider's input, a switch's
/// checked choice, a fault's button), opening the drawer on a phone.
fn go_to(control: Control, drawer_open: bool, d: &Callback<Action>) {
    if !drawer_open && crate::ui::diagram::media("(max-width: 700px)") {
        d.emit(Action::ToggleDrawer);
    }
    let key = control.row().key;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let target = document
        .get_element_by_id(key)
        .or_else(|| {
            document
                .query_selector(&format!("#control-{key} input:checked"))
                .ok()
                .flatten()
        })
        .or_else(|| document.get_element_by_id(&format!("control-{key}")));
    if let Some(element) =
        target.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        element.scroll_into_view();
        let _ = element.focus();
    }
}

/// The explanation of each mechanism, labelled upstream or article, each
/// with its tip as a story to try; the part the reader clicked in the
/// diagram opens and comes into view.
#[function_component(Explanations)]
pub fn explanations(props: &ExplanationsProps) -> Html {
    let explained = props.explained;
    use_effect_with(explained, move |explained| {
        let first = explained.and_then(|part| MECHANISMS.iter().position(|m| m.part == part));
        if let Some(element) = first.and_then(|i| {
            web_sys::window()?
                .document()?
                .get_element_by_id(&format!("mechanism-{i}"))
        }) {
            element.scroll_into_view();
        }
    });
    html! {
        <section class="explanations" aria-label="How each mechanism works">
            <h2>{ "The mechanisms" }</h2>
            { for MECHANISMS.iter().enumerate().map(|(i, m)| {
                let (class, label) = if m.article {
                    ("origin article", "As the article describes (not in upstream Kubernetes)")
                } else {
                    ("origin upstream", "Upstream Kubernetes")
                };
                let tip = m.tip().map(|story| {
                    let d = props.ondispatch.clone();
                    let onclick = Callback::from(move |_| d.emit(Action::BeginStory(story.id)));
                    html! {
                        <p class="try">
                            <strong>{ story.title }</strong>{ ". " }{ story.steps.first().map_or("", |s| s.text) }{ " " }
                            <button class="link" {onclick} data-testid="try-story">{ "Try it, step by step" }</button>
                        </p>
                    }
                });
                let controls = html! {
                    <p class="its-controls"><span>{ "Set it: " }</span>
                        { for m.controls.iter().map(|&control| {
                            let (d, open) = (props.ondispatch.clone(), props.drawer_open);
                            let onclick = Callback::from(move |_: MouseEvent| go_to(control, open, &d));
                            html! { <button class="link" {onclick}>{ control.row().label }</button> }
                        }) }
                    </p>
                };
                html! {
                    <details class="panel" id={format!("mechanism-{i}")} open={explained == Some(m.part)}>
                        <summary>{ m.title }<span class={class}>{ label }</span></summary>
                        <p>{ m.what }</p>
                        { controls }
                        { for tip }
                        <p class="source">{ "Source: " }{ m.source }</p>
                    </details>
                }
            }) }
        </section>
    }
}
