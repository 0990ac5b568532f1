// Every story walked in the page, as a reader would: open its link, wait
// for each step's pause, check that the page reports each promise kept
// (the page measures them with the model's own code; tests/stories.rs
// checks the same promises natively), press Next to the end.
import { readFileSync } from 'node:fs';
import { check, readout, clockSeconds, sliderReadout } from '../harness.mjs';

const STORY_SOURCE = ['table.rs', 'tips.rs']
  .map((file) => readFileSync(new URL(`../../src/lab/story/${file}`, import.meta.url), 'utf8'))
  .join('\n');
/** The stories' ids, as the tables in src/lab/story/ name them. */
const STORIES = ['first-visit', ...[...STORY_SOURCE.matchAll(/^\s+id: "([a-z0-9.-]+)",$/gm)].map((m) => m[1])];

/** The questions' ids (their stories'), as src/lab/story/questions.rs names them. */
const QUESTION_SOURCE = readFileSync(new URL('../../src/lab/story/questions.rs', import.meta.url), 'utf8');
const QUESTIONS = [...QUESTION_SOURCE.matchAll(/^\s+id: "([a-z0-9.-]+)",$/gm)].map((m) => m[1]);

/** Walks the open story to its end; returns each step's promises' texts. */
async function walk(page, id) {
  const card = page.getByTestId('story');
  const seen = [];
  // The page renders the story once its module has started.
  await card.waitFor();
  for (let step = 0; ; step += 1) {
    if ((await card.count()) === 0) break;
    check(await card.getAttribute('data-step') === String(step), `${id}: at step ${step}`);
    const promises = card.getByTestId('promise');
    // Every step that pauses is played to its pause, as a reader would
    // (the next step's acts then happen at the same simulated second as in
    // tests/stories.rs).
    if (await card.getAttribute('data-pauses') === 'true') {
      await page.locator('[data-testid="story"][data-state="paused"]').waitFor({ timeout: 120_000 });
    }
    if ((await promises.count()) > 0) {
      for (const promise of await promises.all()) {
        const text = (await promise.textContent()).trim();
        seen.push(`${id} ${step + 1}: ${text}`);
        check(await promise.getAttribute('data-kept') === 'kept', `${id} step ${step + 1}: not kept: ${text}`);
      }
    }
    await card.getByTestId('story-next').click();
    // On to the next step, or out of the story after the last.
    await page.waitForFunction((at) => {
      const shown = document.querySelector('[data-testid="story"]');
      return !shown || shown.getAttribute('data-step') !== String(at);
    }, step);
  }
  return seen;
}

