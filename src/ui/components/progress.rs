use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProgressProps {
    /// in [0, 1]
    pub value: f64,
    pub done: bool,
    pub label: AttrValue,
}

/// A job's progress bar, with its state in words for screen readers.
#[function_component(JobProgress)]
pub fn job_progress(props: &ProgressProps) -> Html {
    let percent = (props.value.clamp(0.0, 1.0) * 100.0).round();
    html! {
        <div class="job-progress" data-testid="job-progress" data-done={props.done.to_string()}>
            <progress max="100" value={percent.to_string()} aria-label={props.label.clone()}></progress>
            <span>{ if props.done { "done".to_owned() } else { format!("computing… {percent:.0}%") } }</span>
        </div>
    }
}
