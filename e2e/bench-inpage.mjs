// Benchmarks timed inside the page (the wasm build in headless Chromium; a
// benchmark: prints figures, never fails on them). The page runs them when
// its URL says `?bench=engine` or `?bench=model` (src/ui/bench.rs) and
// writes the result as JSON into <pre data-testid="bench-result">.
//
//   trunk build --release --public-url ./ && node e2e/bench-inpage.mjs [engine] [model] [--json] [--seed=N]
//
// engine: the M/M/10 of benches/simpy_vs_cplab.sh (λ = 9/s, μ = 1/s,
//         200,000 customers): customers per second, fastest of 3 runs.
// model:  60 simulated seconds of the upstream control plane with 5,000
//         nodes: events per second and simulated seconds per wall second.
// --json: one JSON object per benchmark instead of sentences (for scripts);
// --seed=N: the engine's seed (default 1).
import { serveDist, launchBrowser, openPage } from './harness.mjs';

const args = process.argv.slice(2);
const json = args.includes('--json');
const wanted = args.filter((a) => !a.startsWith('--'));
const seed = Number(/^--seed=(\d+)$/.exec(args.find((a) => a.startsWith('--seed=')) ?? '')?.[1] ?? 1);
const benches = wanted.length > 0 ? wanted : ['engine', 'model'];

/** Opens the page with `query` and returns the JSON it reports. */
async function inPage(browser, base, query, timeoutMs = 300_000) {
  const { page, context, problems } = await openPage(browser);
  try {
    await page.goto(`${base}?${query}`);
    const result = page.getByTestId('bench-result');
    await result.waitFor({ timeout: timeoutMs });
    const report = JSON.parse(await result.textContent());
    if (report.error) throw new Error(`${query}: ${report.error}`);
    if (problems.length > 0) throw new Error(`${query}: ${problems.join('; ')}`);
    return report;
  } finally {
    await context.close();
  }
}

const { server, base } = await serveDist();
const browser = await launchBrowser();
try {
  for (const bench of benches) {
    if (bench === 'engine') {
      const r = await inPage(browser, base, `bench=engine&runs=3&seed=${seed}`);
      const rate = r.completed / (r.elapsed_ms / 1e3);
      if (json) console.log(JSON.stringify({ ...r, customers_per_s: rate }));
      else {
        console.log(
          `wasm in Chromium, M/M/10 (λ=9, μ=1), ${r.completed.toLocaleString('en')} customers: ` +
            `${(rate / 1e6).toFixed(2)} M customers/s, ${(r.events / (r.elapsed_ms / 1e3) / 1e6).toFixed(2)} M events/s ` +
            `(${r.elapsed_ms.toFixed(1)} ms, fastest of 3 after a warm-up run), mean queue wait ${r.mean_queue_wait_s.toFixed(4)} s (seed ${seed})`,
        );
      }
    } else if (bench === 'model') {
      const r = await inPage(browser, base, 'bench=model&runs=3');
      const wall = r.elapsed_ms / 1e3;
      if (json) console.log(JSON.stringify({ ...r, events_per_s: r.events / wall, speed: r.simulated_s / wall }));
      else {
        console.log(
          `wasm in Chromium, upstream control plane, ${r.nodes.toLocaleString('en')} nodes, 3 API servers: ${r.simulated_s} s simulated in ` +
            `${wall.toFixed(3)} s (${(r.simulated_s / wall).toFixed(0)}× real time; target: under 2 s), ` +
            `${(r.events / wall / 1e6).toFixed(2)} M events/s, ${r.events.toLocaleString('en')} events (fastest of 3 after a warm-up run)`,
        );
      }
    } else {
      throw new Error(`unknown benchmark ${bench} (engine, model)`);
    }
  }
} finally {
  await browser.close();
  server.close();
}
