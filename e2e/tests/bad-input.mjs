// Bad input end to end (issue 8): the page loaded with malformed or hostile
// query strings still renders, runs, shows no panic panel and logs nothing
// to the console; nothing from the query turns into markup.
//
// Adding a case is a list edit: append { query, notice } to CASES. `query`
// is the raw query string (without "?"); `notice`, when given, is a RegExp
// the page's text must match (the notice the URL-state parser shows for a
// value it refused). The URL-state cases proper (50 of them, with notices)
// belong with the URL-state parser; these few check what holds already.

import { check, clockSeconds, readout } from '../harness.mjs';

// Long, but under the 16 KiB request-head limit of Node's (and most) servers.
const long = 'x'.repeat(8_000);

export const CASES = [
  { query: 'nodes=1e309' },
  { query: 'nodes=-1&seed=NaN' },
  { query: 'speed=Infinity&nodes=NaN' },
  { query: 'seed=18446744073709551616' },
  { query: 'x=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E&%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E=1' },
  { query: 'nodes=%F0%9F%A6%80&name=%E2%80%AE%00%C3%A9' },
  { query: 'a=%E0%A4%A&b=%' },
  { query: `nodes=${long}` },
  { query: '&&&==&?&#' },
];

/** Loads `base?query` and checks the page renders, runs and stays clean. */
export async function checkQuery(page, problems, base, { query, notice }) {
  const label = query.length > 80 ? `${query.slice(0, 80)}… (${query.length} chars)` : query;
  await page.goto(`${base}?${query}`);
  // The simulated clock moves: the app started and runs.
  const start = Date.now();
  let simTime = 0;
  while (simTime < 1) {
    check(Date.now() - start < 30_000, `?${label}: the clock is stuck at ${simTime} s`);
    await page.waitForTimeout(100);
    simTime = clockSeconds(await readout(page, 'sim-time').catch(() => ''));
  }
  check((await page.locator('#panic-panel').count()) === 0, `?${label}: the page panicked`);
  check(!(await page.evaluate(() => window.__pwned)), `?${label}: markup from the query ran`);
  const injected = await page.locator('body img[src="x"], body script').count();
  check(injected === 0, `?${label}: ${injected} elements from the query in the page`);
  if (notice) {
    const text = await page.locator('body').innerText();
    check(notice.test(text), `?${label}: no notice matching ${notice}`);
  }
  check(problems.length === 0, `?${label}: console not clean:\n    ${problems.join('\n    ')}`);
}

export default [
  [`the page survives ${CASES.length} malformed or hostile query strings`, async ({ base, open }) => {
    const { page, problems } = await open();
    for (const item of CASES) await checkQuery(page, problems, base, item);
  }],
];
