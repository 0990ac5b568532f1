use super::share::ImportError;
use super::slider::Slider;
use super::switch::MechanismSwitch;
use crate::lab::controls::{CONTROLS, Input};
use crate::lab::params::Params;
use crate::ui::state::Action;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub params: Params,
    pub ondispatch: Callback<Action>,
    /// an imported file's error, shown at the slider it concerns
    #[prop_or_default]
    pub import_error: Option<ImportError>,
}

/// Run controls, then every row of the control table: the mechanism
/// switches, the faults and the sliders.
#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let p = &props.params;
    let d = props.ondispatch.clone();
    let send = |action: Action| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(action.clone()))
    };
    let onseed = {
        let d = d.clone();
        Callback::from(move |event: Event| {
            let text = event.target_unchecked_into::<HtmlInputElement>().value();
            // A seed is a whole number; anything else is ignored.
            if let Ok(seed) = text.trim().parse::<u64>() {
                d.emit(Action::SetSeed(seed));
            }
        })
    };
    let playing = p.playback.playing;
    let switches = CONTROLS
        .iter()
        .filter(|r| matches!(r.input, Input::Switch(_)));
    let faults = CONTROLS
        .iter()
        .filter(|r| matches!(r.input, Input::Toggle | Input::Press));
    let sliders = CONTROLS.iter().filter(|r| r.range().is_some());
    html! {
        <section class="controls" aria-label="Controls">
            <div class="run">
                <button class="play" onclick={send(Action::TogglePlay)} aria-pressed={(!playing).to_string()} aria-keyshortcuts="Space">
                    { if playing { "Pause" } else { "Play" } }
                </button>
                <button onclick={send(Action::Step)} disabled={playing} title="Advance 0.1 simulated seconds">{ "Step" }</button>
                <button onclick={send(Action::Reset)} title="Start again with the same settings and seed">{ "Reset" }</button>
                <label class="seed">{ "Seed " }
                    <input type="number" min="0" value={p.run.seed.to_string()} onchange={onseed} aria-label="Seed" />
                </label>
                <button class="help-button" onclick={send(Action::ToggleHelp)} aria-keyshortcuts="?">{ "?" }</button>
            </div>
            { for switches.map(|row| html! {
                <MechanismSwitch control={row.control} current={p.get(row.control) as usize} ondispatch={d.clone()} />
            }) }
            <fieldset class="faults">
                <legend>{ "Faults" }</legend>
                { for faults.map(|row| match row.input {
                    Input::Toggle => html! {
                        <button onclick={send(Action::Toggle(row.control))} aria-pressed={(p.get(row.control) != 0.0).to_string()} title={row.hint}>{ row.label }</button>
                    },
                    _ => html! {
                        <button onclick={send(Action::Press(row.control))} title={row.hint}>{ row.label }</button>
                    },
                }) }
            </fieldset>
            { for sliders.map(|row| {
                let control = row.control;
                let error = props.import_error.as_ref().filter(|e| e.control == Some(control)).map(|e| e.message.clone());
                html! { <Slider {control} value={p.get(control)} ondispatch={d.clone()} {error} /> }
            }) }
        </section>
    }
}
