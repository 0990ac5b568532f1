// The article's scenarios (issue 5), driven from links as a reader arriving
// from the article would: every preset and teaching scenario, the
// comparison table, the case study and the claims.
import { check, clockSeconds, dragSlider, readout, screenshot, seconds, waitForSimTime } from '../harness.mjs';

const PRESETS = {
  'k8s-1.30': 'Kubernetes 1.30 (upstream), 1,000 nodes',
  'k8s-1.32': 'Kubernetes 1.32 (upstream), 1,000 nodes',
  'k8s-1.32-article': 'Kubernetes 1.32 as the article describes (not upstream), 1,000 nodes',
  'single-binary': 'Single-binary control plane (Nomad-style), 1,000 nodes',
  'slow-webhook': 'Slow admission webhook',
  'fsync-spike': 'etcd fsync spike',
  'leader-election': 'Leader election',
  'restart-storm': 'Node restart storm (discovery)',
  'list-storm': 'LIST storm from a controller',
  'greedy-tenant': 'A greedy tenant vs fair queuing',
  'case-study-before': "The article's case study: before (1.30, 800 nodes)",
};

/** Waits until the panel's job has finished (its progress says done). */
async function jobDone(page, timeoutMs) {
  await page.getByTestId('job-progress').and(page.locator('[data-done="true"]')).waitFor({ timeout: timeoutMs });
}

/** A number in a cell's model figure ("41,168", "≥ 2.35"). */
async function modelFigure(page, testId) {
  const text = (await page.getByTestId(testId).locator('.model').textContent()) ?? '';
  return parseFloat(text.replace(/[≥,\s]/g, ''));
}

