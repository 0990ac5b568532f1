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
    let toggles = CONTROLS.iter().filter(|r| matches!(r.input, Input::Toggle));
    let presses = CONTROLS.iter().filter(|r| matches!(r.input, Input::Press));
    let sliders = CONTROLS.iter().filter(|r| r.range().is_some());
    html! {
        <section class="controls" id="controls" aria-label="Controls">
            <div class="run">
                <button class="play" onclick={send(Action::TogglePlay)} aria-pressed={(!playing).to_string()} aria-keyshortcuts="Space">
                    { if playing { "Pause" } else { "Play" } }
                </button>
                <button onclick={send(Action::Step)} disabled={playing} title="Advance 0.1 simulated seconds" aria-keyshortcuts=".">{ "Step" }</button>
                <button onclick={send(Action::Reset)} title="Start again with the same settings and seed" aria-keyshortcuts="R">{ "Reset" }</button>
                <label class="seed">{ "Seed " }
                    <input type="number" min="0" value={p.run.seed.to_string()} onchange={onseed} aria-label="Seed" />
                </label>
                <button class="help-button" onclick={send(Action::ToggleHelp)} aria-keyshortcuts="?">{ "?" }</button>
            </div>
            { for switches.map(|row| html! {
                <MechanismSwitch control={row.control} current={p.get(row.control) as usize} ondispatch={d.clone()} />
            }) }
            // A fault that lasts is a switch (pressed until turned off); a
            // one-shot fault is an event, counted, never "on".
            <fieldset class="faults">
                <legend>{ "Faults" }</legend>
                <div class="fault-group" role="group" aria-labelledby="faults-lasting">
                    <span id="faults-lasting" class="fault-kind">{ "Until turned off" }</span>
                    { for toggles.map(|row| {
                        let on = p.get(row.control) != 0.0;
                        html! {
                            <button class="lasting" id={format!("control-{}", row.key)} onclick={send(Action::Toggle(row.control))} aria-pressed={on.to_string()} title={row.hint}>
                                <span class="mark" aria-hidden="true">{ if on { "● " } else { "○ " } }</span>{ row.label }
                            </button>
                        }
                    }) }
                </div>
                <div class="fault-group" role="group" aria-labelledby="faults-once">
                    <span id="faults-once" class="fault-kind">{ "Once, now" }</span>
                    { for presses.map(|row| {
                        let times = p.get(row.control) as u64;
                        html! {
                            <span class="once">
                                <button class="once" id={format!("control-{}", row.key)} onclick={send(Action::Press(row.control))} title={row.hint}>
                                    <span class="mark" aria-hidden="true">{ "↯ " }</span>{ row.label }
                                </button>
                                if times > 0 { <span class="times" data-testid={format!("{}-times", row.key)}>{ format!("×{times}") }</span> }
                            </span>
                        }
                    }) }
                </div>
            </fieldset>
            { for sliders.map(|row| {
                let control = row.control;
                let error = props.import_error.as_ref().filter(|e| e.control == Some(control)).map(|e| e.message.clone());
                html! { <Slider {control} value={p.get(control)} ondispatch={d.clone()} {error} /> }
            }) }
        </section>
    }
}
