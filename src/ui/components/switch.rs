use crate::lab::controls::Control;
use crate::ui::state::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SwitchProps {
    /// a control whose input is a switch
    pub control: Control,
    /// the index of the current choice
    pub current: usize,
    pub ondispatch: Callback<Action>,
}

/// A segmented control (a radio group): one mechanism, its versions.
#[function_component(MechanismSwitch)]
pub fn mechanism_switch(props: &SwitchProps) -> Html {
    let row = props.control.row();
    // Labels are ASCII; ASCII lowering keeps Unicode's case tables out of the page.
    let group = row.label.to_ascii_lowercase().replace(' ', "-");
    html! {
        <fieldset class="switch" title={row.hint} id={format!("control-{}", row.key)}>
            <legend>{ row.label }</legend>
            { for row.choices().iter().enumerate().map(|(index, choice)| {
                let (control, dispatch) = (props.control, props.ondispatch.clone());
                let onchange = Callback::from(move |_: Event| dispatch.emit(Action::Choose(control, index)));
                let id = format!("{group}-{}", choice.label.to_ascii_lowercase().replace(' ', "-"));
                html! {
                    <label for={id.clone()} class={classes!(choice.origin.tag().map(|(tag, _)| tag))}>
                        <input type="radio" id={id} name={group.clone()} checked={index == props.current} {onchange} />
                        { choice.label }
                        if let Some((tag, title)) = choice.origin.tag() { <span class="tag" {title}>{ tag }</span> }
                    </label>
                }
            }) }
        </fieldset>
    }
}
