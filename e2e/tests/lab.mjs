// The laboratory page, driven as a reader would: load it from a sub-path,
// drag sliders, use the keyboard, flip switches, inject faults.
import {
  check, clockSeconds, dragSlider, perSecond, readout, screenshot, seconds, sliderReadout, waitForSimTime,
} from '../harness.mjs';

/** Pixels drawn (not transparent) on a canvas. */
async function ink(page, testId) {
  return page.getByTestId(testId).evaluate((canvas) => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count += 1;
    return count;
  });
}

/** Waits `simulated` more seconds of the simulation's clock. */
async function waitFor(page, simulated) {
  // The readouts refresh a few times a second, so the clock shown may
  // predate a change just made (by several simulated seconds at 16×). Start
  // counting from the first refresh after the call: every window the
  // readouts then cover is wholly after the change.
  const shown = await readout(page, 'sim-time');
  const start = Date.now();
  let fresh;
  while ((fresh = await readout(page, 'sim-time')) === shown) {
    if (Date.now() - start > 10_000) throw new Error(`the readouts did not refresh (clock at ${shown})`);
    await page.waitForTimeout(50);
  }
  return waitForSimTime(page, clockSeconds(fresh) + simulated, 120_000);
}

/** Moves the Speed slider by Page Up presses (each ×2.5). */
async function faster(page, presses) {
  const speed = page.getByRole('slider', { name: 'Speed', exact: true });
  await speed.focus();
  for (let i = 0; i < presses; i += 1) await page.keyboard.press('PageUp');
}

