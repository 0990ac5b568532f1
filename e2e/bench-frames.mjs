// Frame time in the page (a benchmark: prints figures, never fails on them).
// Runs the release build (dist/) with 5,000 nodes at 1× and at 10× for 20 s
// of wall time each, and prints frame-time p50/p95/p99 from
// requestAnimationFrame timestamps, and the achieved simulation speed.
//   trunk build --release --public-url ./ && node e2e/bench-frames.mjs
import { serveDist, launchBrowser, openPage, readout, clockSeconds } from './harness.mjs';

const SECONDS = Number(process.env.FRAME_SECONDS ?? 20);

/** Sets a slider to a value through its own mapping (position 0-1000). */
async function setSlider(page, label, value) {
  await page.getByRole('slider', { name: label, exact: true }).evaluate((input, v) => {
    const log = (x) => Math.log(x);
    const ranges = { nodes: [1, 15000], speed: [0.01, 100] };
    const [min, max] = ranges[input.id];
    input.value = String(Math.round(((log(v) - log(min)) / (log(max) - log(min))) * 1000));
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

const { server, base } = await serveDist();
const browser = await launchBrowser();
const { page } = await openPage(browser, { width: 1280, height: 800 });
await page.goto(`${base}?story=none`);
await page.waitForTimeout(1000);
await setSlider(page, 'Nodes', 5000);
console.log(`nodes: ${await readout(page, 'nodes-value')}`);
for (const speed of [1, 10]) {
  await setSlider(page, 'Speed', speed);
  await page.waitForTimeout(2000); // settle
  const simStart = clockSeconds(await readout(page, 'sim-time'));
  const frames = await page.evaluate((seconds) => new Promise((done) => {
    const stamps = [];
    const end = performance.now() + seconds * 1000;
    const tick = (t) => {
      stamps.push(t);
      if (t < end) requestAnimationFrame(tick); else done(stamps);
    };
    requestAnimationFrame(tick);
  }), SECONDS);
  const simEnd = clockSeconds(await readout(page, 'sim-time'));
  const gaps = frames.slice(1).map((t, i) => t - frames[i]).sort((a, b) => a - b);
  const wall = (frames[frames.length - 1] - frames[0]) / 1000;
  console.log(
    `5,000 nodes at ${speed}×: ${gaps.length} frames in ${wall.toFixed(1)} s, frame time p50 ${quantile(gaps, 0.5).toFixed(1)} ms, ` +
    `p95 ${quantile(gaps, 0.95).toFixed(1)} ms, p99 ${quantile(gaps, 0.99).toFixed(1)} ms; ` +
    `achieved speed ${((simEnd - simStart) / wall).toFixed(2)}× (readout: ${await readout(page, 'sim-speed')})`,
  );
}
await browser.close();
server.close();
