use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProgressProps {
    /// in [0, 1]
    pub value: f64,
    pub done: bool,
    pub label: AttrValue,
    /// wall time the job has taken so far [ms], when known
    #[prop_or_default]
    pub elapsed_ms: Option<f64>,
    /// the job ended without its figures (the panel says why)
    #[prop_or_default]
    pub failed: bool,
    /// the figures were computed when the site was built (the default run)
    #[prop_or_default]
    pub precomputed: bool,
}

/// A job's progress bar, with its state in words for screen readers.
#[function_component(JobProgress)]
pub fn job_progress(props: &ProgressProps) -> Html {
    let percent = (props.value.clamp(0.0, 1.0) * 100.0).round();
    html! {
        <div class="job-progress" data-testid="job-progress" data-done={props.done.to_string()}
            data-elapsed-ms={props.elapsed_ms.map(|ms| format!("{ms:.0}"))}
            data-precomputed={props.precomputed.to_string()}>
            <progress max="100" value={percent.to_string()} aria-label={props.label.clone()}></progress>
            <span>{ match (props.done, props.failed, props.elapsed_ms) {
                (true, true, _) => "stopped".to_owned(),
                (true, false, _) if props.precomputed => "done: computed when the site was built".to_owned(),
                (true, false, Some(ms)) => format!("done in {:.1} s", ms / 1e3),
                (true, false, None) => "done".to_owned(),
                (false, _, _) => format!("computing… {percent:.0}%"),
            } }</span>
        </div>
    }
}
