use crate::ui::format;
use crate::ui::state::{Action, Knob};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SliderProps {
    pub knob: Knob,
    pub value: f64,
    pub ondispatch: Callback<Action>,
    /// why an imported file's value for this control was refused
    #[prop_or_default]
    pub error: Option<String>,
}

/// A labelled slider with its numeric readout. The input runs over 0-1000
/// positions mapped to the knob's range (logarithmically where the range
/// spans decades); arrow keys, Page Up/Down, Home and End work as for any
/// native range input, and the accessible name is the visible label.
#[function_component(Slider)]
pub fn slider(props: &SliderProps) -> Html {
    let knob = props.knob;
    let range = knob.range();
    let oninput = {
        let dispatch = props.ondispatch.clone();
        Callback::from(move |event: InputEvent| {
            let position = event
                .target_unchecked_into::<HtmlInputElement>()
                .value_as_number();
            if position.is_finite() {
                dispatch.emit(Action::Set(knob, range.from_position(position)));
            }
        })
    };
    let shown = format::knob_value(knob, props.value);
    let unit = knob.unit();
    let text = if unit.is_empty() {
        shown.clone()
    } else {
        format!("{shown} {unit}")
    };
    let readout_id = format!("{}-value", knob.id());
    html! {
        <div class="slider">
            <div class="slider-head">
                <label for={knob.id()}>{ knob.label() }</label>
                <output id={readout_id.clone()} for={knob.id()} data-testid={readout_id}>{ text.clone() }</output>
            </div>
            <input
                type="range"
                id={knob.id()}
                aria-label={knob.label()}
                aria-valuetext={text}
                min="0"
                max="1000"
                step="1"
                value={range.to_position(props.value).to_string()}
                {oninput}
            />
            <p class="hint">{ knob.hint() }</p>
            if let Some(error) = &props.error {
                <p class="error field-error" role="alert" data-testid={format!("{}-error", knob.id())}>{ error.clone() }</p>
            }
        </div>
    }
}
