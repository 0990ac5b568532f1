use crate::ui::state::{Action, Switch};
use yew::prelude::*;

/// One choice of a mechanism switch.
#[derive(Clone, PartialEq)]
pub struct Choice {
    pub label: &'static str,
    pub value: Switch,
    /// the article's mechanism, not upstream Kubernetes'
    pub article: bool,
}

#[derive(Properties, PartialEq)]
pub struct SwitchProps {
    pub name: &'static str,
    pub choices: Vec<Choice>,
    pub current: Switch,
    pub ondispatch: Callback<Action>,
}

/// A segmented control (a radio group): one mechanism, its versions.
#[function_component(MechanismSwitch)]
pub fn mechanism_switch(props: &SwitchProps) -> Html {
    // Labels are ASCII; ASCII lowering keeps Unicode's case tables out of the page.
    let group = props.name.to_ascii_lowercase().replace(' ', "-");
    html! {
        <fieldset class="switch">
            <legend>{ props.name }</legend>
            { for props.choices.iter().map(|choice| {
                let value = choice.value;
                let dispatch = props.ondispatch.clone();
                let onchange = Callback::from(move |_: Event| dispatch.emit(Action::Switch(value)));
                let id = format!("{group}-{}", choice.label.to_ascii_lowercase().replace(' ', "-"));
                html! {
                    <label for={id.clone()} class={classes!(choice.article.then_some("article"))}>
                        <input type="radio" id={id} name={group.clone()} checked={value == props.current} {onchange} />
                        { choice.label }
                        if choice.article { <span class="tag" title="As the article describes: not in upstream Kubernetes">{ "article" }</span> }
                    </label>
                }
            }) }
        </fieldset>
    }
}
