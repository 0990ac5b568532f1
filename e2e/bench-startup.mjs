// Start-up: time from navigation to the first chart frame, on localhost (a
// benchmark: prints figures, never fails on them; target ≤ 1 s). Also prints
// the bundle's sizes, raw and gzipped, by group (e2e/bundle-size.mjs is the
// test that holds the guards), and which files a visit fetched before its
// first frame, with their gzipped total.
//
// Each visit is a fresh browser context (empty HTTP cache). The page runs
// with `?bench=frames`, which makes its animation loop write the count of
// frames drawn to <html data-frame> (src/ui/bench.rs); an observer installed
// before the page's own scripts notes `performance.now()` (milliseconds
// since navigation started) when the first frame lands.
//   trunk build --release --public-url ./ && node e2e/bench-startup.mjs
import { serveDist, launchBrowser, openPage } from './harness.mjs';
import { bundleSizes } from './bundle-size.mjs';

const VISITS = Number(process.env.STARTUP_VISITS ?? 7);

/** Runs before the page's scripts: records the first frame's time. */
function watchFirstFrame() {
  // <html> does not exist yet when this runs: watch the whole document.
  const observer = new MutationObserver(() => {
    if (document.documentElement?.dataset.frame) {
      window.firstFrameMs = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { attributes: true, attributeFilter: ['data-frame'], subtree: true });
}

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
const files = await bundleSizes();
for (const group of ['start-up', 'worker']) {
  const members = files.filter((f) => f.group === group);
  const gzipped = members.reduce((sum, f) => sum + f.gzipped, 0);
  const raw = members.reduce((sum, f) => sum + f.raw, 0);
  console.log(
    `${group}: ${members.map((f) => `${f.name.replace(/-[0-9a-f]+(?=\.|_bg)/, '')} ${kb(f.raw)} (${kb(f.gzipped)} gzipped)`).join(', ')}; ` +
      `total ${kb(raw)} raw, ${kb(gzipped)} gzipped${group === 'start-up' ? ' (target 250 KB)' : ' (fetched on first use)'}`,
  );
}
const gzippedOf = new Map(files.map((f) => [f.name, f.gzipped]));
let fetchedBeforeFirstFrame = [];

const { server, base } = await serveDist();
const browser = await launchBrowser();
const times = [];
try {
  for (let visit = 0; visit < VISITS; visit += 1) {
    const { page, context, problems, requests } = await openPage(browser);
    await page.addInitScript(watchFirstFrame);
    await page.goto(`${base}?bench=frames`);
    await page.waitForFunction(() => window.firstFrameMs !== undefined, null, { timeout: 30_000 });
    fetchedBeforeFirstFrame = requests.map((url) => new URL(url).pathname.split('/').pop() || 'index.html');
    const timing = await page.evaluate(() => {
      const [nav] = performance.getEntriesByType('navigation');
      return { firstFrame: window.firstFrameMs, domContentLoaded: nav?.domContentLoadedEventEnd ?? NaN };
    });
    if (problems.length > 0) throw new Error(problems.join('; '));
    times.push(timing);
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
const sorted = times.map((t) => t.firstFrame).sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
console.log(
  `navigation → first chart frame (localhost, ${VISITS} fresh visits): median ${median.toFixed(0)} ms, ` +
    `fastest ${sorted[0].toFixed(0)} ms, slowest ${sorted[sorted.length - 1].toFixed(0)} ms (target ≤ 1000 ms); ` +
    `DOMContentLoaded median ${times.map((t) => t.domContentLoaded).sort((a, b) => a - b)[Math.floor(times.length / 2)].toFixed(0)} ms`,
);
const fetched = [...new Set(fetchedBeforeFirstFrame)];
const fetchedBytes = fetched.reduce((sum, name) => sum + (gzippedOf.get(name) ?? 0), 0);
console.log(`fetched by the last visit up to its first frame: ${fetched.map((n) => n.replace(/-[0-9a-f]+(?=\.|_bg)/, '')).join(', ')}; ${kb(fetchedBytes)} gzipped (of the files above)`);

// A first visit (a link with nothing in it): navigation until the story's
// Next is on the page and the simulated clock has moved (issue 15: "a first
// visit shows something moving and an invitation to act within 2 s").
{
  const { server: server2, base: base2 } = await serveDist();
  const browser2 = await launchBrowser();
  const firstVisit = [];
  try {
    for (let visit = 0; visit < VISITS; visit += 1) {
      const { page, context } = await openPage(browser2);
      await page.goto(base2);
      const at = await page.waitForFunction(() => {
        const next = document.querySelector('[data-testid="story-next"]');
        const clock = parseFloat(document.querySelector('[data-testid="sim-time"]')?.textContent ?? '');
        return next && clock > 0 ? performance.now() : false;
      }, null, { timeout: 30_000, polling: 'raf' });
      firstVisit.push(await at.jsonValue());
      await context.close();
    }
  } finally {
    await browser2.close();
    server2.close();
  }
  firstVisit.sort((a, b) => a - b);
  console.log(
    `first visit: navigation → the story's Next shown and the clock moving (${VISITS} fresh visits): median ` +
      `${firstVisit[Math.floor(VISITS / 2)].toFixed(0)} ms, slowest ${firstVisit[VISITS - 1].toFixed(0)} ms (target ≤ 2000 ms)`,
  );
}
