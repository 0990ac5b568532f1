// The first live slice, driven as a reader would: load, drag "Seats", pause.
import {
  check, clockSeconds, dragSlider, readout, screenshot, seconds, waitForSimTime,
} from '../harness.mjs';

export default [
  ['the page loads from a sub-path with a clean console and a live chart', async ({ base, open }) => {
    const { page, requests } = await open();
    await page.goto(base);
    await waitForSimTime(page, 3);
    check(/ms|s$/.test(await readout(page, 'p99-latency')), 'p99 readout shows a latency');
    const origin = new URL(base).origin;
    const outside = requests.filter((url) => !url.startsWith(origin + '/some/sub/path/'));
    check(outside.length === 0, `requests outside the site: ${outside.join(', ')}`);
    await waitForSimTime(page, 8);
    // The chart's data layer has drawn lines: some pixels are not transparent.
    const inked = await page.getByTestId('latency-chart').evaluate((canvas) => {
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count += 1;
      return count;
    });
    check(inked > 200, `the chart's line layer is empty (${inked} pixels drawn)`);
    await screenshot(page, 'slice-1280x800');
  }],

  ['fewer seats under load raise p99, more seats bring it back down', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(base);
    await waitForSimTime(page, 11);
    const before = seconds(await readout(page, 'p99-latency'));
    check(before > 0 && before < 1, `baseline p99 ${before} s should be well under a second`);

    const fewer = await dragSlider(page, 'Seats', 3);
    check(fewer <= 4, `dragging Seats to 3 left it at ${fewer}`);
    check(Number(await readout(page, 'seats-value')) === fewer, 'the Seats readout follows the drag');
    const t0 = clockSeconds(await readout(page, 'sim-time'));
    await waitForSimTime(page, t0 + 6);
    const loaded = seconds(await readout(page, 'p99-latency'));
    check(loaded > 3 * before, `p99 rose from ${before} s only to ${loaded} s with ${fewer} seats`);

    const more = await dragSlider(page, 'Seats', 16);
    check(more >= 12, `dragging Seats to 16 left it at ${more}`);
    const t1 = clockSeconds(await readout(page, 'sim-time'));
    await waitForSimTime(page, t1 + 13);
    const relieved = seconds(await readout(page, 'p99-latency'));
    check(relieved < loaded / 3, `p99 stayed at ${relieved} s (was ${loaded} s) after adding seats`);
  }],

  ['pause stops the simulated clock and play resumes it', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(base);
    await waitForSimTime(page, 2);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.waitForTimeout(400); // one readout refresh
    const paused = await readout(page, 'sim-time');
    await page.waitForTimeout(1500);
    check((await readout(page, 'sim-time')) === paused, 'the clock moved while paused');
    check((await readout(page, 'sim-speed')) === '0.00×', 'the speed readout shows the pause');
    await page.getByRole('button', { name: 'Play' }).click();
    await waitForSimTime(page, clockSeconds(paused) + 1);
  }],
];
