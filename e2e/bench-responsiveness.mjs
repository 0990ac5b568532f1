// Responsiveness: time from a slider's input event to the next chart frame
// that reflects it, p50/p95/max over 50 moves (a benchmark: prints figures,
// never fails on them; target p95 ≤ 50 ms).
//
// The page runs with `?bench=frames` (src/ui/bench.rs): after drawing each
// frame, its animation loop writes the count of frames drawn to
// <html data-frame> and the settings the simulation ran with in that frame
// to <html data-applied>. A move sets the max-requests-inflight slider to a
// new position and fires `input` as the browser does; the time runs until
// the first frame drawn with the new value applied (Yew's reducer, its
// re-render and the effect that reconfigures the running simulation come in
// between, and Yew's scheduler may spread them over tasks). Moves are spaced
// by random pauses, so they fall at every phase of the 16.7 ms frame.
//   trunk build --release --public-url ./ && node e2e/bench-responsiveness.mjs
import { serveDist, launchBrowser, openPage, readout } from './harness.mjs';

const MOVES = Number(process.env.MOVES ?? 50);
const NODES = Number(process.env.NODES ?? 5000);

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

const { server, base } = await serveDist();
const browser = await launchBrowser();
try {
  const { page, problems } = await openPage(browser);
  await page.goto(`${base}?bench=frames`);
  await page.waitForFunction(() => Number(document.documentElement.dataset.frame) > 0);
  // The cluster of the frame-time benchmark, on the Nodes slider's log scale.
  await page.locator('#nodes').evaluate((input, nodes) => {
    input.value = String(Math.round((Math.log(nodes) / Math.log(15000)) * 1000));
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, NODES);
  await page.waitForTimeout(2000);
  const nodes = await readout(page, 'nodes-value');

  const samples = [];
  for (let move = 0; move < MOVES; move += 1) {
    await page.waitForTimeout(50 + Math.random() * 100);
    // Alternate between two positions, so every move changes the value.
    const position = move % 2 === 0 ? 620 : 700;
    const sample = await page.evaluate(
      (position) =>
        new Promise((done) => {
          const root = document.documentElement;
          const input = document.getElementById('max-requests-inflight');
          const applied = () => /(?:^|;)max-requests-inflight=([^;]*)/.exec(root.dataset.applied ?? '')?.[1];
          const before = applied();
          const observer = new MutationObserver(() => {
            if (applied() !== before) {
              observer.disconnect();
              done({ ms: performance.now() - start, from: before, to: applied() });
            }
          });
          observer.observe(root, { attributes: true, attributeFilter: ['data-frame'] });
          const start = performance.now();
          input.value = String(position);
          input.dispatchEvent(new Event('input', { bubbles: true }));
        }),
      position,
    );
    samples.push(sample.ms);
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  const sorted = [...samples].sort((a, b) => a - b);
  console.log(
    `slider input → next chart frame (${nodes} nodes at 1×, ${MOVES} moves of max-requests-inflight): ` +
      `p50 ${quantile(sorted, 0.5).toFixed(1)} ms, p95 ${quantile(sorted, 0.95).toFixed(1)} ms, ` +
      `max ${sorted[sorted.length - 1].toFixed(1)} ms (target p95 ≤ 50 ms)`,
  );
} finally {
  await browser.close();
  server.close();
}