export default [
  ['every preset and teaching scenario opens from its link and runs', async ({ base, open }) => {
    const { page } = await open();
    for (const [id, name] of Object.entries(PRESETS)) {
      await page.goto(`${base}?preset=${id}`);
      await waitForSimTime(page, 1);
      const shown = (await page.getByTestId('scenario-name').textContent()) ?? '';
      check(shown.startsWith(name), `?preset=${id} shows “${shown}”`);
      check((await page.getByTestId('scenario-picker').inputValue()) === id, `the picker shows ${id}`);
      check((await page.getByTestId('notices').count()) === 0, `?preset=${id} gave notices`);
    }
    await page.goto(`${base}?preset=k8s-1.32-article`);
    // Waits for the page to render it (isVisible alone would race the start-up).
    const label = page.getByTestId('scenario-name').getByText('As the article describes (not in upstream Kubernetes)');
    await label.waitFor({ timeout: 10_000 }).catch(() => {});
    check(await label.isVisible(), 'the article preset is labelled as not upstream');
    // Choosing from the picker loads the scenario and its guide.
    await page.getByTestId('scenario-picker').selectOption('greedy-tenant');
    check(/shuffle sharding/.test(await page.getByTestId('scenario-guide').textContent()), 'the guide of the greedy tenant');
    check((await page.getByRole('slider', { name: 'max-requests-inflight', exact: true }).getAttribute('aria-valuetext')) === '50',
      'the preset sets its sliders');
    check(page.url().includes('preset=greedy-tenant'), `the address follows: ${page.url()}`);
  }],

  ["a teaching scenario's timeline fires on the page and the controls follow it", async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?preset=fsync-spike&speed=16`);
    const fault = page.getByRole('button', { name: 'etcd fsync spike', exact: true });
    check((await fault.getAttribute('aria-pressed')) === 'false', 'no spike at the start');
    await waitForSimTime(page, 33, 60_000);
    check((await fault.getAttribute('aria-pressed')) === 'true', 'the spike shows as on after 30 s');
    await waitForSimTime(page, 62, 60_000);
    check((await fault.getAttribute('aria-pressed')) === 'false', 'and off after 60 s');
  }],

  ['the table and the case study for the default run show at once: computed when the site was built', async ({ base, open }) => {
    const { page } = await open();
    const presets = ['k8s-1.32', 'k8s-1.32-article', 'k8s-1.30', 'single-binary'];
    // From the link to every cell (src/lab/precomputed.rs), the page's start-up included.
    for (const query of ['?panel=compare', '?embed=table']) {
      const started = Date.now();
      await page.goto(`${base}${query}`);
      await jobDone(page, 10_000);
      const ms = Date.now() - started;
      check(ms < 3_000, `${query}: every cell ${ms} ms after opening`);
      check((await page.getByTestId('job-progress').getAttribute('data-precomputed')) === 'true', `${query}: precomputed`);
      for (const preset of presets) {
        for (const row of [0, 1, 2, 3]) {
          const value = await modelFigure(page, `cell-${row}-${preset}`);
          check(Number.isFinite(value) && value > 0, `${query}, row ${row}, ${preset}: model figure ${value}`);
        }
        const cost = await page.getByTestId(`cell-4-${preset}`).textContent();
        check(/not computed/.test(cost), `${preset}: the cost is not invented (${cost})`);
      }
      // The README's figures for seed 1.
      const upstream = await modelFigure(page, 'cell-0-k8s-1.32');
      check(upstream === 13308, `${query}: 1.32 sustains 13,308 req/s (shows ${upstream})`);
      check(await modelFigure(page, 'cell-0-k8s-1.30') === 13315, `${query}: 1.30 sustains 13,315 req/s`);
      check(await modelFigure(page, 'cell-3-single-binary') === 1, 'one node for the single binary');
      // What limits each column at capacity, as `cplab compare` prints it.
      const limit = (preset) => page.getByTestId(`cell-limit-${preset}`).textContent();
      // Every column runs out of its busiest API server's 32 cores.
      for (const preset of presets) {
        check(/^CPU of apiserver-\d+, (9[6-9]|100)% busy$/.test(await limit(preset)), `${query}: ${preset} is limited by its CPU (${await limit(preset)})`);
      }
    }
    await page.goto(`${base}?panel=compare`);
    await jobDone(page, 10_000);
    await screenshot(page, 'compare-table');
    const started = Date.now();
    await page.goto(`${base}?panel=case-study`);
    await jobDone(page, 10_000);
    const ms = Date.now() - started;
    check(ms < 3_000, `the case study's rows ${ms} ms after opening`);
    check((await page.getByTestId('job-progress').getAttribute('data-precomputed')) === 'true', 'the case study is precomputed');
    check((await page.locator('[data-testid^="case-row-"]').count()) === 6, 'six rows');
  }],

  ['a changed setting recomputes the table in a worker while the lab runs', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?panel=compare`);
    check(await page.getByRole('tab', { name: "The article's table" }).getAttribute('aria-selected') === 'true', 'the panel is open');
    await jobDone(page, 10_000);
    const fast = await modelFigure(page, 'cell-2-k8s-1.32');
    // Slower disks: every column's store-write p99 follows, computed afresh.
    const fsync = await dragSlider(page, 'etcd fsync latency', 0.6);
    const progress = page.getByTestId('job-progress');
    await progress.and(page.locator('[data-done="false"]')).waitFor({ timeout: 5_000 });
    check((await progress.getAttribute('data-precomputed')) === 'false', 'not precomputed');
    check((await page.getByTestId('cell-2-k8s-1.32').locator('.pending').count()) === 1, 'the cell waits for its figure');
    // The page stays live while the worker computes.
    const t0 = clockSeconds(await readout(page, 'sim-time'));
    await page.waitForTimeout(3_000);
    check(clockSeconds(await readout(page, 'sim-time')) > t0 + 1, 'the lab kept running during the computation');
    await jobDone(page, 600_000);
    check(/done in [\d.]+ s/.test(await progress.textContent()), `computed: ${await progress.textContent()}`);
    for (const preset of ['k8s-1.32', 'k8s-1.32-article', 'k8s-1.30', 'single-binary']) {
      for (const row of [0, 1, 2, 3]) {
        const value = await modelFigure(page, `cell-${row}-${preset}`);
        check(Number.isFinite(value) && value > 0, `row ${row}, ${preset}: model figure ${value}`);
      }
    }
    const slow = await modelFigure(page, 'cell-2-k8s-1.32');
    check(slow > fast, `fsync ${fsync}: store-write p99 ${slow} ms vs ${fast} ms`);
    const upgrade = await modelFigure(page, 'cell-0-k8s-1.32');
    const older = await modelFigure(page, 'cell-0-k8s-1.30');
    // Both run out of the same 32 cores: the upgrade barely moves capacity.
    check(Math.abs(upgrade / older - 1) < 0.1, `1.32 and 1.30 within 10% in the model: ${upgrade} vs ${older}`);
  }],

  // The case runs the article's etcd 3.5.8, too old for consistent reads
  // from the cache (k8s.io/apiserver storage/feature): the upgrade leaves
  // the CI job's LISTs on etcd, and no change moves people's p99 by 5%.
  ['the case study from its link: on etcd 3.5.8 no change moves people\'s p99, and the findings say why', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?panel=case-study`);
    await jobDone(page, 300_000);
    const p99 = async (mask) => seconds((await page.getByTestId(`case-row-${mask}`).locator('td').first().textContent()) ?? '');
    const before = await p99(0);
    const after = await p99(15);
    const upgrade = await p99(1);
    check(before > 0 && after > 0 && Math.abs(after / before - 1) < 0.05, `people's p99 after ${after} s, before ${before} s`);
    check(upgrade === before, `the upgrade alone: ${upgrade} s, before ${before} s`);
    const findings = await page.getByTestId('case-findings').textContent();
    check(/No change on its own moves/.test(findings), 'the findings say no change moves it');
    check(/etcd 3\.5\.13/.test(findings) && /Upgrade to 1.32/.test(findings), 'the findings name the upgrade and the etcd it needs');
    await page.getByRole('button', { name: 'After' }).click();
    check((await readout(page, 'case-p99')) === (await page.getByTestId('case-row-15').locator('td').first().textContent()).trim(),
      'the After toggle shows the after row');
    await page.getByTestId('case-row-1').getByRole('button', { name: 'Open in the lab' }).click();
    check(await page.getByRole('radio', { name: 'From cache' }).isChecked(), 'the upgrade row opens with consistent LISTs from the cache');
    check(/case study/.test(await page.getByTestId('scenario-name').textContent()), 'in the case scenario');
    await screenshot(page, 'case-study');
  }],

  ['every claim has a verdict and a source; its button opens the scenario; a tip sets the sliders', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?panel=claims`);
    const claims = page.locator('.claim');
    // The app renders once its module has loaded, which can be after `load`.
    await claims.first().waitFor();
    const count = await claims.count();
    check(count === 11, `${count} claims`);
    for (const id of ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7']) {
      const claim = page.getByTestId(`claim-${id}`);
      check(/Upstream|Not upstream|Partly|Not reproduced/.test(await claim.locator('.verdict').textContent()), `${id} has a verdict`);
      check(/Source:/.test(await claim.locator('.source').textContent()), `${id} has a source`);
    }
    await page.getByTestId('claim-A4').getByRole('button').click();
    check((await page.getByTestId('scenario-name').textContent()).startsWith('Leader election'), 'A4 opens the leader election');
    await page.getByRole('tab', { name: 'Claims' }).click();
    await page.locator('.tip').first().getByRole('button', { name: 'Try it, step by step' }).click();
    await page.getByTestId('story').waitFor();
    check(await page.getByRole('radio', { name: 'Dedicated limit' }).isChecked(), 'the webhook tip sets the article\'s dedicated limit');
    check((await page.getByRole('button', { name: 'Slow webhook' }).getAttribute('aria-pressed')) === 'true', 'with a slow webhook');
  }],
];
