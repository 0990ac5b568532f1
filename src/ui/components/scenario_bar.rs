use crate::lab::params::{Base, Params};
use crate::lab::story::Story;
use crate::sim::studies::catalog::{CATALOG, Group};
use crate::ui::state::Action;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ScenarioBarProps {
    pub params: Params,
    pub ondispatch: Callback<Action>,
}

/// The scenario picker: the article's presets, the teaching scenarios and
/// the case study, with what the chosen one models and its guide.
#[function_component(ScenarioBar)]
pub fn scenario_bar(props: &ScenarioBarProps) -> Html {
    let base = props.params.run.base.clone();
    // The chosen scenario's texts, read again only when it changes.
    let about = use_memo(base.clone(), |_| {
        props
            .params
            .base_scenario()
            .map(|s| (s.name, s.description, s.guide))
            .unwrap_or_default()
    });
    let (name, description, guide) = (*about).clone();
    let onchange = {
        let d = props.ondispatch.clone();
        Callback::from(move |event: Event| {
            let id = event.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(entry) = CATALOG.iter().find(|e| e.id == id) {
                d.emit(Action::SelectPreset(entry.id));
            }
        })
    };
    let current = props.params.preset_id().unwrap_or("");
    let article = current == "k8s-1.32-article";
    let teaching = props
        .params
        .preset_id()
        .and_then(crate::sim::studies::catalog::find)
        .is_some_and(|e| e.group == Group::Teaching);
    let group = |title: &'static str, groups: &'static [Group]| {
        html! {
            <optgroup label={title}>
                { for CATALOG.iter().filter(|e| groups.contains(&e.group) && e.on_the_page()).map(|e| {
                    let label = e.scenario().map(|s| s.name).unwrap_or_else(|_| e.id.to_owned());
                    html! { <option value={e.id} selected={e.id == current}>{ label }</option> }
                }) }
            </optgroup>
        }
    };
    html! {
        <section class="scenario" aria-label="Scenario">
            <label class="picker">
                <span>{ "Scenario" }</span>
                <select {onchange} aria-label="Scenario" data-testid="scenario-picker">
                    if let Base::Imported(_) = base {
                        <option value="" selected=true>{ format!("Imported: {name}") }</option>
                    }
                    { group("The article's versions (1,000 nodes)", &[Group::Preset]) }
                    { group("Teaching scenarios", &[Group::Teaching]) }
                    { group("The article's case study", &[Group::Case]) }
                    { group("Questions people bring", &[Group::Question]) }
                    { group("More", &[Group::Example]) }
                </select>
            </label>
            <div class="about">
                <h2 data-testid="scenario-name">
                    { name.clone() }
                    if article { <span class="origin article">{ "As the article describes (not in upstream Kubernetes)" }</span> }
                </h2>
                <p class="description">{ description }</p>
                if let Some(story) = props.params.preset_id().and_then(Story::of_preset) {
                    <button class="primary tell" data-testid="tell-story" title={story.title} onclick={let d = props.ondispatch.clone(); Callback::from(move |_| d.emit(Action::BeginStory(story.id)))}>
                        { "Tell its story, step by step" }
                    </button>
                    // What the story shows, step by step: each step's promise
                    // is tested (tests/stories.rs), the scenario file's prose
                    // guide is for `cplab`. Closed: the button is the way in.
                    <details class="guide">
                        <summary>{ "What to watch, what to change" }</summary>
                        <ol data-testid="scenario-guide">
                            { for story.steps.iter().map(|step| html! { <li>{ step.text }</li> }) }
                        </ol>
                    </details>
                } else if !guide.is_empty() {
                    <details class="guide" open={teaching}>
                        <summary>{ "What to watch, what to change" }</summary>
                        <p data-testid="scenario-guide">{ guide }</p>
                    </details>
                }
            </div>
        </section>
    }
}
