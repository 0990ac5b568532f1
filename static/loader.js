// Starts the web app: imports wasm-bindgen's JS module and instantiates the
// wasm. It replaces the inline <script type="module"> that Trunk writes by
// default, so the page's Content-Security-Policy (index.html) allows no
// inline script at all. Trunk fills in the hashed file names as data
// attributes of the <script> tag (`pattern_script` in Trunk.toml).
const tag = document.getElementById('cplab-loader');
// Relative to the document's <base>, so the site works from any sub-path.
const url = (path) => new URL(path, document.baseURI).href;
const bindings = await import(url(tag.dataset.js));
const wasm = await bindings.default({ module_or_path: url(tag.dataset.wasm) });
// What Trunk's own loader does: the exports for tests and benchmarks.
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
