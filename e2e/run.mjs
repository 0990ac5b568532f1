// Runs every end-to-end test against the release build in dist/.
// Usage: node e2e/run.mjs [name filter]
import { runAll } from './harness.mjs';
import lab from './tests/lab.mjs';
import safety from './tests/safety.mjs';
import badInput from './tests/bad-input.mjs';
import article from './tests/article.mjs';
import share from './tests/share.mjs';
import story from './tests/story.mjs';
import a11y from './tests/a11y.mjs';
import widths from './tests/widths.mjs';

const filter = process.argv[2];
const tests = [...story, ...a11y, ...widths, ...lab, ...safety, ...badInput, ...article, ...share].filter(([name]) => !filter || name.includes(filter));
const ok = await runAll(tests);
process.exit(ok ? 0 : 1);
