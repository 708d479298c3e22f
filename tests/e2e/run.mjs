// run.mjs - runs danchu's browser tests with node's built-in test runner.
//
// `make check-e2e` runs `node tests/e2e/run.mjs` with DANCHU_BIN=build/danchu. Every
// tests/e2e/*.test.mjs file runs in its own node process (node:test's run()); each starts its
// own server on a fresh database and stops it by PID. Output is node's spec report followed by
// one plain closing line "e2e: N passed, M failed"; the exit status is 1 when a test failed.
// Needs `npm ci` (playwright-core, axe-core) and Debian's /usr/bin/chromium; no browser is
// ever downloaded.
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, BIN } from './server.mjs';

const here = join(ROOT, 'tests', 'e2e');
const files = readdirSync(here)
    .filter((f) => f.endsWith('.test.mjs'))
    .sort()
    .map((f) => join(here, f));

if (!existsSync(BIN)) {
    console.error(`e2e: ${BIN} not found (run make first, or set DANCHU_BIN)`);
    process.exit(1);
}

let passed = 0;
let failed = 0;

/**
 * Passes the runner's events through unchanged, counting the outcomes of each file's top-level
 * tests (a file that fails to load is reported as one failed test at the same level).
 */
async function* counting(source) {
    for await (const ev of source) {
        if (ev.data?.nesting === 0 && !ev.data.skip && !ev.data.todo) {
            if (ev.type === 'test:pass') {
                passed += 1;
            } else if (ev.type === 'test:fail') {
                failed += 1;
            }
        }
        yield ev;
    }
}

const out = run({ files, concurrency: 1, timeout: 300_000 }).compose(counting).compose(spec);
out.pipe(process.stdout);
await new Promise((ok) => out.on('end', ok));

if (passed === 0 && failed === 0) {
    failed = 1;
    console.log('e2e: no test ran');
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
