use super::import_zone::ImportZone;
use crate::lab::controls::Control;
use crate::lab::params::Params;
use crate::lab::view::Figure;
use crate::ui::share;
use crate::ui::state::Action;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// What the reader can ask of the running simulation for export.
#[derive(Clone, PartialEq)]
pub enum ExportKind {
    Csv,
    Json,
    Toml,
    /// a chart by name: latency, rates, queues, histogram, diagram
    Png(&'static str),
}

/// An import that failed: the slider it concerns (if one does) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportError {
    pub control: Option<Control>,
    pub message: String,
}

#[derive(Properties, PartialEq)]
pub struct ShareProps {
    pub params: Params,
    pub ondispatch: Callback<Action>,
    pub onexport: Callback<ExportKind>,
    /// a file's name and text (or why it could not be read), to import
    pub onimport: Callback<(String, Result<String, String>)>,
    pub import_error: Option<ImportError>,
}

/// What the last copy to the clipboard was, and whether the browser let it.
#[derive(Clone, Copy, PartialEq)]
struct Copied {
    what: &'static str,
    ok: bool,
}

fn figure_name(figure: Figure) -> &'static str {
    match figure {
        Figure::Diagram => "The request path",
        Figure::Latency => "The latency chart",
        Figure::DiagramChart => "The request path and its latency",
        Figure::Table => "The article's table",
    }
}

/// Share a link, embed a figure, export the run, import a scenario.
#[function_component(Share)]
pub fn share_panel(props: &ShareProps) -> Html {
    let figure = use_state(|| Figure::DiagramChart);
    let code = use_state(String::new);
    let link = use_state(String::new);
    let onfigure = {
        let figure = figure.clone();
        Callback::from(move |event: Event| {
            let id = event.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(f) = Figure::ALL.into_iter().find(|f| f.id() == id) {
                figure.set(f);
            }
        })
    };
    let copied = use_state(|| None::<Copied>);
    let copy = {
        let copied = copied.clone();
        move |what: &'static str, text: String| {
            copied.set(None);
            let copied = copied.clone();
            share::copy_to_clipboard(&text, move |ok| copied.set(Some(Copied { what, ok })));
        }
    };
    let oncopy_embed = {
        let (params, figure, code) = (props.params.clone(), *figure, code.clone());
        let copy = copy.clone();
        Callback::from(move |_: MouseEvent| {
            let snippet = share::embed_code(&params, figure);
            copy("embed", snippet.clone());
            code.set(snippet);
        })
    };
    let oncopy_link = {
        let (params, link) = (props.params.clone(), link.clone());
        let copy = copy.clone();
        Callback::from(move |_: MouseEvent| {
            let address = share::link_to(&params);
            copy("link", address.clone());
            link.set(address);
        })
    };
    let status = |what: &'static str| match *copied {
        Some(c) if c.what == what => html! {
            <span class={if c.ok { "copy-status" } else { "copy-status refused" }} role="status" data-testid={format!("copied-{what}")}>
                { if c.ok { "Copied to the clipboard." } else { "The browser refused the clipboard: select the text below and copy it." } }
            </span>
        },
        _ => html! {},
    };
    let export = |kind: ExportKind| props.onexport.reform(move |_: MouseEvent| kind.clone());
    let error = props.import_error.clone();
    html! {
        <section class="share" aria-label="Share, embed, export, import">
            <details>
                <summary>{ "Share, embed, export, import" }</summary>
                <div class="share-grid">
                    <div>
                        <h3>{ "Link" }</h3>
                        <p>{ "The address bar always holds this view: the scenario, every control you moved, seed, speed and panel. Opening it shows the same numbers." }</p>
                        <button onclick={oncopy_link}>{ "Copy link" }</button>{ status("link") }
                        if !link.is_empty() { <input class="copied" readonly=true value={(*link).clone()} aria-label="Link" data-testid="share-link" /> }
                    </div>
                    <div>
                        <h3>{ "Embed" }</h3>
                        <label>{ "Figure " }
                            <select onchange={onfigure} aria-label="Figure to embed">
                                { for Figure::ALL.iter().map(|f| html! { <option value={f.id()} selected={*f == *figure}>{ figure_name(*f) }</option> }) }
                            </select>
                        </label>
                        <button onclick={oncopy_embed}>{ "Copy embed code" }</button>{ status("embed") }
                        if !code.is_empty() { <textarea readonly=true rows="4" aria-label="Embed code" data-testid="embed-code" value={(*code).clone()} /> }
                    </div>
                    <div>
                        <h3>{ "Export" }</h3>
                        <p>{ "Metrics (the live 1-second windows and the summary), each chart as an image, and the run as a scenario file: cplab run prints the same numbers." }</p>
                        <div class="buttons">
                            <button onclick={export(ExportKind::Csv)}>{ "Metrics CSV" }</button>
                            <button onclick={export(ExportKind::Json)}>{ "Metrics JSON" }</button>
                            <button onclick={export(ExportKind::Toml)}>{ "Scenario TOML" }</button>
                            <button onclick={export(ExportKind::Png("latency"))}>{ "Latency PNG" }</button>
                            <button onclick={export(ExportKind::Png("rates"))}>{ "Rates PNG" }</button>
                            <button onclick={export(ExportKind::Png("queues"))}>{ "Queues PNG" }</button>
                            <button onclick={export(ExportKind::Png("histogram"))}>{ "Histogram PNG" }</button>
                            <button onclick={export(ExportKind::Png("diagram"))}>{ "Diagram PNG" }</button>
                        </div>
                    </div>
                    <ImportZone onimport={props.onimport.clone()} {error} />
                </div>
            </details>
        </section>
    }
}
