use crate::lab::claims::{CLAIMS, TIPS, Verdict};
use crate::lab::params::Params;
use crate::lab::story::Story;
use crate::lab::view::Panel;
use crate::ui::state::Action;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ClaimsProps {
    pub params: Params,
    pub ondispatch: Callback<Action>,
}

/// Every claim of the article with its verdict and source, a button that
/// opens the scenario testing it, and the article's tuning tips to try.
#[function_component(Claims)]
pub fn claims(props: &ClaimsProps) -> Html {
    // A button's new state: the claim's settings on the current view, shown
    // in the lab unless the claim opens another panel.
    let open = |apply: fn(&mut Params)| {
        let mut next = props.params.clone();
        next.view.panel = Panel::Lab;
        apply(&mut next);
        let next = Rc::new(next);
        let d = props.ondispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::Replace(next.clone())))
    };
    html! {
        <section class="claims" aria-labelledby="claims-title">
            <h2 id="claims-title">{ "The article's claims, checked" }</h2>
            <p class="lede">{ "Each claim in our words, its verdict against upstream Kubernetes 1.32 with the source, and a scenario that tests it." }</p>
            <ol class="claim-list">
                { for CLAIMS.iter().map(|claim| {
                    let class = match claim.verdict {
                        Verdict::Upstream => "verdict upstream",
                        Verdict::NotUpstream => "verdict not-upstream",
                        Verdict::Partly => "verdict partly",
                        Verdict::Unsupported => "verdict unsupported",
                    };
                    html! {
                        <li class="claim" data-testid={format!("claim-{}", claim.id)}>
                            <h3><span class="claim-id">{ claim.id }</span><span class={class}>{ claim.verdict.label() }</span></h3>
                            <p class="said"><strong>{ "The article: " }</strong>{ claim.claim }</p>
                            <p class="finding"><strong>{ "Upstream and the model: " }</strong>{ claim.finding }</p>
                            <p class="source">{ "Source: " }{ claim.source }</p>
                            <button onclick={open(claim.open)}>{ claim.try_label }</button>
                        </li>
                    }
                }) }
            </ol>
            <h2>{ "The article's tuning tips" }</h2>
            <ul class="tips">
                { for TIPS.iter().filter_map(|tip| Some((tip, Story::find(tip.story)?))).map(|(tip, story)| {
                    let d = props.ondispatch.clone();
                    let onclick = Callback::from(move |_: MouseEvent| d.emit(Action::BeginStory(story.id)));
                    html! {
                        <li class="tip">
                            <p><strong>{ tip.tip }</strong></p>
                            <p>{ story.steps.first().map_or("", |s| s.text) }</p>
                            <button {onclick}>{ "Try it, step by step" }</button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
