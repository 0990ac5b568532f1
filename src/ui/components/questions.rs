use crate::lab::story::QUESTIONS;
use crate::ui::state::Action;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct QuestionsProps {
    pub ondispatch: Callback<Action>,
}

/// Questions people bring from real incidents, each with its thread and a
/// button that reproduces it in the lab, step by step, to its answer.
#[function_component(Questions)]
pub fn questions(props: &QuestionsProps) -> Html {
    html! {
        <section class="questions" aria-label="Questions people bring" data-testid="questions">
            <details>
                <summary>{ "Questions people bring, answered in the lab" }</summary>
                <ul>
                    { for QUESTIONS.iter().map(|question| {
                        let id = question.story.id;
                        let d = props.ondispatch.clone();
                        let onclick = Callback::from(move |_: MouseEvent| d.emit(Action::BeginStory(id)));
                        let (thread, address) = question.thread;
                        html! {
                            <li class="question" data-testid={format!("question-{id}")}>
                                <q>{ question.asked }</q>
                                <p class="source">{ "Asked in " }<a href={address} target="_blank" rel="noopener">{ thread }</a></p>
                                <button {onclick} data-testid="question-open">{ "Reproduce it, step by step" }</button>
                            </li>
                        }
                    }) }
                </ul>
            </details>
        </section>
    }
}
