use crate::lab::view::Panel;
use crate::ui::state::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TabsProps {
    pub panel: Panel,
    pub ondispatch: Callback<Action>,
}

/// The page's panels, as a tab list.
#[function_component(Tabs)]
pub fn tabs(props: &TabsProps) -> Html {
    html! {
        <nav class="panels" role="tablist" aria-label="Views">
            { for Panel::ALL.iter().map(|&panel| {
                let d = props.ondispatch.clone();
                let onclick = Callback::from(move |_| d.emit(Action::ShowPanel(panel)));
                html! {
                    <button role="tab" class="panel-tab" id={format!("tab-{}", panel.id())}
                        aria-selected={(panel == props.panel).to_string()}
                        aria-controls={format!("panel-{}", panel.id())} {onclick}>
                        { panel.title() }
                    </button>
                }
            }) }
        </nav>
    }
}
