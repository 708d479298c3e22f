// rating.test.mjs - browser tests of the one-stop desk's ratings on a 360x740 phone: the officer
// adds a desk, says who serves there and prints its A4 poster; the test reads the poster's QR
// code as a phone camera would (pdftoppm, then zbarimg --raw) and opens the URL it holds in a
// phone, where a resident rates the desk without an account and sees the thank-you page (and,
// coming back, that they rated today). A receipt slip is printed, read and rated the same way
// from a phone with JavaScript turned off, once only; the officer then finds both ratings in the
// satisfaction indices. Every page visited is checked with axe-core and for sideways scrolling
// (in a browser with JavaScript: axe-core runs in the page).
//
// The server is started here rather than with server.mjs's startServer(), because the QR code
// must hold the server's own address: danchu writes base_url into it, so this server gets a
// config file whose base_url is its loopback port.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedDemo, OUT, BIN } from './server.mjs';
import { launch, phoneContext, checkPage } from './browser.mjs';

const NAME = 'e2e-rating';
const DESK = 'Quầy 5 – Chứng thực (e2e)';
const OFFICER = 'Trần Thị Cán bộ';

let server = null;
let browser = null;

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

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

/** `danchu serve` on dbUrl with base_url = its own address; { base, stop() }. */
async function startWithBaseUrl(dbUrl) {
    mkdirSync(OUT, { recursive: true });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const conf = join(OUT, `${NAME}.conf`);
    writeFileSync(conf, `[danchu]\nbase_url = ${base}\nlisten = 127.0.0.1:${port}\n`);
    const log = openSync(join(OUT, `${NAME}.log`), 'w');
    const child = spawn(BIN, ['serve', '--db', dbUrl, '--config', conf, '--quiet'], {
        env: { ...process.env, DANCHU_STRICT_TEMPLATES: '1' },
        stdio: ['ignore', log, log],
    });
    closeSync(log);
    let exited = null;
    const exitP = new Promise((ok) => child.on('exit', (code, sig) => ok((exited = { code, sig }))));
    const kill = () => {
        if (exited === null) {
            try {
                process.kill(child.pid, 'SIGKILL');
            } catch {
                /* already gone */
            }
        }
    };
    process.on('exit', kill);
    async function stop() {
        if (exited === null) {
            process.kill(child.pid, 'SIGTERM');
            if ((await Promise.race([exitP, sleep(10_000).then(() => null)])) === null) {
                kill();
                await exitP;
            }
        }
        return exited;
    }
    const deadline = Date.now() + 15_000;
    for (;;) {
        if (exited !== null) {
            throw new Error(`danchu serve exited early (${JSON.stringify(exited)})`);
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
            throw new Error('danchu serve did not answer /healthz within 15 s');
        }
        await sleep(100);
    }
    return { base, stop };
}

before(async () => {
    const db = seedDemo(NAME, 200);
    server = await startWithBaseUrl(db);
    browser = await launch();
});

after(async () => {
    if (browser) {
        await browser.close();
    }
    if (server) {
        await server.stop();
    }
});

function assertNoProblems(problems) {
    assert.deepEqual(problems, [], `problems found:\n  ${problems.join('\n  ')}`);
}

async function signIn(page, login) {
    await page.goto(server.base + '/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill(login);
    await page.getByLabel('Mật khẩu').fill('danchu2026');
    await Promise.all([
        page.waitForURL((u) => !u.pathname.startsWith('/dang-nhap')),
        page.locator('main').getByRole('button', { name: 'Đăng nhập' }).click(),
    ]);
}

/** Clicks the button that answers with a PDF, keeps the file, and returns what its QR holds. */
async function printAndScan(page, button, file) {
    const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: button }).click(),
    ]);
    const pdf = join(OUT, file);
    await download.saveAs(pdf);
    execFileSync('pdftoppm', ['-r', '150', '-png', pdf, pdf]);
    return execFileSync('zbarimg', ['--raw', '-q', `${pdf}-1.png`], { encoding: 'utf8' }).trim();
}

let deskUrl = null;

