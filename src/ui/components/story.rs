use crate::lab::format;
use crate::lab::story::{Question, StoryAt};
use crate::ui::state::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StoryCardProps {
    pub at: StoryAt,
    pub playing: bool,
    pub ondispatch: Callback<Action>,
}

/// The story being told: the step's text, what it promises the reader will
/// see and, at its pause, what the run measured; Next, and a way out to
/// the full lab.
#[function_component(StoryCard)]
pub fn story_card(props: &StoryCardProps) -> Html {
    let at = &props.at;
    let step = at.step();
    let send = |action: Action| {
        let d = props.ondispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(action.clone()))
    };
    let total = at.story.steps.len();
    let waiting = step.until.is_some() && at.seen.is_none();
    let status = match (step.until, &at.seen) {
        (Some(until), None) if props.playing => {
            format!(
                "Playing to {} simulated, then pausing…",
                format::clock(until)
            )
        }
        (Some(_), None) => "Paused before the step's moment: press Play to go on.".to_owned(),
        (Some(until), Some(_)) => format!("Paused at {}.", format::clock(until)),
        (None, _) => String::new(),
    };
    let next_label = if at.is_last() {
        "Explore the lab"
    } else {
        "Next"
    };
    html! {
        <section class="story" aria-labelledby="story-title" data-testid="story" data-step={at.step.to_string()}
            data-state={if waiting { "playing" } else { "paused" }} data-pauses={step.until.is_some().to_string()}>
            <p class="story-where">
                <span id="story-title" class="story-title">{ at.story.title }</span>
                <span class="story-count">{ format!("Step {} of {total}", at.step + 1) }</span>
            </p>
            if let Some(question) = Question::find(at.story.id) {
                <p class="story-question" data-testid="story-question">
                    <q>{ question.asked }</q>{ " " }
                    <a href={question.thread.1} target="_blank" rel="noopener">{ question.thread.0 }</a>
                </p>
            }
            <p class="story-text" aria-live="polite">{ step.text }</p>
            if !step.promises.is_empty() {
                <ul class="promises" aria-label="What you will see">
                    { for step.promises.iter().enumerate().map(|(i, promise)| {
                        let seen = at.seen.as_ref().and_then(|s| s.get(i)).copied();
                        let kept = seen.map(|v| promise.holds(v));
                        let (mark, state) = match kept {
                            Some(true) => ("✓", "kept"),
                            Some(false) => ("✗", "broken"),
                            None => ("…", "pending"),
                        };
                        html! {
                            <li class={classes!("promise", state)} data-testid="promise" data-kept={state}>
                                <span class="mark" aria-hidden="true">{ mark }</span>
                                { promise.describe() }
                                if let Some(value) = seen {
                                    <span class="seen">{ format!(": now {}", promise.format(value)) }</span>
                                    if kept == Some(false) {
                                        <span class="seen">{ " (not what the story promised: a setting you changed may be why)" }</span>
                                    }
                                }
                            </li>
                        }
                    }) }
                </ul>
            }
            if !status.is_empty() { <p class="story-status">{ status }</p> }
            <div class="story-actions">
                <button class="primary" data-testid="story-next" onclick={send(Action::NextStep)}>
                    { next_label }
                </button>
                if !at.is_last() {
                    <button class="link" data-testid="story-leave" onclick={send(Action::LeaveStory)}>{ "Skip to the lab" }</button>
                }
            </div>
        </section>
    }
}
