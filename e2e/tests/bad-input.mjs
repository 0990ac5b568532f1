// Bad input end to end (issue 8): the page loaded with malformed or hostile
// query strings still renders, runs, shows no panic panel and logs nothing
// to the console; nothing from the query turns into markup.
//
// Adding a case is a list edit: append { query, notice } to CASES. `query`
// is the raw query string (without "?"); `notice`, when given, is a RegExp
// the page's text must match (the notice the URL-state parser shows for a
// value it refused).

import { check, clockSeconds, readout } from '../harness.mjs';

// Long, but under the 16 KiB request-head limit of Node's (and most) servers.
const long = 'x'.repeat(8_000);

export const CASES = [
  { query: 'nodes=1e309', notice: /Nodes: 1e309 is outside 1–15000; using 15000/ },
  { query: 'nodes=-1&seed=NaN', notice: /seed: “NaN” is not a whole number/ },
  { query: 'speed=Infinity&nodes=NaN', notice: /Nodes: “NaN” is not a number/ },
  { query: 'seed=18446744073709551616', notice: /seed: .* is not a whole number/ },
  { query: 'x=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E&%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E=1', notice: /“x” is not a setting of this page/ },
  { query: 'nodes=%F0%9F%A6%80&name=%E2%80%AE%00%C3%A9', notice: /Nodes: “🦀” is not a number/ },
  { query: 'a=%E0%A4%A&b=%', notice: /“a” is not a setting of this page/ },
  { query: `nodes=${long}`, notice: /only the first 4096 were read/ },
  { query: '&&&==&?&#' },
  // Numbers out of range, negative, huge, not numbers.
  { query: 'nodes=0', notice: /Nodes: 0 is outside 1–15000; using 1/ },
  { query: 'nodes=-5000', notice: /Nodes: -5000 is outside/ },
  { query: 'nodes=99999999999999999999999', notice: /Nodes: .* is outside/ },
  { query: 'max-requests-inflight=0', notice: /max-requests-inflight: 0 is outside 1–3000/ },
  { query: 'max-mutating-requests-inflight=1e6', notice: /max-mutating-requests-inflight: 1e6 is outside/ },
  { query: 'webhook-concurrency=-1', notice: /Webhook concurrency: -1 is outside/ },
  { query: 'webhook-latency=0', notice: /Webhook latency: 0 is outside/ },
  { query: 'webhook-timeout=31', notice: /Webhook timeout: 31 is outside 1–30; using 30/ },
  { query: 'etcd-connections=1000', notice: /etcd connections: 1000 is outside 1–100/ },
  { query: 'etcd-fsync-latency=-0.0', notice: /etcd fsync latency: -0.0 is outside/ },
  { query: 'namespaces=100000', notice: /Namespaces: 100000 is outside 1–10000/ },
  { query: 'speed=1000', notice: /Speed: 1000 is outside 0.01–100; using 100/ },
  { query: 'speed=-3&speed=2', notice: /Speed: -3 is outside/ },
  { query: 'nodes=1,000', notice: /Nodes: “1,000” is not a number/ },
  { query: 'nodes=0x10', notice: /Nodes: “0x10” is not a number/ },
  { query: 'nodes=', notice: /Nodes: “” is not a number/ },
  { query: 'namespaces=%20%20', notice: /Namespaces: “ {0,2}” is not a number/ },
  { query: 'seed=-1', notice: /seed: “-1” is not a whole number/ },
  { query: 'seed=1.5', notice: /seed: “1.5” is not a whole number/ },
  // Choices that do not exist.
  { query: 'flow-control=apf2', notice: /flow-control: “apf2” is not one of its choices/ },
  { query: 'flow-control=APF', notice: /flow-control: “APF” is not one of its choices/ },
  { query: 'webhook-handling=%3Cb%3Ebold%3C%2Fb%3E', notice: /webhook-handling: “<b>bold<\/b>” is not one of its choices/ },
  { query: 'cache-locking=', notice: /cache-locking: “” is not one of its choices/ },
  { query: 'etcd-client=pool%00', notice: /etcd-client: .* is not one of its choices/ },
  { query: 'discovery=legacy%0Aaggregated', notice: /discovery: .* is not one of its choices/ },
  { query: 'consistent-list=disk', notice: /consistent-list: “disk” is not one of its choices/ },
  { query: 'preset=../../etc/passwd', notice: /preset: there is no preset called “..\/..\/etc\/passwd”/ },
  { query: 'preset=mm1', notice: /preset: there is no preset called “mm1”/ },
  { query: 'panel=admin', notice: /panel: no panel called “admin”/ },
  { query: 'embed=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E', notice: /embed: no figure called/ },
  { query: 'chart=all', notice: /chart: no chart called “all”/ },
  { query: 'b=javascript:alert(1)', notice: /b: no preset called “javascript:alert\(1\)”/ },
  { query: 'sweep=speed', notice: /sweep: no slider called “speed”/ },
  { query: 'sweep-from=abc', notice: /sweep-from: “abc” is not a number/ },
  { query: 'controls=nodes,%3Cimg%3E', notice: /controls: no slider called “<img>”/ },
  // Unicode, control characters, repeated and odd keys.
  { query: '%E2%80%AE%E2%80%AEnodes=5', notice: /is not a setting of this page/ },
  { query: 'n%C3%B6des=5', notice: /“nödes” is not a setting of this page/ },
  { query: 'nodes=5&nodes=6&nodes=abc', notice: /Nodes: “abc” is not a number; kept 1000/ },
  { query: 'NODES=5', notice: /“NODES” is not a setting of this page/ },
  { query: `${'k'.repeat(3000)}=1`, notice: /is not a setting of this page/ },
  { query: 'onload=alert(1)&onerror=alert(1)', notice: /“onload” is not a setting of this page/ },
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
