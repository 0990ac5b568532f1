use crate::lab::view::Panel;
use crate::ui::state::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TabsProps {
    pub panel: Panel,
    pub ondispatch: Callback<Action>,
}

/// A tab list's keys (WAI-ARIA's tabs pattern): ← and → select and focus
/// the previous or next tab, Home and End the first and last.
fn arrows(d: Callback<Action>, panel: Panel) -> Callback<KeyboardEvent> {
    Callback::from(move |event: KeyboardEvent| {
        let all = Panel::ALL;
        let at = all.iter().position(|p| *p == panel).unwrap_or(0);
        let next = match event.key().as_str() {
            "ArrowRight" => all[(at + 1) % all.len()],
            "ArrowLeft" => all[(at + all.len() - 1) % all.len()],
            "Home" => all[0],
            "End" => all[all.len() - 1],
            _ => return,
        };
        event.prevent_default();
        d.emit(Action::ShowPanel(next));
        if let Some(tab) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|doc| doc.get_element_by_id(&format!("tab-{}", next.id())))
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = tab.focus();
        }
    })
}

/// The page's panels, as a tab list.
#[function_component(Tabs)]
pub fn tabs(props: &TabsProps) -> Html {
    html! {
        <nav class="panels" role="tablist" aria-label="Views">
            { for Panel::ALL.iter().map(|&panel| {
                let d = props.ondispatch.clone();
                let onclick = Callback::from(move |_| d.emit(Action::ShowPanel(panel)));
                let selected = panel == props.panel;
                html! {
                    <button role="tab" class="panel-tab" id={format!("tab-{}", panel.id())}
                        aria-selected={selected.to_string()} tabindex={if selected { "0" } else { "-1" }}
                        aria-controls={format!("panel-{}", panel.id())} {onclick} onkeydown={arrows(props.ondispatch.clone(), panel)}>
                        { panel.title() }
                    </button>
                }
            }) }
        </nav>
    }
}
