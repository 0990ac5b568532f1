// A small end-to-end harness: serves the release build (dist/) from a
// sub-path, starts Debian's Chromium through playwright-core, runs each test
// with a fresh page, and ends with "N passed, N failed".
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

export const SUB_PATH = '/some/sub/path/';
const ROOT = resolve(new URL('..', import.meta.url).pathname);
// CPLAB_DIST serves another build (e.g. to compare build settings).
const DIST = process.env.CPLAB_DIST ? resolve(process.env.CPLAB_DIST) : join(ROOT, 'dist');
export const ARTIFACTS = join(ROOT, 'e2e', 'artifacts');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.toml': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A static file server for dist/ that answers only under SUB_PATH, as a
 *  static host serving the site from a sub-directory would. */
export async function serveDist() {
  const server = createServer(async (request, response) => {
    const url = new URL(request.url, 'http://localhost');
    if (!url.pathname.startsWith(SUB_PATH)) {
      response.writeHead(404).end('outside the site');
      return;
    }
    let path = normalize(decodeURIComponent(url.pathname.slice(SUB_PATH.length)));
    if (path === '.' || path.endsWith('/')) path = join(path, 'index.html');
    const file = join(DIST, path);
    if (!file.startsWith(DIST)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  return { server, base: `http://127.0.0.1:${port}${SUB_PATH}` };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** Opens a page that records console errors/warnings, page errors and every
 *  request, so tests can require a clean console and a same-origin site. */
export async function openPage(browser, { width = 1280, height = 800, reducedMotion } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, reducedMotion });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => requests.push(request.url()));
  return { page, context, problems, requests };
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Parses a latency readout ("212 ms", "1.25 s", "420 µs") into seconds. */
export function seconds(text) {
  const match = /^([\d,.]+)\s*(µs|ms|s)$/.exec(text.trim());
  if (!match) return NaN;
  const scale = { 'µs': 1e-6, ms: 1e-3, s: 1 }[match[2]];
  return parseFloat(match[1].replaceAll(',', '')) * scale;
}

/** Parses a rate readout ("97.3 req/s", "10,274 req/s") into requests per second. */
export function perSecond(text) {
  const match = /^([\d,.]+) req\/s$/.exec(text.trim());
  return match ? parseFloat(match[1].replaceAll(',', '')) : NaN;
}

/** Reads the simulated clock readout in seconds ("42.0 s", "12 min 5 s"). */
export function clockSeconds(text) {
  let total = 0;
  for (const [, value, unit] of text.matchAll(/([\d.]+)\s*(h|min|s)/g)) {
    total += parseFloat(value) * { h: 3600, min: 60, s: 1 }[unit];
  }
  return total;
}

export async function readout(page, testId) {
  return (await page.getByTestId(testId).textContent())?.trim() ?? '';
}

/** Waits until the simulated clock has reached `target` seconds. */
export async function waitForSimTime(page, target, timeoutMs = 60_000) {
  const start = Date.now();
  for (;;) {
    const now = clockSeconds(await readout(page, 'sim-time'));
    if (now >= target) return now;
    if (Date.now() - start > timeoutMs) throw new Error(`simulated clock stuck at ${now} s (wanted ${target} s)`);
    await page.waitForTimeout(100);
  }
}

/** Drags a range input's thumb with the mouse to `fraction` (0 to 1) of
 *  its track, as a reader would; returns the slider's readout text. */
export async function dragSlider(page, label, fraction) {
  const slider = page.getByRole('slider', { name: label, exact: true });
  await slider.scrollIntoViewIfNeeded();
  const box = await slider.boundingBox();
  const { min, max, current } = await slider.evaluate((input) => ({
    min: Number(input.min), max: Number(input.max), current: Number(input.value),
  }));
  // The thumb travels the track minus its own width (about 16 px in Chromium).
  const thumb = 16;
  const xOf = (t) => box.x + thumb / 2 + t * (box.width - thumb);
  const from = xOf((current - min) / (max - min));
  const y = box.y + box.height / 2;
  await page.mouse.move(from, y);
  await page.mouse.down();
  await page.mouse.move((from + xOf(fraction)) / 2, y, { steps: 4 });
  // Past the end of the track, so 0 and 1 reach the ends exactly.
  const to = fraction <= 0 ? box.x - 20 : fraction >= 1 ? box.x + box.width + 20 : xOf(fraction);
  await page.mouse.move(to, y, { steps: 4 });
  await page.mouse.up();
  return sliderReadout(page, label);
}

/** The readout next to a slider (its `<output>`). */
export async function sliderReadout(page, label) {
  const id = await page.getByRole('slider', { name: label, exact: true }).getAttribute('id');
  return readout(page, `${id}-value`);
}

export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Runs the tests (name → async fn(ctx)) one after the other. */
export async function runAll(tests) {
  const { server, base } = await serveDist();
  const browser = await launchBrowser();
  let passed = 0;
  let failed = 0;
  for (const [name, test] of tests) {
    const started = Date.now();
    let opened;
    try {
      await test({
        base,
        browser,
        open: async (options) => (opened = await openPage(browser, options)),
      });
      if (opened && opened.problems.length > 0) {
        throw new Error(`console not clean:\n    ${opened.problems.join('\n    ')}`);
      }
      passed += 1;
      console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed += 1;
      console.log(`FAIL ${name}\n     ${String(error?.stack ?? error).split('\n').join('\n     ')}`);
      if (opened) await screenshot(opened.page, `failed-${name.replace(/\W+/g, '-')}`).catch(() => {});
    } finally {
      await opened?.context.close().catch(() => {});
    }
  }
  await browser.close();
  server.close();
  console.log(`\n${passed} passed, ${failed} failed`);
  return failed === 0;
}