export default [
  ['the page loads from a sub-path with a clean console, live charts and the diagram', async ({ base, open }) => {
    const { page, requests } = await open();
    await page.goto(`${base}?story=none`);
    await waitForSimTime(page, 8);
    check(/ms|s$/.test(await readout(page, 'p99-latency')), 'p99 readout shows a latency');
    check(/req\/s$/.test(await readout(page, 'throughput')), 'throughput readout shows a rate');
    const origin = new URL(base).origin;
    const outside = requests.filter((url) => !url.startsWith(origin + '/some/sub/path/'));
    check(outside.length === 0, `requests outside the site: ${outside.join(', ')}`);
    // The worker's module (the article's computations, TOML and JSON) is
    // fetched when first needed, never by a plain visit.
    const worker = requests.filter((url) => /worker/.test(url));
    check(worker.length === 0, `a plain visit fetched the worker: ${worker.join(', ')}`);
    check((await ink(page, 'latency-chart')) > 200, 'the latency chart has no lines');
    check((await ink(page, 'rates-chart')) > 200, 'the rates chart has no lines');
    check((await ink(page, 'histogram-chart')) > 100, 'the histogram has no bars');
    check((await ink(page, 'diagram')) > 5_000, 'the diagram is empty');
    for (const label of ['Upstream Kubernetes', 'As the article describes (not in upstream Kubernetes)']) {
      check((await page.getByText(label, { exact: true }).count()) > 0, `no panel labelled "${label}"`);
    }
    await screenshot(page, 'lab-1280x800');
  }],

  ['fewer seats under load raise p99 and bring 429s; more seats bring it back down', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?story=none`);
    await faster(page, 2); // about 6×
    // Keyboard-only: the Nodes slider to its maximum.
    await page.getByRole('slider', { name: 'Nodes', exact: true }).focus();
    await page.keyboard.press('End');
    check((await sliderReadout(page, 'Nodes')) === '15,000', 'End moves Nodes to 15,000');
    await waitFor(page, 12);
    const before = seconds(await readout(page, 'p99-latency'));
    check(before > 0 && before < 1, `baseline p99 ${before} s should be under a second`);
    const idle = await readout(page, 'limit-now');
    check(/^none \(busiest: .+, [\d.]+%\)$/.test(idle), `Limit now at the baseline: "${idle}"`);
    // Mouse: both inflight limits down to 1 (APF's levels get a seat each).
    check((await dragSlider(page, 'max-requests-inflight', 0)) === '1', 'max-requests-inflight reaches 1');
    check((await dragSlider(page, 'max-mutating-requests-inflight', 0)) === '1', 'max-mutating reaches 1');
    await waitFor(page, 10);
    const loaded = seconds(await readout(page, 'p99-latency'));
    check(loaded > 5 * before, `p99 rose from ${before} s only to ${loaded} s with 2 seats`);
    const rejected = perSecond(await readout(page, 'rejected-rate'));
    check(rejected > 0, `no 429s with 2 seats (${rejected})`);
    check((await ink(page, 'queue-chart')) > 200, 'the queue chart shows no waiting requests');
    const seatsLimit = await readout(page, 'limit-now');
    check(/seats( on apiserver-\d+)?, \d+% busy$/.test(seatsLimit), `Limit now with 2 seats names seats: "${seatsLimit}"`);
    await screenshot(page, 'lab-overloaded');
    // Max inflight instead of APF: no queues, so the same overload turns
    // into immediate 429s and the long waits go.
    await page.getByRole('radio', { name: 'Max inflight' }).check();
    await waitFor(page, 25);
    const unqueued = seconds(await readout(page, 'p99-latency'));
    const rejectedNow = perSecond(await readout(page, 'rejected-rate'));
    check(unqueued < loaded / 5 && rejectedNow > 0, `max inflight: p99 ${unqueued} s (APF ${loaded} s), 429s ${rejectedNow}/s`);
    const slotsLimit = await readout(page, 'limit-now');
    check(/inflight slots( on apiserver-\d+)?, \d+% busy$/.test(slotsLimit), `Limit now under max inflight names its slots: "${slotsLimit}"`);
    await page.getByRole('radio', { name: 'APF' }).check();
    await dragSlider(page, 'max-requests-inflight', 1);
    await waitFor(page, 25);
    const relieved = seconds(await readout(page, 'p99-latency'));
    check(relieved < loaded / 5, `p99 stayed at ${relieved} s (was ${loaded} s) after restoring seats`);
  }],

  ['a slow webhook raises p99 under upstream (inline) handling', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?story=none`);
    await faster(page, 1);
    await waitFor(page, 12);
    const before = seconds(await readout(page, 'p99-latency'));
    await page.getByRole('button', { name: 'Slow webhook' }).click();
    check((await page.getByRole('button', { name: 'Slow webhook' }).getAttribute('aria-pressed')) === 'true', 'the fault shows as on');
    await waitFor(page, 12);
    const slow = seconds(await readout(page, 'p99-latency'));
    check(slow > 5 * before, `p99 ${slow} s with a slow webhook vs ${before} s`);
  }],

  ['each slider and switch moves the readouts the way the model says', async ({ base, open }) => {
    const { page } = await open();
    // LISTs from etcd: from the cache they wait for it to be fresh (up to
    // 100 ms), and they are as many as the webhook calls below, whose
    // effect on the p99 would then come and go with the mix.
    await page.goto(`${base}?story=none&consistent-list=etcd`);
    await faster(page, 3); // about 16×
    const p99 = async () => seconds(await readout(page, 'p99-latency'));
    const settle = () => waitFor(page, 12); // the readouts cover the last 10 s
    await settle();
    const base99 = await p99();

    // etcd fsync latency: slower disks, slower writes.
    await dragSlider(page, 'etcd fsync latency', 1);
    await settle();
    const slowDisk = await p99();
    check(slowDisk > 3 * base99, `fsync 100 ms: p99 ${slowDisk} s vs ${base99} s`);
    await dragSlider(page, 'etcd fsync latency', 0);
    await settle();

    // Webhook latency up: the writes they admit slow down.
    await dragSlider(page, 'Webhook latency', 0.9);
    // About 2% of API requests call a webhook (pod creations and deployment
    // PATCHes; pods/status and pods/binding do not match a rule for pods),
    // and each now takes seconds: wait until a whole 10 s of them is done.
    await waitFor(page, 20);
    const slowHooks = await p99();
    check(slowHooks > 3 * base99, `webhook latency ${await sliderReadout(page, 'Webhook latency')}: p99 ${slowHooks} s vs ${base99} s`);

    // Webhook timeout down to 1 s: the calls time out (failurePolicy Fail).
    await dragSlider(page, 'Webhook timeout', 0);
    await settle();
    const timeouts = perSecond(await readout(page, 'timeout-rate'));
    check(timeouts > 0, `webhook timeout 1 s under slow webhooks: no timeouts (${timeouts})`);

    // The article's dedicated limit with a single slot: webhook calls queue.
    // One API server (for the rest of this test too): each has its own
    // slots, and three would split the calls.
    check((await dragSlider(page, 'API servers', 0)) === '1', 'API servers reaches 1');
    await page.getByRole('radio', { name: 'Dedicated limit' }).check();
    await dragSlider(page, 'Webhook timeout', 1);
    // About 4 calls a second (pod creations and deployment PATCHes: a rule
    // for pods matches neither pods/status nor pods/binding) of ~0.21 s: one
    // slot is busy 85% of the time, and the calls queue for it (M/G/1: a
    // mean wait of about 0.7 s, against none with 2,000 slots).
    await dragSlider(page, 'Webhook latency', 0.58);
    // The webhook calls are about 2% of the requests: their share of the
    // p99's window varies, so wait for three windows.
    await dragSlider(page, 'Webhook concurrency', 0);
    await waitFor(page, 30);
    const oneSlot = await p99();
    await dragSlider(page, 'Webhook concurrency', 1);
    await waitFor(page, 30);
    const manySlots = await p99();
    check(oneSlot > 1.3 * manySlots, `webhook concurrency 1 vs 2,000: p99 ${oneSlot} s vs ${manySlots} s`);
    await page.getByRole('radio', { name: 'Inline' }).check();
    await dragSlider(page, 'Webhook latency', 0.35);

    // Namespaces down to 1: every user LIST returns every pod, which kubectl
    // asks for 500 at a time: 2.5 LISTs a second become up to 150 requests
    // (wait for whole windows; on one API server, pages read from etcd one
    // after another, so the window holds +80 to +150 of them).
    const servedRate = async () => perSecond(await readout(page, 'throughput'));
    await waitFor(page, 20);
    const spread = await servedRate();
    check((await dragSlider(page, 'Namespaces', 0)) === '1', 'Namespaces reaches 1');
    await waitFor(page, 20);
    const oneNamespace = await servedRate();
    check(oneNamespace > spread + 50, `1 namespace: ${oneNamespace} req/s vs ${spread} req/s with 100`);
    await dragSlider(page, 'Namespaces', 0.5);

    // The article's etcd pool: 1 or 100 connections hardly matter when
    // connections are not the bottleneck (the model's finding).
    await page.getByRole('radio', { name: 'Pool' }).check();
    await dragSlider(page, 'etcd connections', 0);
    await settle();
    const one = await p99();
    await dragSlider(page, 'etcd connections', 1);
    await settle();
    const hundred = await p99();
    check(one < 2 * hundred && hundred < 2 * one, `etcd pool 1 vs 100 connections: p99 ${one} s vs ${hundred} s`);
    await page.getByRole('radio', { name: 'Per resource' }).nth(1).check();

    // Namespace shards: at this load the cache lock is not the bottleneck,
    // so API p99 barely moves (the article's claim is about watch latency).
    await settle();
    const oneLock = await p99();
    await page.getByRole('radio', { name: 'Namespace shards' }).check();
    await settle();
    const shards = await p99();
    check(shards < 2 * oneLock && oneLock < 2 * shards, `shards vs one lock: p99 ${shards} s vs ${oneLock} s`);

    // Discovery: a restart storm under legacy discovery sends ~52 requests
    // per client (within its burst of 300); aggregated sends two.
    const throughput = async () => perSecond(await readout(page, 'throughput'));
    const quiet = await throughput();
    await page.getByRole('radio', { name: 'Legacy' }).check();
    await page.getByRole('button', { name: 'Client restart storm' }).click();
    // The storm is a burst of about a second now: read it while it is in
    // the readouts' 10 s (they refresh every few simulated seconds at 16×).
    await waitFor(page, 2);
    const legacy = await throughput();
    check(legacy > quiet + 200, `legacy discovery storm: ${legacy} req/s vs ${quiet} req/s before`);
    await page.getByRole('radio', { name: 'Aggregated' }).check();
    await waitFor(page, 25);
    const calm = await throughput();
    await page.getByRole('button', { name: 'Client restart storm' }).click();
    await waitFor(page, 6);
    const aggregated = await throughput();
    check(aggregated < calm + 50, `aggregated discovery storm: ${aggregated} req/s vs ${calm} req/s before`);
  }],

  ['pause stops the simulated clock; Space plays again', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?story=none`);
    await waitForSimTime(page, 2);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.waitForTimeout(400); // one readout refresh
    const paused = await readout(page, 'sim-time');
    await page.waitForTimeout(1500);
    check((await readout(page, 'sim-time')) === paused, 'the clock moved while paused');
    check((await readout(page, 'sim-speed')) === '0.00×', 'the speed readout shows the pause');
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await page.waitForTimeout(400);
    const stepped = clockSeconds(await readout(page, 'sim-time'));
    check(Math.abs(stepped - clockSeconds(paused) - 0.1) < 0.051, `Step moved the clock from ${paused} to ${stepped}`);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Space');
    await waitForSimTime(page, stepped + 1);
  }],

  ['every switch and fault applies without errors; ? opens the help', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?story=none`);
    await waitForSimTime(page, 2);
    for (const name of ['Priority queue', 'Max inflight', 'APF', 'Dedicated limit', 'Inline', 'Namespace shards', 'Per resource', 'Legacy', 'Aggregated']) {
      const radio = page.getByRole('radio', { name }).first();
      await radio.check();
      check(await radio.isChecked(), `${name} is not checked`);
    }
    await page.getByRole('radio', { name: 'Pool' }).check();
    for (const fault of ['etcd fsync spike', 'Leader election', 'Client restart storm']) {
      await page.getByRole('button', { name: fault }).click();
    }
    const t = clockSeconds(await readout(page, 'sim-time'));
    await waitForSimTime(page, t + 2);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('?');
    check(await page.getByRole('dialog', { name: 'Keyboard help' }).isVisible(), 'the help did not open');
  }],

  ['APF\'s tip holds on the page: one API server at 5,000 nodes and both limits 2, node-high overflows (429s); at 8 and 8 it keeps up', async ({ base, open }) => {
    const { page } = await open();
    for (const [limit, overflows] of [[2, true], [8, false]]) {
      await page.goto(`${base}?api-servers=1&nodes=5000&max-requests-inflight=${limit}&max-mutating-requests-inflight=${limit}&speed=10`);
      // node-high's queues fill within about 25 s (its one seat serves
      // about 140 of the 500 renewals a second, 7 ms each; 64 queues of 50).
      await waitForSimTime(page, 50);
      const rejected = perSecond(await readout(page, 'rejected-rate'));
      check(overflows ? rejected > 50 : rejected === 0, `limits ${limit} and ${limit}: ${rejected} 429s a second`);
    }
  }],

  ['restarting an API server moves its clients to the others, and they stay there after it is back', async ({ base, open }) => {
    const { page } = await open({ width: 1280, height: 900 });
    await page.goto(`${base}?story=none&speed=5`);
    // "apiserver-1 341 · apiserver-2 341 · apiserver-3 340 clients"
    const servers = async () => {
      const text = await readout(page, 'servers-now');
      return [...text.matchAll(/apiserver-(\d+) (\d+|draining|stopped)/g)].map((m) => m[2]);
    };
    await waitForSimTime(page, 8);
    const before = await servers();
    check(before.length === 3 && before.every((c) => Number(c) > 300 && Number(c) < 380), `three servers share the clients: ${before}`);
    await page.getByRole('button', { name: 'Restart an API server', exact: true }).click();
    const t = clockSeconds(await readout(page, 'sim-time'));
    await waitForSimTime(page, t + 3);
    const during = await servers();
    check(['draining', 'stopped'].includes(during[0]), `apiserver-1 restarts: ${during}`);
    check(Number(during[1]) + Number(during[2]) === 1022 && Number(during[1]) > 480 && Number(during[2]) > 480,
      `its clients move to the other two: ${during}`);
    await screenshot(page, 'lab-restart-1280');
    // Back after its 20 s, with its caches re-listed; its clients stay away.
    await waitForSimTime(page, t + 40);
    const after = await servers();
    check(after[0] === '0' && Number(after[1]) > 480, `the imbalance stays: ${after}`);
    await page.setViewportSize({ width: 360, height: 740 });
    await page.getByTestId('diagram').scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await screenshot(page, 'lab-restart-360');
  }],

  ['an outage does not read as an improvement: when requests fail, the readouts say what share', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?preset=slow-webhook&webhook-handling=dedicated&speed=10`);
    await waitForSimTime(page, 20);
    check(await page.getByTestId('failed-note').isHidden(), 'no note while nothing fails');
    await waitForSimTime(page, 50);
    const note = page.getByTestId('failed-note');
    check(await note.isVisible(), 'the hung webhooks\' timeouts are said');
    check(/completed: \d+(\.\d)?% failed/.test(await note.textContent()), `the note: ${await note.textContent()}`);
  }],

  ['Reset replays a teaching scenario from its start, and a link copied mid-scenario starts without its fault', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?preset=slow-webhook&speed=20`);
    await waitForSimTime(page, 33);
    const slow = page.getByRole('button', { name: 'Slow webhook', exact: true });
    check((await slow.getAttribute('aria-pressed')) === 'true', 'the timeline turned the fault on at 30 s');
    check(!new URL(page.url()).searchParams.has('slow-webhook'), `the address starts without the fault: ${page.url()}`);
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    check((await slow.getAttribute('aria-pressed')) === 'false', 'Reset starts before the fault');
    // The new run's clock, not the old one's last readout.
    for (let i = 0; clockSeconds(await readout(page, 'sim-time')) > 30; i += 1) {
      check(i < 100, 'the clock did not start again');
      await page.waitForTimeout(50);
    }
    await waitForSimTime(page, 25);
    const p99 = seconds(await readout(page, 'p99-latency'));
    check(p99 < 0.5, `p99 at 25 s after Reset is ${p99} s (the fault from 0 s gives about 2.7 s)`);
  }],

  ['a lasting fault is a switch that stays pressed; a one-shot fault is an event, counted, never "on"', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?story=none`);
    await waitForSimTime(page, 1);
    const lasting = page.getByRole('group', { name: 'Until turned off' }).getByRole('button');
    const once = page.getByRole('group', { name: 'Once, now' }).getByRole('button');
    check((await lasting.allTextContents()).join('|').includes('Slow webhook'), 'Slow webhook lasts');
    check((await once.allTextContents()).some((t) => t.includes('Leader election')), 'Leader election is once');
    for (const button of await once.all()) {
      check((await button.getAttribute('aria-pressed')) === null, `a one-shot fault has no on state: ${await button.textContent()}`);
    }
    const slow = page.getByRole('button', { name: 'Slow webhook', exact: true });
    await slow.click();
    check((await slow.getAttribute('aria-pressed')) === 'true', 'Slow webhook is on');
    await slow.click();
    check((await slow.getAttribute('aria-pressed')) === 'false', 'and off again');
    const election = page.getByRole('button', { name: 'Leader election', exact: true });
    await election.click();
    await election.click();
    check((await readout(page, 'leader-election-times')) === '×2', `two elections counted: ${await readout(page, 'leader-election-times')}`);
  }],

  ['reduced motion turns the moving dots off; the page fits 360 px', async ({ base, open }) => {
    const { page } = await open({ width: 360, height: 740, reducedMotion: 'reduce' });
    await page.goto(`${base}?story=none`);
    await waitForSimTime(page, 3);
    check((await page.getByTestId('diagram').getAttribute('data-motion')) === 'off', 'dots still move');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 1, `the page is ${overflow} px wider than a 360 px screen`);
    await screenshot(page, 'lab-360x740');
  }],
];
