// Any width: the page never scrolls sideways; the diagram takes its tall
// layout on narrow screens with its text shown at 11 px or more; on a
// phone the output comes first and the controls open in a drawer.
import { check, ARTIFACTS } from '../harness.mjs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The diagram's layout and the size its smallest text is shown at [px]. */
async function diagramText(page) {
  return page.evaluate(() => {
    const canvas = document.querySelector('.diagram canvas');
    const layout = canvas.parentElement.getAttribute('data-layout');
    // The smallest font each layout draws with (src/ui/diagram.rs).
    const font = layout === 'tall' ? 11 : 12.5;
    return { layout, shown: font * canvas.getBoundingClientRect().width / canvas.width };
  });
}

export default [
  ...[[1280, 'wide'], [700, 'tall'], [360, 'tall']].map(([width, layout]) => [`at ${width} px: no side-scroller, the diagram ${layout} with text of 11 px or more`, async ({ base, open }) => {
    const { page } = await open({ width, height: 800 });
    for (const query of ['?story=none', '']) {
      await page.goto(`${base}${query}`);
      await page.locator(`.diagram[data-layout="${layout}"]`).waitFor({ timeout: 10_000 });
      const text = await diagramText(page);
      check(text.shown >= 11, `${query || 'first visit'}: diagram text shown at ${text.shown.toFixed(1)} px`);
      const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      check(scroll <= client, `${query || 'first visit'}: the page is ${scroll} px wide in a ${client} px window`);
    }
  }]),

  ['on a phone the output comes first and the controls open in a drawer', async ({ base, open }) => {
    const { page } = await open({ width: 360, height: 740 });
    await page.goto(`${base}?story=none`);
    const nodes = page.getByRole('slider', { name: 'Nodes', exact: true });
    await page.getByTestId('sim-time').waitFor();
    check(!(await nodes.isVisible()), 'the sliders wait in the drawer');
    const readouts = await page.getByTestId('p99-latency').boundingBox();
    check(readouts.y < 740, `the readouts are on the first screen: ${readouts.y}`);
    const toggle = page.getByRole('button', { name: 'Controls' });
    check(await toggle.getAttribute('aria-expanded') === 'false', 'the drawer says it is closed');
    await toggle.click();
    await nodes.waitFor();
    check(await page.getByRole('button', { name: 'Close the controls' }).getAttribute('aria-expanded') === 'true', 'and open');
    const box = await nodes.boundingBox();
    check(box.x >= 0 && box.x + box.width <= 360, `a slider fits the phone: ${JSON.stringify(box)}`);
    await page.getByRole('button', { name: 'Close the controls' }).click();
    await nodes.waitFor({ state: 'hidden' });
  }],

  ...['diagram', 'latency', 'diagram-chart', 'table'].map((figure) => [`the ${figure} embed fits its 700 × 450 frame`, async ({ base, open }) => {
    const { page } = await open({ width: 700, height: 450 });
    await page.goto(`${base}?embed=${figure}`);
    await page.getByTestId('embed').waitFor();
    // The table's figures are the default run's, shown at once.
    if (figure === 'table') await page.locator('[data-precomputed="true"]').first().waitFor({ timeout: 10_000 });
    await page.waitForTimeout(1_000);
    const { width, height } = await page.evaluate(() => ({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight }));
    check(width <= 700 && height <= 450, `the ${figure} embed is ${width} × ${height} px`);
  }]),

  // The screenshots a reviewer looks at (e2e/artifacts/, named by view,
  // scheme and width): a first visit, the lab during a slow webhook, light
  // and dark, at 1280, 700 and 360 px.
  ['screenshots at 1280, 700 and 360 px, light and dark', async ({ base, open }) => {
    await mkdir(ARTIFACTS, { recursive: true });
    for (const scheme of ['light', 'dark']) {
      for (const width of [1280, 700, 360]) {
        const { page, context } = await open({ width, height: width === 360 ? 740 : 800 });
        await page.emulateMedia({ colorScheme: scheme });
        for (const [view, query, wait] of [['first-visit', '', 3000], ['lab-slow-webhook', '?story=none&preset=slow-webhook&speed=10', 5000]]) {
          await page.goto(`${base}${query}`);
          await page.waitForTimeout(wait);
          await page.screenshot({ path: join(ARTIFACTS, `${view}-${scheme}-${width}.png`) });
        }
        await context.close();
      }
    }
  }],
];
