use crate::ui::state::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub ondispatch: Callback<Action>,
}

/// The keyboard help, opened with `?`.
#[function_component(Help)]
pub fn help(props: &HelpProps) -> Html {
    let d = props.ondispatch.clone();
    let onclose = Callback::from(move |_| d.emit(Action::ToggleHelp));
    html! {
        <div class="help" role="dialog" aria-modal="false" aria-label="Keyboard help">
            <h2>{ "Keyboard" }</h2>
            <dl>
                <dt><kbd>{ "Space" }</kbd></dt><dd>{ "Play / pause" }</dd>
                <dt><kbd>{ "." }</kbd></dt><dd>{ "Step 0.1 simulated seconds (while paused)" }</dd>
                <dt><kbd>{ "R" }</kbd></dt><dd>{ "Reset: a new run with the same settings" }</dd>
                <dt><kbd>{ "?" }</kbd></dt><dd>{ "Show or hide this help" }</dd>
                <dt><kbd>{ "← →" }</kbd></dt><dd>{ "On a focused tab: the previous or next tab" }</dd>
                <dt><kbd>{ "Tab" }</kbd></dt><dd>{ "Move between controls" }</dd>
                <dt><kbd>{ "← → ↑ ↓" }</kbd></dt><dd>{ "Move a focused slider by a step" }</dd>
                <dt><kbd>{ "Page Up / Page Down" }</kbd></dt><dd>{ "Move a focused slider by a tenth" }</dd>
                <dt><kbd>{ "Home / End" }</kbd></dt><dd>{ "A focused slider to its minimum / maximum" }</dd>
            </dl>
            <button onclick={onclose}>{ "Close" }</button>
        </div>
    }
}
