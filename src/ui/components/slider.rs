use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SliderProps {
    /// element id, also ties the visible label to the input
    pub id: AttrValue,
    /// visible label and accessible name
    pub label: AttrValue,
    /// unit shown after the value ("req/s")
    #[prop_or_default]
    pub unit: AttrValue,
    pub min: f64,
    pub max: f64,
    pub step: f64,
    pub value: f64,
    /// the value as the readout shows it
    pub display: AttrValue,
    /// a one-line hint under the slider
    #[prop_or_default]
    pub hint: AttrValue,
    pub oninput: Callback<f64>,
}

/// A labelled range input with its numeric readout. Arrow keys, Page Up/Down,
/// Home and End work as for any native range input.
#[function_component(Slider)]
pub fn slider(props: &SliderProps) -> Html {
    let oninput = {
        let callback = props.oninput.clone();
        Callback::from(move |event: InputEvent| {
            let value = event
                .target_unchecked_into::<HtmlInputElement>()
                .value_as_number();
            if value.is_finite() {
                callback.emit(value);
            }
        })
    };
    let readout_id = format!("{}-value", props.id);
    html! {
        <div class="slider">
            <div class="slider-head">
                <label for={props.id.clone()}>{ &props.label }</label>
                <output id={readout_id.clone()} for={props.id.clone()} data-testid={readout_id.clone()}>
                    { &props.display }{ if props.unit.is_empty() { String::new() } else { format!(" {}", props.unit) } }
                </output>
            </div>
            <input
                type="range"
                id={props.id.clone()}
                aria-label={props.label.clone()}
                aria-valuetext={format!("{} {}", props.display, props.unit)}
                min={props.min.to_string()}
                max={props.max.to_string()}
                step={props.step.to_string()}
                value={props.value.to_string()}
                {oninput}
            />
            if !props.hint.is_empty() {
                <p class="hint">{ &props.hint }</p>
            }
        </div>
    }
}
