// Memory: the page runs the 5,000-node cluster for one simulated hour at the
// top speed (100×; slower if the frame budget holds the clock back), and the
// wasm memory is sampled after the first simulated minute, every ten
// simulated minutes, and at the end (a benchmark: prints figures, never
// fails on them; target: growth after the first minute ≤ 5%).
//
// The page runs with `?bench=frames`, which exposes the wasm memory as
// `window.cplabMemory` (src/ui/bench.rs). A wasm memory never shrinks, so
// its size is the peak the page needed; the JS heap (Chromium's
// `performance.memory`, after a forced garbage collection) is printed
// beside it for context.
//   trunk build --release --public-url ./ && node e2e/bench-memory.mjs
import { serveDist, launchBrowser, openPage, readout, waitForSimTime, clockSeconds } from './harness.mjs';

const SIMULATED = Number(process.env.MEMORY_SECONDS ?? 3600);
const NODES = 5000;

/** Sets a logarithmic slider (positions 0-1000 over [min, max]) to `value`. */
async function setLogSlider(page, id, [min, max], value) {
  await page.locator(`#${id}`).evaluate(
    (input, { min, max, value }) => {
      input.value = String(Math.round(((Math.log(value) - Math.log(min)) / (Math.log(max) - Math.log(min))) * 1000));
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    { min, max, value },
  );
}

async function sample(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { wasm, js } = await page.evaluate(() => ({
    wasm: window.cplabMemory.buffer.byteLength,
    js: performance.memory?.usedJSHeapSize ?? NaN,
  }));
  return { simulated: clockSeconds(await readout(page, 'sim-time')), wasm, js };
}

const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

const { server, base } = await serveDist();
const browser = await launchBrowser();
try {
  const { page, context, problems } = await openPage(browser);
  const cdp = await context.newCDPSession(page);
  await page.goto(`${base}?bench=frames`);
  await page.waitForFunction(() => Number(document.documentElement.dataset.frame) > 0);
  await setLogSlider(page, 'nodes', [1, 15000], NODES);
  await setLogSlider(page, 'speed', [0.01, 100], 100);
  const started = Date.now();
  const nodes = await readout(page, 'nodes-value');
  const speed = await readout(page, 'speed-value');
  // Reset, so the hour starts with the cluster at its size (and the clock at 0).
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  const timeout = (SIMULATED / 10) * 1000 * 20; // at worst 10× real time, twice over

  await waitForSimTime(page, 60, timeout);
  const first = await sample(page, cdp);
  console.log(`after ${first.simulated.toFixed(0)} s simulated: wasm memory ${mb(first.wasm)}, JS heap ${mb(first.js)}`);
  let last = first;
  for (let t = 600; t <= SIMULATED; t += 600) {
    await waitForSimTime(page, t, timeout);
    last = await sample(page, cdp);
    console.log(
      `after ${last.simulated.toFixed(0)} s simulated (${((Date.now() - started) / 1000).toFixed(0)} s wall): ` +
        `wasm memory ${mb(last.wasm)}, JS heap ${mb(last.js)}`,
    );
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  const growth = last.wasm / first.wasm - 1;
  console.log(
    `memory, ${nodes} nodes at ${speed} for ${(last.simulated / 60).toFixed(0)} simulated minutes ` +
      `(${((Date.now() - started) / 1000).toFixed(0)} s wall): wasm memory ${mb(first.wasm)} after the first minute, ` +
      `${mb(last.wasm)} at the end: growth ${(growth * 100).toFixed(1)}% (target ≤ 5%); ` +
      `JS heap ${mb(first.js)} → ${mb(last.js)}`,
  );
} finally {
  await browser.close();
  server.close();
}
