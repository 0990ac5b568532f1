// Share, embed, compare, export (issue 6): links that reproduce a view and
// its numbers, embeds in iframes from a sub-path, the A/B panel, the sweep
// in a worker, exported files that parse (and replay in cplab), imports.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  check, clockSeconds, dragSlider, readout, screenshot, seconds, waitForSimTime,
} from '../harness.mjs';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);

/** The native CLI built by the test run (`cargo test` builds it). */
function cplab() {
  for (const path of ['target/debug/cplab', 'target/release/cplab']) {
    if (existsSync(join(ROOT, path))) return join(ROOT, path);
  }
  execFileSync('cargo', ['build', '--quiet', '--bin', 'cplab'], { cwd: ROOT });
  return join(ROOT, 'target/debug/cplab');
}

async function ink(locator) {
  return locator.evaluate((canvas) => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count += 1;
    return count;
  });
}

/** JSON with its keys sorted, to compare documents whatever their key order. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

async function stepTimes(page, n) {
  const step = page.getByRole('button', { name: 'Step', exact: true });
  for (let i = 0; i < n; i += 1) await step.click();
  await page.waitForTimeout(400); // one readout refresh
}

async function download(page, name) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
  return readFile(await file.path());
}

export default [
  ['a link carries the view; opening it twice gives the same numbers', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?story=none`);
    await waitForSimTime(page, 1);
    await dragSlider(page, 'Nodes', 0.8);
    await page.getByRole('radio', { name: 'Max inflight' }).check();
    await page.getByRole('tab', { name: 'Claims' }).click();
    const url = new URL(page.url());
    check(url.searchParams.get('flow-control') === 'max-inflight', `the address holds the switch: ${url.search}`);
    check(url.searchParams.get('panel') === 'claims' && Number(url.searchParams.get('nodes')) > 1000, `and the slider and panel: ${url.search}`);
    // The same link, paused from the start and stepped alike, twice.
    const link = `${base}?nodes=3000&seed=7&paused=1&flow-control=article-queue`;
    const numbers = [];
    for (let i = 0; i < 2; i += 1) {
      await page.goto(link);
      await page.waitForTimeout(300);
      await stepTimes(page, 30);
      numbers.push(['sim-time', 'p99-latency', 'p50-latency', 'throughput', 'rejected-rate'].map((id) => page.getByTestId(id).textContent()));
      numbers[i] = await Promise.all(numbers[i]);
    }
    check(clockSeconds(numbers[0][0]) > 2.9, `stepped to ${numbers[0][0]}`);
    check(JSON.stringify(numbers[0]) === JSON.stringify(numbers[1]), `the same link, other numbers: ${numbers[0]} vs ${numbers[1]}`);
  }],

  ['Copy link says it copied, and says so when the browser refuses', async ({ base, open }) => {
    const { page, context } = await open();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(base).origin });
    await page.goto(`${base}?nodes=2000`);
    await page.locator('.share summary').click();
    await page.getByRole('button', { name: 'Copy link' }).click();
    const status = page.getByTestId('copied-link');
    await status.waitFor();
    check((await status.textContent()) === 'Copied to the clipboard.', `after Copy link: ${await status.textContent()}`);
    const pasted = await page.evaluate(() => navigator.clipboard.readText());
    check(pasted === (await page.getByTestId('share-link').inputValue()) && /nodes=2000/.test(pasted), `the clipboard holds the link: ${pasted}`);
    // A browser that refuses (an iframe without clipboard-write, say).
    await page.evaluate(() => {
      navigator.clipboard.writeText = () => Promise.reject(new DOMException('refused', 'NotAllowedError'));
    });
    await page.getByRole('button', { name: 'Copy embed code' }).click();
    const refused = page.getByTestId('copied-embed');
    await refused.waitFor();
    check(/refused the clipboard/.test(await refused.textContent()), `a refusal is said: ${await refused.textContent()}`);
    check(await page.getByTestId('copied-link').count() === 0, 'one status at a time');
  }],

  ['exported metrics and scenario parse, and cplab replays the TOML to the page\'s numbers', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?seed=3&speed=8&nodes=2000`);
    await waitForSimTime(page, 24, 60_000);
    await dragSlider(page, 'max-requests-inflight', 0.2);
    await page.getByRole('button', { name: 'Slow webhook' }).click();
    await waitForSimTime(page, clockSeconds(await readout(page, 'sim-time')) + 6, 60_000);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.locator('.share summary').click();
    const json = JSON.parse((await download(page, 'Metrics JSON')).toString());
    check(json.summary.classes.mutating.completed > 1000, 'the JSON holds the summary');
    check(Array.isArray(json.windows['read-single']) && json.windows['read-single'].length > 10, 'and the time series');
    const csv = (await download(page, 'Metrics CSV')).toString().trim().split('\n');
    const columns = csv[0].split(',').length;
    check(csv.length > 100 && csv.every((line) => line.split(',').length === columns), `CSV of ${csv.length} even rows`);
    const png = await download(page, 'Latency PNG');
    check(png.subarray(1, 4).toString() === 'PNG' && png.length > 2000, 'a PNG of the latency chart');
    const toml = (await download(page, 'Scenario TOML')).toString();
    check(/\[control_plane\]/.test(toml) && /\[\[timeline\]\]/.test(toml) && /slow_webhook = 50/.test(toml), 'the TOML holds the changes');
    const dir = await mkdtemp(join(tmpdir(), 'cplab-'));
    const file = join(dir, 'exported.toml');
    await writeFile(file, toml);
    const replay = JSON.parse(execFileSync(cplab(), ['run', file, '--json']).toString());
    check(canonical(replay.classes) === canonical(json.summary.classes),
      `cplab's replay differs from the page:\n${JSON.stringify(replay.classes.mutating)}\n${JSON.stringify(json.summary.classes.mutating)}`);
  }],

  ['import: a malformed file shows the error at its field and changes nothing; a good one loads, by picker or drop', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?story=none`);
    await waitForSimTime(page, 1);
    await page.locator('.share summary').click();
    const before = await page.getByTestId('scenario-name').textContent();
    const bad = (await readFile(join(ROOT, 'static/scenarios/k8s-1.30-upstream-1000.toml'))).toString().replace('nodes = 1000', 'nodes = 20000');
    await page.getByTestId('import-file').setInputFiles({ name: 'bad.toml', mimeType: 'text/plain', buffer: Buffer.from(bad) });
    const error = page.getByTestId('nodes-error');
    await error.waitFor();
    check(/control_plane\.workload\.nodes: must be 1 to 15000, got 20000 \(line \d+\)/.test(await error.textContent()), `error: ${await error.textContent()}`);
    check((await page.getByTestId('scenario-name').textContent()) === before, 'nothing changed');
    // Said where the file went in too, with the way to its slider.
    const inZone = page.getByTestId('import-error');
    check(/nodes: must be 1 to 15000/.test(await inZone.textContent()), `the drop zone says it: ${await inZone.textContent()}`);
    await inZone.getByRole('button', { name: 'Show Nodes' }).click();
    check(await page.getByRole('slider', { name: 'Nodes', exact: true }).evaluate((e) => e === document.activeElement), 'the button focuses the slider');
    const t = clockSeconds(await readout(page, 'sim-time'));
    await waitForSimTime(page, t + 1);
    // Not TOML at all: the error goes in the import box.
    await page.getByTestId('import-file').setInputFiles({ name: 'junk.toml', mimeType: 'text/plain', buffer: Buffer.from('<b>[[[') });
    // The box still shows the last file's error until the worker answers.
    await page.getByTestId('import-error').filter({ hasText: 'junk.toml' }).waitFor({ timeout: 10_000 }).catch(() => {});
    check(/junk.toml/.test(await page.getByTestId('import-error').textContent()), 'the error names the file');
    check((await page.locator('.import b').count()) === 0, 'file text is never markup');
    // A good file, dropped.
    const good = (await readFile(join(ROOT, 'static/scenarios/teach-leader-election.toml'))).toString().replace('nodes = 1000', 'nodes = 1234');
    await page.getByTestId('import-zone').evaluate((zone, text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'mine.toml', { type: 'text/plain' }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, good);
    await page.getByText('Imported mine.toml').waitFor();
    check((await page.getByRole('slider', { name: 'Nodes', exact: true }).getAttribute('aria-valuetext')) === '1,234', 'the imported nodes');
    check(/Imported: Leader election/.test(await page.getByTestId('scenario-picker').locator('option:checked').textContent()), 'the picker says imported');
  }],

  ['embed: the copied code shows one figure; the blog example runs both figures from a sub-path and pauses them out of view', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?nodes=2000`);
    await page.locator('.share summary').click();
    await page.getByLabel('Figure to embed').selectOption('latency');
    await page.getByRole('button', { name: 'Copy embed code' }).click();
    const code = await page.getByTestId('embed-code').inputValue();
    check(/^<iframe src="[^"]+embed=latency[^"]*" width="700" height="450"/.test(code), `embed code: ${code}`);
    const src = code.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
    await page.setViewportSize({ width: 700, height: 450 });
    await page.goto(src);
    await page.getByTestId('embed').waitFor();
    // A few closed windows, so that each quantile is a line.
    await waitForSimTime(page, 4);
    check((await ink(page.getByTestId('latency-chart'))) > 100, 'the embedded chart draws');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, `the embed is ${overflow} px wider than 700 px`);
    await screenshot(page, 'embed-latency-700x450');
    // A blog post embedding two figures by relative path.
    await page.setViewportSize({ width: 1000, height: 700 });
    await page.goto(`${base}embed-example.html`);
    const frames = page.locator('iframe');
    check((await frames.count()) === 2, 'two figures');
    const clock = async (i) => clockSeconds((await page.frameLocator('iframe').nth(i).getByTestId('sim-time').textContent({ timeout: 30_000 })) ?? '');
    await frames.nth(0).scrollIntoViewIfNeeded();
    await page.frameLocator('iframe').nth(0).getByTestId('diagram').waitFor();
    await page.waitForTimeout(2_000);
    check((await clock(0)) > 0.5, 'the first figure runs');
    await frames.nth(1).scrollIntoViewIfNeeded();
    await page.frameLocator('iframe').nth(1).getByTestId('latency-chart').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(2_000);
    const second = await clock(1);
    check(second > 0.5, `the second figure runs (${second} s)`);
    // Scrolled away, a figure stops; back in view, it goes on.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(600);
    const away = await clock(1);
    await page.waitForTimeout(1_500);
    check((await clock(1)) - away < 0.3, 'the figure out of view is paused');
    await frames.nth(1).scrollIntoViewIfNeeded();
    await page.waitForTimeout(1_500);
    check((await clock(1)) > away + 0.5, 'and runs again in view');
    await screenshot(page, 'embed-example');
  }],

  ['A/B shows both configurations with the same seed and their difference', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?panel=ab&nodes=5000&max-requests-inflight=20&max-mutating-requests-inflight=10&speed=4`);
    await waitForSimTime(page, 14, 60_000);
    await page.waitForTimeout(500);
    const a = seconds(await readout(page, 'ab-a-p99'));
    const b = seconds(await readout(page, 'ab-b-p99'));
    check(a > 0 && b > 0, `A p99 ${a} s, B p99 ${b} s`);
    check(/[+−]/.test(await readout(page, 'ab-diff-p99')), 'the difference is shown');
    check((await ink(page.getByTestId('ab-chart'))) > 100, 'both lines drawn');
    // Drawn at the size it is shown (not a 720 px drawing stretched).
    const fit = await page.getByTestId('ab-chart').evaluate((c) => [c.width, c.clientWidth, c.height, c.clientHeight]);
    check(Math.abs(fit[0] - fit[1]) <= 2 && Math.abs(fit[2] - fit[3]) <= 2, `the A/B canvas is ${fit[0]}×${fit[2]} px shown at ${fit[1]}×${fit[3]}`);
    const options = await page.getByTestId('ab-picker').locator('option').evaluateAll((os) => os.map((o) => o.value));
    check(!options.includes('k8s-1.32') && options.includes('k8s-1.30'), `B offers every preset but A's: ${options}`);
    check((await page.getByTestId('ab-picker').inputValue()) === 'k8s-1.30', 'B is 1.30 on a first visit');
    await page.getByTestId('ab-picker').selectOption('k8s-1.32-article');
    check(new URL(page.url()).searchParams.get('b') === 'k8s-1.32-article', 'B is in the link');
    await screenshot(page, 'ab');
  }],

  ['the sweep runs in a worker while the page stays live, and draws p99 against the range', async ({ base, open }) => {
    const { page, requests } = await open();
    await page.goto(`${base}?panel=sweep&sweep=etcd-fsync-latency&sweep-from=0.1&sweep-to=100`);
    const t0 = clockSeconds(await readout(page, 'sim-time'));
    await page.waitForTimeout(2_500);
    check(clockSeconds(await readout(page, 'sim-time')) > t0 + 1, 'the lab runs during the sweep');
    await page.getByTestId('job-progress').and(page.locator('[data-done="true"]')).waitFor({ timeout: 240_000 });
    check((await page.getByTestId('sweep-chart').getAttribute('data-points')) === '20', 'twenty points');
    // The worker's files are not hashed by name: they carry the page's build.
    const build = requests.map((url) => url.match(/control-plane-lab-([0-9a-f]+)\.js$/)?.[1]).find(Boolean);
    for (const file of ['worker.js', 'cplab-worker.js', 'cplab-worker_bg.wasm']) {
      check(requests.some((url) => url.endsWith(`/${file}?v=${build}`)), `${file} loaded for build ${build}: ${requests.join(', ')}`);
    }
    check((await ink(page.getByTestId('sweep-chart'))) > 1000, 'the sweep is drawn');
    await screenshot(page, 'sweep');
    // On a phone, drawn at the size it is shown (12 px labels), not a
    // 720 px drawing shrunk to 300.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.getByTestId('sweep-knob').selectOption('nodes');
    await page.getByTestId('job-progress').and(page.locator('[data-done="true"]')).waitFor({ timeout: 240_000 });
    const fit = await page.getByTestId('sweep-chart').evaluate((c) => [c.width, c.clientWidth, c.height, c.clientHeight]);
    check(Math.abs(fit[0] - fit[1]) <= 2 && Math.abs(fit[2] - fit[3]) <= 2, `the sweep canvas is ${fit[0]}×${fit[2]} px shown at ${fit[1]}×${fit[3]}`);
    await screenshot(page, 'sweep-360');
  }],

  ['the sweep marks the points where requests failed', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?panel=sweep&nodes=5000&flow-control=max-inflight&sweep=max-mutating-requests-inflight&sweep-from=1&sweep-to=50`);
    await page.getByTestId('job-progress').and(page.locator('[data-done="true"]')).waitFor({ timeout: 240_000 });
    const chart = page.getByTestId('sweep-chart');
    const failed = Number(await chart.getAttribute('data-failed-points'));
    const points = Number(await chart.getAttribute('data-points'));
    // Under Max inflight, a low mutating limit rejects writes at once.
    check(points === 20 && failed > 0 && failed < points, `${failed} of ${points} points with failures`);
  }],

  ['when the worker\'s module cannot load, the sweep and an import say so, and the next request tries again', async ({ base, open }) => {
    const { page, context, problems } = await open();
    let refuse = true;
    await context.route(/\/cplab-worker_bg\.wasm/, (route) => (refuse ? route.abort() : route.continue()));
    await page.goto(`${base}?panel=sweep&sweep=etcd-fsync-latency&sweep-from=0.1&sweep-to=100`);
    const alert = page.locator('.sweep .error[role=alert]');
    await alert.waitFor({ timeout: 30_000 });
    check(/worker/.test(await alert.textContent()), `the sweep says why: ${await alert.textContent()}`);
    check(/stopped/.test(await page.getByTestId('job-progress').textContent()), 'its progress says stopped, not done');
    check(clockSeconds(await readout(page, 'sim-time')) > 0, 'the lab runs on');
    await screenshot(page, 'worker-failed');
    // The import box says it too, and nothing changes.
    await page.getByRole('tab', { name: 'Lab' }).click();
    await page.locator('.share summary').click();
    const before = await page.getByTestId('scenario-name').textContent();
    const good = (await readFile(join(ROOT, 'static/scenarios/teach-leader-election.toml'))).toString();
    await page.getByTestId('import-file').setInputFiles({ name: 'mine.toml', mimeType: 'text/plain', buffer: Buffer.from(good) });
    await page.getByTestId('import-error').waitFor({ timeout: 30_000 });
    check(/worker/.test(await page.getByTestId('import-error').textContent()), 'the import says why');
    check((await page.getByTestId('scenario-name').textContent()) === before, 'nothing changed');
    // Once the module can load, the next request starts a fresh worker.
    refuse = false;
    await page.getByTestId('import-file').setInputFiles({ name: 'mine.toml', mimeType: 'text/plain', buffer: Buffer.from(good) });
    await page.getByText('Imported mine.toml').waitFor({ timeout: 30_000 });
    // The failures were reported in the console on purpose; nothing else was.
    const unexpected = problems.filter((p) => !/worker|cplab-worker_bg\.wasm|ERR_FAILED/.test(p));
    problems.length = 0;
    check(unexpected.length === 0, `unexpected console problems: ${unexpected.join('; ')}`);
  }],
];