export default [
  ['a first visit tells a story: the diagram and its chart above the fold, moving, with Next to press', async ({ base, open }) => {
    const { page } = await open({ width: 1280, height: 800 });
    await page.goto(base);
    const card = page.getByTestId('story');
    await card.waitFor();
    check(await card.getAttribute('data-step') === '0', 'it starts at the first step');
    await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid="sim-time"]').textContent) > 0.5);
    for (const id of ['story-next', 'latency-chart']) {
      const box = await page.getByTestId(id).boundingBox();
      check(box && box.y >= 0 && box.y + box.height <= 800, `${id} is above the fold at 1280×800: ${JSON.stringify(box)}`);
    }
    const diagram = await page.locator('.diagram canvas').boundingBox();
    check(diagram.y + diagram.height <= 800, `the diagram is above the fold: ${JSON.stringify(diagram)}`);
    check(new URL(page.url()).searchParams.get('story') === 'first-visit', `the address says the story: ${page.url()}`);
    // Leaving gives the full lab, and the address says so.
    await card.getByTestId('story-leave').click();
    await card.waitFor({ state: 'detached' });
    check(await page.getByRole('tab', { name: 'Claims' }).isVisible(), 'the panels are back');
    check(new URL(page.url()).search === '?story=none', `the address is the lab's: ${page.url()}`);
    const before = clockSeconds(await readout(page, 'sim-time'));
    await page.waitForTimeout(1500);
    check(clockSeconds(await readout(page, 'sim-time')) > before, 'the lab plays on');
  }],

  ...STORIES.map((id) => [`story ${id}: every step's promise is kept in the page`, async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?story=${id}`);
    const seen = await walk(page, id);
    check(seen.length > 0, `${id}: promises were checked`);
    console.log(`     ${seen.join('\n     ')}`);
  }]),

  ...QUESTIONS.map((id) => [`question ${id}: its link tells its story, which cites the thread and keeps every promise in the page`, async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?question=${id}`);
    const asked = page.getByTestId('story-question');
    await asked.waitFor();
    check((await asked.locator('a').getAttribute('href')).startsWith('https://github.com/'), `${id}: the thread is linked`);
    check(new URL(page.url()).searchParams.get('question') === id, `the address says the question: ${page.url()}`);
    const seen = await walk(page, id);
    check(seen.length > 0, `${id}: promises were checked`);
    console.log(`     ${seen.join('\n     ')}`);
  }]),

  ['the questions panel lists every question with its thread, and a question opens its story', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?story=none`);
    const panel = page.getByTestId('questions');
    await panel.locator('summary').click();
    for (const id of QUESTIONS) {
      const item = panel.getByTestId(`question-${id}`);
      check(await item.isVisible(), `${id} is listed`);
      check((await item.locator('a').textContent()).includes('#'), `${id} names its thread`);
    }
    check(QUESTIONS.length >= 2, `the questions were found: ${QUESTIONS}`);
    await panel.getByTestId(`question-${QUESTIONS[0]}`).getByTestId('question-open').click();
    const card = page.getByTestId('story');
    await card.waitFor();
    check(await page.getByTestId('story-question').isVisible(), 'the story card shows the question');
    check(new URL(page.url()).searchParams.get('question') === QUESTIONS[0], `the address says the question: ${page.url()}`);
  }],

  ['a teaching scenario offers its story, which sets its controls as a reader would', async ({ base, open }) => {
    const { page } = await open();
    await page.goto(`${base}?preset=list-storm&story=none`);
    await page.getByTestId('tell-story').click();
    const card = page.getByTestId('story');
    await card.waitFor();
    await card.getByTestId('story-next').click();
    await card.getByTestId('story-next').click();
    check(await card.getAttribute('data-step') === '2', 'at the third step');
    check(await page.getByRole('radio', { name: 'From etcd' }).isChecked(), 'the step switched Consistent LIST as a reader would');
    check(await page.getByRole('tab', { name: 'LIST', exact: true }).getAttribute('aria-selected') === 'true', 'and shows the chart it talks about');
  }],

  ['the diagram is an interface: a click on a part opens its explanation, whose tip is a story to try', async ({ base, open }) => {
    const { page } = await open({ width: 1280, height: 800 });
    await page.goto(`${base}?story=none`);
    const canvas = page.getByTestId('diagram');
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    // Flow control's column, in the wide drawing's own 1000 px: x about 270.
    await canvas.click({ position: { x: box.width * 0.27, y: box.height * 0.4 } });
    const apf = page.locator('details.panel', { hasText: 'API Priority and Fairness' }).first();
    await page.waitForFunction(() => document.querySelector('#mechanism-0')?.open === true);
    check(await apf.isVisible(), 'its explanation is open and in view');
    // The keyboard's way: the part's button under the drawing.
    await page.getByRole('button', { name: 'etcd', exact: true }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('details.panel')].some((d) => d.open && d.textContent.includes('etcd and its client')));
    await page.getByRole('button', { name: 'Flow control', exact: true }).click();
    // Its controls are a click away: the explanation's button focuses one.
    await apf.getByRole('button', { name: 'max-requests-inflight', exact: true }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'max-requests-inflight');
    await apf.getByRole('button', { name: 'Flow control', exact: true }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'flow-control-apf');
    await apf.getByTestId('try-story').click();
    const card = page.getByTestId('story');
    await card.waitFor();
    check((await card.textContent()).includes("Try: APF's seats by level"), 'the tip is told as a story');
    check(await sliderReadout(page, 'Nodes') === '5,000', `its first step set Nodes as a reader would: ${await sliderReadout(page, 'Nodes')}`);
  }],
];
