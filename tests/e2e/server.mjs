// server.mjs - starts and stops a real danchu server for the browser tests.
//
// seedDemo() builds a fresh SQLite demo database with the real binary; startServer() runs
// `danchu serve` on a free loopback port with DANCHU_STRICT_TEMPLATES=1 and waits for /healthz;
// the returned handle's stop() ends exactly that process, by its PID. Every server started here
// is also killed when the node process exits, so a failing test never leaves one behind.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, rmSync, openSync, closeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT = join(ROOT, 'build', 'e2e');
export const BIN = resolve(ROOT, process.env.DANCHU_BIN || 'build/danchu');

const live = new Set();

function killLive() {
    for (const pid of live) {
        try {
            process.kill(pid, 'SIGKILL');
        } catch {
            /* already gone */
        }
    }
    live.clear();
}
process.on('exit', killLive);
// A runner's timeout or Ctrl-C ends this process by a signal, which skips 'exit' handlers.
for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
        killLive();
        process.exit(sig === 'SIGINT' ? 130 : 143);
    });
}

/** Builds a fresh demo database at OUT/NAME.db and returns its sqlite: URL. */
export function seedDemo(name, households = 200) {
    mkdirSync(OUT, { recursive: true });
    const path = join(OUT, `${name}.db`);
    for (const suffix of ['', '-wal', '-shm']) {
        rmSync(path + suffix, { force: true });
    }
    const url = `sqlite:${path}`;
    execFileSync(BIN, ['demo', '--db', url, '--households', String(households), '--no-serve'], {
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 60_000,
    });
    return url;
}

/** Asks the kernel for a free loopback port. */
function freePort() {
    return new Promise((ok, fail) => {
        const s = createServer();
        s.unref();
        s.on('error', fail);
        s.listen(0, '127.0.0.1', () => {
            const { port } = s.address();
            s.close(() => ok(port));
        });
    });
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/**
 * Starts `danchu serve` on dbUrl. Returns { base, pid, stop() }; the server's output goes to
 * OUT/NAME.log. Rejects if /healthz does not answer "ok" within 15 s.
 */
export async function startServer(name, dbUrl) {
    mkdirSync(OUT, { recursive: true });
    const port = await freePort();
    const logPath = join(OUT, `${name}.log`);
    const log = openSync(logPath, 'w');
    const child = spawn(
        BIN,
        ['serve', '--db', dbUrl, '--listen', `127.0.0.1:${port}`, '--quiet'],
        {
            env: { ...process.env, DANCHU_STRICT_TEMPLATES: '1' },
            stdio: ['ignore', log, log],
        },
    );
    closeSync(log);
    live.add(child.pid);
    let exited = null;
    const exitP = new Promise((ok) => child.on('exit', (code, sig) => ok((exited = { code, sig }))));
    const base = `http://127.0.0.1:${port}`;

    async function stop() {
        if (exited === null) {
            process.kill(child.pid, 'SIGTERM');
            const t = await Promise.race([exitP, sleep(10_000).then(() => null)]);
            if (t === null) {
                process.kill(child.pid, 'SIGKILL');
                await exitP;
            }
        }
        live.delete(child.pid);
        return exited;
    }

    const deadline = Date.now() + 15_000;
    for (;;) {
        if (exited !== null) {
            live.delete(child.pid);
            throw new Error(`danchu serve exited early (${JSON.stringify(exited)}); see ${logPath}`);
        }
        try {
            const res = await fetch(`${base}/healthz`);
            if (res.ok && (await res.text()).trim() === 'ok') {
                break;
            }
        } catch {
            /* not listening yet */
        }
        if (Date.now() > deadline) {
            await stop();
            throw new Error(`danchu serve did not answer /healthz within 15 s; see ${logPath}`);
        }
        await sleep(100);
    }
    return { base, pid: child.pid, logPath, stop };
}
