use crate::lab::controls::Control;
use crate::lab::format;
use crate::ui::state::Action;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SliderProps {
    /// a control whose input is a slider
    pub control: Control,
    pub value: f64,
    pub ondispatch: Callback<Action>,
    /// why an imported file's value for this control was refused
    #[prop_or_default]
    pub error: Option<String>,
}

/// A labelled slider with its numeric readout. The input runs over 0-1000
/// positions mapped to the control's range (logarithmically where the range
/// spans decades); arrow keys, Page Up/Down, Home and End work as for any
/// native range input, and the accessible name is the visible label.
#[function_component(Slider)]
pub fn slider(props: &SliderProps) -> Html {
    let control = props.control;
    let row = control.row();
    let Some(range) = row.range() else {
        return html! {};
    };
    let oninput = {
        let dispatch = props.ondispatch.clone();
        Callback::from(move |event: InputEvent| {
            let position = event
                .target_unchecked_into::<HtmlInputElement>()
                .value_as_number();
            if position.is_finite() {
                dispatch.emit(Action::Set(control, range.from_position(position)));
            }
        })
    };
    let text = format::slider_readout(control, props.value);
    let readout_id = format!("{}-value", row.key);
    let hint_id = format!("{}-hint", row.key);
    html! {
        <div class="slider">
            <div class="slider-head">
                <label for={row.key}>{ row.label }</label>
                <output id={readout_id.clone()} for={row.key} data-testid={readout_id}>{ text.clone() }</output>
            </div>
            <input
                type="range"
                id={row.key}
                aria-label={row.label}
                aria-valuetext={text}
                aria-describedby={hint_id.clone()}
                min="0"
                max="1000"
                step="1"
                value={range.to_position(props.value).to_string()}
                {oninput}
            />
            <p class="hint" id={hint_id}>{ row.hint }</p>
            if let Some(error) = &props.error {
                <p class="error field-error" role="alert" data-testid={format!("{}-error", row.key)}>{ error.clone() }</p>
            }
        </div>
    }
}
