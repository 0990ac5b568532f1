//! Links, embed snippets, downloads and file reading: the page's few
//! contacts with the browser beyond drawing. Text from the reader (a file,
//! a link) is only ever set as text, never as HTML.

use crate::lab::controls::Control;
use crate::lab::export::metrics_csv;
use crate::lab::live::LiveRun;
use crate::lab::params::Params;
use crate::lab::url;
use crate::lab::view::{Figure, Panel};
use crate::lab::wire::MetricsExport;
use crate::ui::components::charts::ChartRefs;
use crate::ui::components::share::ExportKind;
use crate::ui::worker::LazyWorker;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement, Url};
use yew::NodeRef;

/// The page's address without its query (where this copy of the site lives).
pub fn page_address() -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return String::new();
    };
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    format!("{origin}{path}")
}

/// The query string the page was opened with.
pub fn page_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// Puts the view in the address bar without reloading or adding history.
pub fn show_in_address_bar(params: &Params) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let query = url::to_query(params);
    let address = if query.is_empty() {
        page_address()
    } else {
        format!("{}?{query}", page_address())
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&address));
    }
}

/// A link to the view.
pub fn link_to(params: &Params) -> String {
    let query = url::to_query(params);
    if query.is_empty() {
        page_address()
    } else {
        format!("{}?{query}", page_address())
    }
}

/// The `<iframe>` snippet that embeds `figure` of the view.
pub fn embed_code(params: &Params, figure: Figure) -> String {
    let mut embedded = params.clone();
    embedded.view.embed = Some(figure);
    embedded.view.panel = Panel::Lab;
    if embedded.view.embed_controls.is_empty() {
        embedded.view.embed_controls = vec![Control::Nodes];
    }
    let title = match figure {
        Figure::Diagram => "the request path",
        Figure::Latency => "latency against the SLO",
        Figure::DiagramChart => "the request path and its latency",
        Figure::Table => "the article's comparison table, recomputed",
    };
    format!(
        "<iframe src=\"{}\" width=\"700\" height=\"450\" style=\"border:0;max-width:100%\" loading=\"lazy\" title=\"Control Plane Lab: {title}\"></iframe>",
        link_to(&embedded).replace('&', "&amp;")
    )
}

/// Copies text to the clipboard, then tells `done` whether it could: the
/// browser may refuse (no permission, an insecure origin, an iframe without
/// `clipboard-write`), and the reader must know to copy the shown text.
pub fn copy_to_clipboard(text: &str, done: impl FnOnce(bool) + 'static) {
    let Some(window) = web_sys::window() else {
        return done(false);
    };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::spawn_local(async move {
        done(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
    });
}

/// Offers `bytes` as a file download called `name`.
pub fn download(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    download_blob(name, &blob);
}

fn download_blob(name: &str, blob: &Blob) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(address) = Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Ok(anchor) = document
        .create_element("a")
        .map(|a| a.unchecked_into::<HtmlAnchorElement>())
    {
        anchor.set_href(&address);
        anchor.set_download(name);
        anchor.click();
    }
    let _ = Url::revoke_object_url(&address);
}

/// Offers a chart's layers, flattened onto one white image, as a PNG.
pub fn download_png(name: &str, layers: &[HtmlCanvasElement]) {
    let (Some(document), Some(first)) =
        (web_sys::window().and_then(|w| w.document()), layers.first())
    else {
        return;
    };
    let Ok(canvas) = document
        .create_element("canvas")
        .map(|c| c.unchecked_into::<HtmlCanvasElement>())
    else {
        return;
    };
    canvas.set_width(first.width());
    canvas.set_height(first.height());
    let Some(context) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    context.set_fill_style_str("#ffffff");
    context.fill_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
    for layer in layers {
        let _ = context.draw_image_with_html_canvas_element(layer, 0.0, 0.0);
    }
    if let Ok(data) = canvas.to_data_url_with_type("image/png")
        && let Ok(anchor) = document
            .create_element("a")
            .map(|a| a.unchecked_into::<HtmlAnchorElement>())
    {
        anchor.set_href(&data);
        anchor.set_download(name);
        anchor.click();
    }
}

/// Reads a file the reader picked or dropped, as text.
pub async fn read_text(file: web_sys::File) -> Result<String, String> {
    /// Largest scenario file read [bytes]: a real one is a few KiB.
    const MAX_BYTES: f64 = 1_048_576.0;
    if file.size() > MAX_BYTES {
        return Err(format!(
            "{} is {:.0} KiB; a scenario file is at most 1 MiB",
            file.name(),
            file.size() / 1024.0
        ));
    }
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .map_err(|_| format!("{} could not be read", file.name()))?;
    text.as_string()
        .ok_or_else(|| format!("{} is not text", file.name()))
}

/// Offers the run's metrics, a chart or the scenario as a download. The
/// worker writes the JSON and TOML files (the page has no writer for
/// them); `on_failure` hears why a file could not be made.
pub fn export(
    live: &std::cell::RefCell<Result<LiveRun, String>>,
    charts: &ChartRefs,
    diagram: &NodeRef,
    worker: &LazyWorker,
    on_failure: Rc<dyn Fn(String)>,
    kind: ExportKind,
) {
    let run = live.borrow();
    let Ok(run) = run.as_ref() else {
        return;
    };
    let sim = run.simulation();
    let layers = |refs: [&NodeRef; 2]| -> Vec<HtmlCanvasElement> {
        refs.iter()
            .filter_map(|r| r.cast::<HtmlCanvasElement>())
            .collect()
    };
    let offer = move |name: &'static str, mime: &'static str| {
        move |file: Result<String, String>| match file {
            Ok(text) => download(name, mime, &text),
            Err(reason) => on_failure(format!("{name} could not be written: {reason}")),
        }
    };
    match kind {
        ExportKind::Csv => download(
            "control-plane-lab-metrics.csv",
            "text/csv",
            &metrics_csv(sim),
        ),
        ExportKind::Json => {
            let metrics = MetricsExport::of(sim, url::to_query(run.params()));
            let done = offer("control-plane-lab-metrics.json", "application/json");
            worker.with(|client| client.export_metrics(metrics, done));
        }
        ExportKind::Toml => {
            let scenario = run.export_scenario();
            let done = offer("control-plane-lab-scenario.toml", "text/plain");
            worker.with(|client| client.export_scenario(scenario, done));
        }
        ExportKind::Png(name) => {
            let canvases = match name {
                "latency" => layers([&charts.latency_axes, &charts.latency_data]),
                "rates" => layers([&charts.rates_axes, &charts.rates_data]),
                "queues" => layers([&charts.queue_axes, &charts.queue_data]),
                "histogram" => layers([&charts.histogram_axes, &charts.histogram_data]),
                _ => diagram.cast::<HtmlCanvasElement>().into_iter().collect(),
            };
            download_png(&format!("control-plane-lab-{name}.png"), &canvases);
        }
    }
}
