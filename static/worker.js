// The lab's worker: the module cplab-worker (src/bin/worker.rs), with what
// the live page does without: the article's long computations and reading
// and writing scenario and metrics files. The page starts this worker when
// it first needs it, so the module downloads only then. Paths are relative
// to this file: the site works under any sub-path.
//
// Messages are postcard bytes (src/lab/wire.rs). A string back means the
// worker failed (the module did not load, or it stopped), so the page can
// say so instead of waiting.
import init, { worker_message } from './cplab-worker.js';

const ready = init({ module_or_path: new URL('./cplab-worker_bg.wasm', import.meta.url) }).catch((error) => {
  throw new Error(`its module could not load (${error})`);
});
const failed = (error) => self.postMessage(`the background worker stopped: ${error?.message ?? error}`);
self.addEventListener('unhandledrejection', (event) => failed(event.reason));
self.onmessage = (event) => {
  ready.then(() => worker_message(event.data)).catch(failed);
};
