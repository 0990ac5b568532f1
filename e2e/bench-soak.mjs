// Soak in the browser (a benchmark: prints figures; fails only on a console
// error, a panic or memory growth). Runs the release build (dist/) at the
// page's defaults (1,000 nodes; SOAK_NODES to change) at Speed 100× until the
// simulated clock reaches one hour (SOAK_SIM_SECONDS), sampling the wasm
// linear memory (the instance's `memory.buffer.byteLength`, read through the
// `TrunkApplicationStarted` event that static/loader.js fires: no hook in the
// app) and Chromium's JS heap every 10 s of wall time.
//   trunk build --release --public-url ./ && node e2e/bench-soak.mjs
import { serveDist, launchBrowser, openPage, readout, clockSeconds } from './harness.mjs';

const TARGET = Number(process.env.SOAK_SIM_SECONDS ?? 3600);
const NODES = Number(process.env.SOAK_NODES ?? 1000);
const WALL_LIMIT_S = Number(process.env.SOAK_WALL_LIMIT ?? 3600);
/** Memory may grow this much from the first sample past warm-up to the end. */
const FLAT = 0.10;
const WARMUP_SIM_SECONDS = 300;

const { server, base } = await serveDist();
const browser = await launchBrowser();
const { page, problems } = await openPage(browser, { width: 1280, height: 800 });
await page.addInitScript(() => {
  addEventListener('TrunkApplicationStarted', (event) => { window.__wasmMemory = event.detail.wasm.memory; });
});
await page.goto(`${base}?story=none`);
await page.waitForFunction(() => window.__wasmMemory !== undefined);
if (NODES !== 1000) {
  await page.getByRole('slider', { name: 'Nodes', exact: true }).evaluate((input, v) => {
    const t = (Math.log(v) - Math.log(1)) / (Math.log(15000) - Math.log(1));
    input.value = String(Math.round(t * 1000));
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, NODES);
}
const speed = page.getByRole('slider', { name: 'Speed', exact: true });
await speed.focus();
await page.keyboard.press('End');
console.log(`nodes ${await readout(page, 'nodes-value')}, speed ${await readout(page, 'speed-value')}`);

const sample = () => page.evaluate(() => ({
  wasm: window.__wasmMemory.buffer.byteLength,
  heap: performance.memory?.usedJSHeapSize ?? 0,
}));
const mib = (bytes) => (bytes / 1048576).toFixed(1);
const started = Date.now();
let warm = null;
let last = null;
console.log('wall s   sim s   wasm MiB   JS heap MiB   speed');
for (;;) {
  const sim = clockSeconds(await readout(page, 'sim-time'));
  const memory = await sample();
  const wall = (Date.now() - started) / 1000;
  console.log(`${wall.toFixed(0).padStart(6)} ${sim.toFixed(0).padStart(7)} ${mib(memory.wasm).padStart(10)} ${mib(memory.heap).padStart(13)}   ${await readout(page, 'sim-speed')}`);
  if (warm === null && sim >= WARMUP_SIM_SECONDS) warm = memory;
  last = { sim, wall, memory };
  if (sim >= TARGET || wall > WALL_LIMIT_S) break;
  await page.waitForTimeout(10_000);
}
const panicked = (await page.locator('#panic-panel').count()) > 0;
let ok = !panicked && problems.length === 0 && last.sim >= TARGET;
console.log(`simulated ${last.sim.toFixed(0)} s in ${last.wall.toFixed(0)} s of wall time (${(last.sim / last.wall).toFixed(1)}× real time)`);
if (warm) {
  const growth = last.memory.wasm / warm.wasm - 1;
  console.log(`wasm memory: ${mib(warm.wasm)} MiB after ${WARMUP_SIM_SECONDS} s simulated, ${mib(last.memory.wasm)} MiB at the end (${(growth * 100).toFixed(1)}%); JS heap ${mib(warm.heap)} → ${mib(last.memory.heap)} MiB`);
  if (growth > FLAT) { console.log('WASM MEMORY GREW after warm-up'); ok = false; }
}
if (panicked) console.log('the page panicked');
if (problems.length) console.log(`console:\n  ${problems.join('\n  ')}`);
await browser.close();
server.close();
console.log(ok ? 'ok' : 'FAILED');
process.exit(ok ? 0 : 1);
