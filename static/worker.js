// The lab's worker: the module cplab-worker (src/bin/worker.rs), with what
// the live page does without: the article's long computations and reading
// and writing scenario and metrics files. The page starts this worker when
// it first needs it, so the module downloads only then. Paths are relative
// to this file: the site works under any sub-path.
//
// Trunk names the worker's files without a content hash, so the page
// starts this file as `worker.js?v=<its own build's hash>` and the same
// query goes on the module's files: a browser cache never pairs a page
// with a worker of another build.
//
// Messages are postcard bytes (src/lab/wire.rs). A string back means the
// worker failed (the module did not load, or it stopped), so the page can
// say so instead of waiting.
const build = self.location.search;
const ready = import(`./cplab-worker.js${build}`)
  .then(async (bindings) => {
    await bindings.default({ module_or_path: new URL(`./cplab-worker_bg.wasm${build}`, import.meta.url) });
    return bindings;
  })
  .catch((error) => {
    throw new Error(`its module could not load (${error})`);
  });
const failed = (error) => self.postMessage(`the background worker stopped: ${error?.message ?? error}`);
self.addEventListener('unhandledrejection', (event) => failed(event.reason));
self.onmessage = (event) => {
  ready.then((bindings) => bindings.worker_message(event.data)).catch(failed);
};
