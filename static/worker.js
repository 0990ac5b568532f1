// The lab's worker: the page's own WebAssembly module, started off the main
// thread for the long computations (the article's table, the case study,
// sweeps). No second module is shipped: the page sends the addresses of its
// script and wasm first, and this file imports them. Later messages wait
// until the module is ready, then go to its `worker_message`.
let bindings = null;
const waiting = [];
self.onmessage = async (event) => {
  if (bindings === null && waiting.length === 0 && event.data && event.data.glue) {
    waiting.push(null); // the start message is in hand: queue the rest
    const module = await import(event.data.glue);
    await module.default({ module_or_path: event.data.wasm });
    bindings = module;
    for (const data of waiting.splice(0)) if (data !== null) bindings.worker_message(data);
    return;
  }
  if (bindings === null) waiting.push(event.data);
  else bindings.worker_message(event.data);
};