test('an official prints a desk poster; a phone scans it and rates the desk', { timeout: 120_000 }, async () => {
    const problems = [];
    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    page.setDefaultTimeout(20_000);
    let url = null;
    try {
        await signIn(page, 'canbo');
        await page.goto(server.base + '/quan-ly/danh-gia/99001');
        problems.push(...(await checkPage(page, 'desks')));
        await page.getByLabel('Tên quầy').fill(DESK);
        await page.getByLabel(/Lĩnh vực, bộ phận/).fill('Tư pháp – chứng thực');
        await Promise.all([
            page.waitForURL('**/quan-ly/danh-gia/99001/quay/*'),
            page.getByRole('button', { name: 'Thêm quầy' }).click(),
        ]);
        deskUrl = new URL(page.url()).pathname;
        problems.push(...(await checkPage(page, 'desk')));
        assert.match(await page.locator('main').innerText(), /Đã thêm quầy/);
        await page.getByLabel(OFFICER).check();
        await Promise.all([
            page.waitForURL('**' + deskUrl),
            page.getByRole('button', { name: 'Lưu danh sách cán bộ' }).click(),
        ]);
        assert.match(await page.locator('main').innerText(), /Đã ghi nhận/);
        await page.getByLabel('Áp phích cho').selectOption({ label: `Cán bộ ${OFFICER}` });
        url = await printAndScan(page, 'In áp phích (PDF)', 'rating-poster.pdf');
        await page.screenshot({ path: join(OUT, 'rating-desk.png'), fullPage: true });
    } finally {
        await ctx.close();
    }
    // What the camera read is this server's rating page.
    assert.match(url, new RegExp(`^${server.base.replace(/\./g, '\\.')}/danh-gia/[0-9a-f]{32}$`));

    // The resident's phone, without an account.
    const phone = await phoneContext(browser);
    const p = await phone.newPage();
    p.setDefaultTimeout(20_000);
    try {
        await p.goto(url);
        problems.push(...(await checkPage(p, 'rating page')));
        const text = await p.locator('main').innerText();
        assert.match(text, new RegExp(DESK.replace(/[()]/g, '\\$&')));
        assert.match(text, new RegExp(OFFICER));
        assert.match(text, /Phường/);
        await p.screenshot({ path: join(OUT, 'rating-form.png'), fullPage: true });
        await p.getByLabel('Hài lòng', { exact: true }).check();
        await p.getByLabel(/Góp ý thêm/).fill('Cán bộ hướng dẫn tận tình (e2e).');
        await Promise.all([
            p.waitForURL('**/cam-on'),
            p.getByRole('button', { name: 'Gửi đánh giá' }).click(),
        ]);
        problems.push(...(await checkPage(p, 'thank-you page')));
        assert.match(await p.locator('main').innerText(), /Cảm ơn bạn đã đánh giá/);
        // Scanning the poster again the same day.
        await p.goto(url);
        problems.push(...(await checkPage(p, 'rated today')));
        assert.match(await p.locator('main').innerText(), /Bạn đã đánh giá hôm nay/);
        assert.equal(await p.getByRole('radio').count(), 0);
    } finally {
        await phone.close();
    }
    assertNoProblems(problems);
});

test('a receipt slip rates its transaction once, and the indices show both ratings', { timeout: 120_000 }, async () => {
    assert.ok(deskUrl, 'the first test made a desk');
    const problems = [];
    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    page.setDefaultTimeout(20_000);
    let url = null;
    try {
        await signIn(page, 'canbo');
        await page.goto(server.base + deskUrl);
        await page.getByLabel(/Số biên nhận hồ sơ/).fill('BN-E2E-0001');
        url = await printAndScan(page, 'In phiếu đánh giá (PDF)', 'rating-slip.pdf');
    } finally {
        await ctx.close();
    }
    // The slip's page checked in a browser that runs axe-core (opening it uses nothing up)...
    const look = await phoneContext(browser);
    const l = await look.newPage();
    l.setDefaultTimeout(20_000);
    try {
        await l.goto(url);
        problems.push(...(await checkPage(l, 'receipt rating page')));
    } finally {
        await look.close();
    }
    // ...and rated from a phone with JavaScript turned off.
    const phone = await phoneContext(browser, { javaScriptEnabled: false });
    const p = await phone.newPage();
    p.setDefaultTimeout(20_000);
    try {
        await p.goto(url);
        assert.match(await p.locator('main').innerText(), /BN-E2E-0001/);
        await p.getByLabel('Không hài lòng', { exact: true }).check();
        await Promise.all([
            p.waitForURL('**/cam-on'),
            p.getByRole('button', { name: 'Gửi đánh giá' }).click(),
        ]);
        assert.match(await p.locator('main').innerText(), /Cảm ơn bạn đã đánh giá/);
        await p.goto(url);
        assert.match(await p.locator('main').innerText(), /Giao dịch này đã được đánh giá/);
        assert.equal(await p.getByRole('radio').count(), 0);
    } finally {
        await phone.close();
    }
    const board = await phoneContext(browser);
    const b = await board.newPage();
    b.setDefaultTimeout(20_000);
    try {
        await signIn(b, 'canbo');
        await b.goto(server.base + '/quan-ly/danh-gia/99001/chi-so');
        problems.push(...(await checkPage(b, 'indices')));
        const row = b.getByRole('row', { name: new RegExp(DESK.replace(/[()]/g, '\\$&')) }).first();
        const cells = await row.innerText();
        assert.match(cells, /50,0%/);
        assert.match(cells, /phiếu 1, áp phích 1/);
        await b.screenshot({ path: join(OUT, 'rating-index.png'), fullPage: true });
    } finally {
        await board.close();
    }
    assertNoProblems(problems);
});
