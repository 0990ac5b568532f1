use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NoticesProps {
    pub notices: Vec<String>,
    pub ondismiss: Callback<()>,
}

/// What the page could not take as given (from a link or a file), in plain
/// text, until the reader dismisses it.
#[function_component(Notices)]
pub fn notices(props: &NoticesProps) -> Html {
    if props.notices.is_empty() {
        return html! {};
    }
    let ondismiss = props.ondismiss.reform(|_: MouseEvent| ());
    html! {
        <div class="notices" role="status" data-testid="notices">
            <ul>{ for props.notices.iter().map(|n| html! { <li>{ n.clone() }</li> }) }</ul>
            <button onclick={ondismiss}>{ "Dismiss" }</button>
        </div>
    }
}
