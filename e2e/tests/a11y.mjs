// Accessibility: axe-core (npm, run inside the page) reports no violation
// of WCAG 2.1 A and AA on the lab, light and dark, at 1280 and 360 px wide,
// on a first visit's story, and on each embedded figure.
import { readFileSync } from 'node:fs';
import { check, readout, clockSeconds, waitForSimTime } from '../harness.mjs';

const AXE = readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

const VIEWS = [
  ['the lab, light, 1280 px', '?story=none', 'light', 1280],
  ['the lab, dark, 1280 px', '?story=none', 'dark', 1280],
  ['the lab, light, 360 px', '?story=none', 'light', 360],
  ['the lab, dark, 360 px, controls open', '?story=none', 'dark', 360, true],
  ['a first visit, light, 1280 px', '', 'light', 1280],
  ['a first visit, dark, 360 px', '', 'dark', 360],
  ['the claims, light', '?panel=claims', 'light', 1280],
  ['the diagram embed', '?embed=diagram', 'light', 700],
  ['the latency embed, dark', '?embed=latency', 'dark', 700],
  ['the diagram-and-chart embed, 260 px', '?embed=diagram-chart', 'light', 260],
  ['the table embed', '?embed=table', 'light', 700],
];

/** Violations of WCAG 2.1 A and AA on the open page, as readable lines. */
async function violations(page) {
  // Evaluated through the DevTools protocol: the page's CSP allows no
  // injected script, and the test must not weaken it.
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const result = await globalThis.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n         ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')}: ${n.failureSummary.split('\n').slice(1, 2).join(' ')}`).join('\n         ')}`);
  });
  return found;
}

const keyboard = ['the keyboard: tabs move with arrows, . steps, R resets, a skip link leads to the output, hints describe their sliders', async ({ base, open }) => {
  const { page } = await open();
  await page.goto(`${base}?story=none`);
  await waitForSimTime(page, 1);
  // The skip link is the first stop of the tab order.
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.className) === 'skip-link', 'the skip link comes first');
  await page.keyboard.press('Enter');
  check(await page.evaluate(() => document.activeElement.id) === 'lab-output', 'and leads to the output');
  // Tabs: ← and → move the selection and the focus.
  await page.getByRole('tab', { name: 'Claims' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.activeElement.id === 'tab-ab');
  check(await page.getByRole('tab', { name: 'A/B' }).getAttribute('aria-selected') === 'true', 'A/B is selected');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.activeElement.id === 'tab-lab');
  // Pause, step, reset from the keyboard (not on a button).
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press(' ');
  await page.waitForTimeout(300);
  const paused = clockSeconds(await readout(page, 'sim-time'));
  await page.waitForTimeout(600);
  check(clockSeconds(await readout(page, 'sim-time')) === paused, 'Space paused the clock');
  await page.keyboard.press('.');
  await page.waitForFunction((t) => parseFloat(document.querySelector('[data-testid="sim-time"]').textContent) >= t + 0.09, paused, { timeout: 5000 });
  await page.keyboard.press('r');
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid="sim-time"]').textContent) < 0.5, null, { timeout: 5000 });
  const hint = await page.getByRole('slider', { name: 'Nodes', exact: true }).getAttribute('aria-describedby');
  check(hint && (await page.locator(`#${hint}`).textContent()).length > 10, `the Nodes slider is described by its hint (${hint})`);
}];

export default [keyboard, ...VIEWS.map(([name, query, scheme, width, drawer]) => [`axe-core finds no WCAG 2.1 AA violation: ${name}`, async ({ base, open }) => {
  const { page } = await open({ width, height: width < 400 ? 740 : 800 });
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(`${base}${query}`);
  await page.locator('[data-testid="sim-time"], table').first().waitFor({ state: 'attached' });
  await page.waitForTimeout(1500);
  if (drawer) await page.getByRole('button', { name: 'Controls' }).click();
  const found = await violations(page);
  check(found.length === 0, `axe-core: ${found.length} violations:\n     ${found.join('\n     ')}`);
}])];
