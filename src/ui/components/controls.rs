use super::share::ImportError;
use super::slider::Slider;
use super::switch::{Choice, MechanismSwitch};
use crate::sim::models::control_plane::{Discovery, WebhookHandling};
use crate::sim::models::etcd::client::EtcdClientKind;
use crate::sim::models::flow_control::FlowControlKind;
use crate::sim::models::watch_cache::CacheLocking;
use crate::ui::state::{Action, Knob, Params, Switch};
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

fn choice(label: &'static str, value: Switch, article: bool) -> Choice {
    Choice {
        label,
        value,
        article,
    }
}

/// Run controls, mechanism switches, faults and sliders.
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
    html! {
        <section class="controls" aria-label="Controls">
            <div class="run">
                <button class="play" onclick={send(Action::TogglePlay)} aria-pressed={(!p.playing).to_string()} aria-keyshortcuts="Space">
                    { if p.playing { "Pause" } else { "Play" } }
                </button>
                <button onclick={send(Action::Step)} disabled={p.playing} title="Advance 0.1 simulated seconds">{ "Step" }</button>
                <button onclick={send(Action::Reset)} title="Start again with the same settings and seed">{ "Reset" }</button>
                <label class="seed">{ "Seed " }
                    <input type="number" min="0" value={p.seed.to_string()} onchange={onseed} aria-label="Seed" />
                </label>
                <button class="help-button" onclick={send(Action::ToggleHelp)} aria-keyshortcuts="?">{ "?" }</button>
            </div>
            <MechanismSwitch name="Flow control" current={Switch::FlowControl(p.flow_control)} ondispatch={d.clone()} choices={vec![
                choice("APF", Switch::FlowControl(FlowControlKind::Apf), false),
                choice("Max inflight", Switch::FlowControl(FlowControlKind::MaxInflight), false),
                choice("Priority queue", Switch::FlowControl(FlowControlKind::ArticleQueue), true),
            ]} />
            <MechanismSwitch name="Webhook handling" current={Switch::WebhookHandling(p.webhook_handling)} ondispatch={d.clone()} choices={vec![
                choice("Inline", Switch::WebhookHandling(WebhookHandling::Inline), false),
                choice("Dedicated limit", Switch::WebhookHandling(WebhookHandling::Dedicated), true),
            ]} />
            <MechanismSwitch name="Watch cache locking" current={Switch::CacheLocking(p.cache_locking)} ondispatch={d.clone()} choices={vec![
                choice("Per resource", Switch::CacheLocking(CacheLocking::PerResource), false),
                choice("Namespace shards", Switch::CacheLocking(CacheLocking::NamespaceShards), true),
            ]} />
            <MechanismSwitch name="etcd client" current={Switch::EtcdClient(p.etcd_client)} ondispatch={d.clone()} choices={vec![
                choice("Per resource", Switch::EtcdClient(EtcdClientKind::PerResource), false),
                choice("Pool", Switch::EtcdClient(EtcdClientKind::Pool), true),
            ]} />
            <MechanismSwitch name="Discovery" current={Switch::Discovery(p.discovery)} ondispatch={d.clone()} choices={vec![
                choice("Aggregated", Switch::Discovery(Discovery::Aggregated), false),
                choice("Legacy", Switch::Discovery(Discovery::Legacy), false),
            ]} />
            <MechanismSwitch name="Consistent LIST" current={Switch::ConsistentList(p.consistent_list_from_cache)} ondispatch={d.clone()} choices={vec![
                choice("From cache", Switch::ConsistentList(true), false),
                choice("From etcd", Switch::ConsistentList(false), false),
            ]} />
            <fieldset class="faults">
                <legend>{ "Faults" }</legend>
                <button onclick={send(Action::ToggleSlowWebhook)} aria-pressed={p.slow_webhook.to_string()}>{ "Slow webhook" }</button>
                <button onclick={send(Action::ToggleFsyncSpike)} aria-pressed={p.fsync_spike.to_string()}>{ "etcd fsync spike" }</button>
                <button onclick={send(Action::LeaderElection)}>{ "Leader election" }</button>
                <button onclick={send(Action::RestartStorm)}>{ "Client restart storm" }</button>
            </fieldset>
            { for Knob::ALL.iter().map(|&knob| {
                let error = props.import_error.as_ref().filter(|e| e.knob == Some(knob)).map(|e| e.message.clone());
                html! { <Slider {knob} value={p.get(knob)} ondispatch={d.clone()} {error} /> }
            }) }
        </section>
    }
}
