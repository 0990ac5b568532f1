// Benchmark (issue 7, item 7): the sweep panel's 20 points × 60 simulated
// seconds of the 1,000-node upstream scenario, computed in the page's
// worker. Prints the worker's own wall time from the request to the last
// point (its performance.now(), shown as data-elapsed-ms), for several
// fresh page loads, and the median. A figure, never a pass/fail test.
//   trunk build --release --public-url ./ && node e2e/bench-sweep.mjs [runs]
import { launchBrowser, openPage, serveDist } from './harness.mjs';

const runs = Number(process.argv[2] ?? 5);
const { server, base } = await serveDist();
const browser = await launchBrowser();
const times = [];
for (let i = 0; i < runs; i += 1) {
  const { page, context } = await openPage(browser);
  await page.goto(`${base}?panel=sweep&sweep=max-requests-inflight&sweep-from=1&sweep-to=3000`);
  const done = page.getByTestId('job-progress').and(page.locator('[data-done="true"]'));
  await done.waitFor({ timeout: 300_000 });
  const points = await page.getByTestId('sweep-chart').getAttribute('data-points');
  const ms = Number(await done.getAttribute('data-elapsed-ms'));
  times.push(ms);
  console.log(`run ${i + 1}: ${points} points × 60 simulated s of 1,000 nodes in ${(ms / 1000).toFixed(2)} s (worker wall time)`);
  await context.close();
}
times.sort((a, b) => a - b);
console.log(`sweep in the worker: median ${(times[Math.floor(times.length / 2)] / 1000).toFixed(2)} s, best ${(times[0] / 1000).toFixed(2)} s (target ≤ 3 s)`);
await browser.close();
server.close();
