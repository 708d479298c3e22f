// consultation.test.mjs - browser tests of dân bàn (issue 5): an official opens a real draft
// (the Kè Sắt resolution, imported with `danchu import document --kind draft`) on a tablet; a
// resident on a 360x740 phone comments on khoản 2 of Điều 1; a second resident typing a similar
// comment is offered the first one and agrees with it instead; the official groups and answers
// the comments, decides, publishes and downloads the response table, which headless
// LibreOffice turns into a PDF whose text (pdftotext) keeps its Vietnamese. Every page visited
// is checked with axe-core and for sideways scrolling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { seedDemo, startServer, OUT, BIN, ROOT } from './server.mjs';
import { launch, phoneContext, checkPage, axeSerious, scrollWidth } from './browser.mjs';

const DOC = resolve(ROOT, '..', 'shared', 'data', 'documents', 'nghi-quyet-xa-ke-sat-2025.txt');
const TABLET = { width: 800, height: 1280 };

let server = null;
let browser = null;
let dbUrl = null;
let id = null;

before(async () => {
    dbUrl = seedDemo('e2e-consultation', 200);
    const out = execFileSync(
        BIN,
        ['import', 'document', '--db', dbUrl, '--unit', '99001', '--kind', 'draft', '--topic', 'YK5', DOC],
        { encoding: 'utf8' },
    );
    id = /as consultation (\d+)/.exec(out)[1];
    server = await startServer('e2e-consultation', dbUrl);
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

// The tablet's checks: axe-core, and no sideways scrolling at its own width.
async function checkTablet(page, label) {
    const problems = (await axeSerious(page)).map((v) => `${label}: axe ${v}`);
    const w = await scrollWidth(page);
    if (w > TABLET.width) {
        problems.push(`${label}: scrolls sideways, document.scrollWidth ${w} > ${TABLET.width}`);
    }
    return problems;
}

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

function vnDay(days) {
    const d = new Date(Date.now() + 7 * 3600e3 + days * 86400e3);
    const p = (n) => String(n).padStart(2, '0');
    return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

const COMMENT = 'Đề nghị bổ sung chỉ tiêu đào tạo cán bộ thôn về ứng dụng công nghệ số.';

test('an official checks the outline and opens the draft for 20 days', { timeout: 90_000 }, async () => {
    const problems = [];
    const ctx = await browser.newContext({ viewport: TABLET, locale: 'vi-VN' });
    const page = await ctx.newPage();
    try {
        await signIn(page, 'canbo');
        await page.goto(`${server.base}/quan-ly/gop-y`);
        problems.push(...(await checkTablet(page, 'consultations back office')));
        await page.goto(`${server.base}/quan-ly/gop-y/${id}`);
        problems.push(...(await checkTablet(page, 'draft back office')));
        assert.match(await page.locator('main').innerText(), /Điều 1, khoản 2, điểm đ/);
        await page.getByLabel('Từ ngày').fill(vnDay(0));
        await page.getByLabel('Đến hết ngày').fill(vnDay(19));
        await page.getByRole('button', { name: 'Mở lấy ý kiến' }).click();
        assert.match(await page.locator('main').innerText(), /ít nhất 20 ngày/);
        await page.getByLabel('Đến hết ngày').fill(vnDay(20));
        await Promise.all([
            page.waitForURL(`**/quan-ly/gop-y/${id}`),
            page.getByRole('button', { name: 'Mở lấy ý kiến' }).click(),
        ]);
        assert.match(await page.locator('.flash').innerText(), /Đã mở lấy ý kiến/);
    } finally {
        await ctx.close();
    }
    assertNoProblems(problems);
});

test('a resident on a phone comments on khoản 2 of Điều 1; another agrees instead of repeating it', { timeout: 90_000 }, async () => {
    const problems = [];
    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    try {
        await signIn(page, 'nguoidan');
        await page.goto(`${server.base}/gop-y/du-thao/${id}`);
        problems.push(...(await checkPage(page, 'draft page')));
        await page.getByLabel('Tán thành', { exact: true }).check();
        await page.getByRole('button', { name: 'Gửi ý kiến chung' }).click();
        assert.match(await page.locator('.flash').innerText(), /ý kiến chung/);
        await page.getByRole('link', { name: /Góp ý về Điều 1, khoản 2$/ }).click();
        await page.waitForURL('**/muc/*');
        problems.push(...(await checkPage(page, 'section page')));
        await page.getByLabel(/^Ý kiến về Điều 1, khoản 2/).fill(COMMENT);
        await Promise.all([
            page.waitForURL('**/muc/*'),
            page.getByRole('button', { name: 'Gửi ý kiến' }).click(),
        ]);
        assert.match(await page.locator('.flash').innerText(), /Đã ghi nhận ý kiến/);
        assert.match(await page.locator('main').innerText(), /ứng dụng công nghệ số/);
        await page.screenshot({ path: join(OUT, 'consultation-section.png'), fullPage: true });
    } finally {
        await ctx.close();
    }
    const c2 = await phoneContext(browser);
    const p2 = await c2.newPage();
    try {
        await signIn(p2, 'truongthon');
        await p2.goto(`${server.base}/gop-y/du-thao/${id}`);
        await p2.getByRole('link', { name: /Góp ý về Điều 1, khoản 2$/ }).click();
        await p2.waitForURL('**/muc/*');
        // Typed without tone marks: the folded search still finds the first comment.
        await p2.getByLabel(/^Ý kiến về Điều 1, khoản 2/).pressSequentially('dao tao can bo thon cong nghe so');
        const offer = p2.locator('#goi-y li', { hasText: 'ứng dụng công nghệ số' });
        await offer.waitFor({ timeout: 10_000 });
        problems.push(...(await checkPage(p2, 'section page with suggestions')));
        await Promise.all([
            p2.waitForURL('**/gop-y/du-thao/**'),
            offer.getByRole('button', { name: 'Tôi cũng đồng tình' }).click(),
        ]);
        assert.match(await p2.locator('.flash').innerText(), /đồng tình/);
    } finally {
        await c2.close();
    }
    assertNoProblems(problems);
});

test('the official answers, publishes and the response table opens in LibreOffice', { timeout: 180_000 }, async () => {
    const problems = [];
    const ctx = await browser.newContext({ viewport: TABLET, locale: 'vi-VN', acceptDownloads: true });
    const page = await ctx.newPage();
    try {
        await signIn(page, 'canbo');
        await page.goto(`${server.base}/quan-ly/gop-y/${id}/tong-hop`);
        problems.push(...(await checkTablet(page, 'synthesis')));
        await page.locator('input[name=y_kien]').first().check();
        await page.getByLabel('Thuộc mục').selectOption({ label: 'Điều 1, khoản 2' });
        await page.getByLabel('Tóm tắt nội dung các ý kiến').fill('Bổ sung chỉ tiêu đào tạo công nghệ số cho cán bộ thôn');
        await page.getByLabel('Nội dung tiếp thu hoặc giải trình').fill('Tiếp thu, bổ sung điểm e khoản 2 Điều 1.');
        await Promise.all([
            page.waitForURL('**/tong-hop'),
            page.getByRole('button', { name: 'Tổng hợp', exact: true }).click(),
        ]);
        assert.match(await page.locator('.flash').innerText(), /Đã tổng hợp 1 ý kiến/);
    } finally {
        await ctx.close();
    }
    // Twenty days later: the window has closed (the test moves the dates).
    execFileSync('sqlite3', [dbUrl.slice('sqlite:'.length),
        `UPDATE consultations SET opens_on = date('now', '-25 day'), closes_on = date('now', '-2 day') WHERE id = ${id}`]);
    const c2 = await browser.newContext({ viewport: TABLET, locale: 'vi-VN', acceptDownloads: true });
    const p2 = await c2.newPage();
    let docx = null;
    try {
        await signIn(p2, 'canbo');
        await p2.goto(`${server.base}/quan-ly/gop-y/${id}`);
        await p2.getByLabel('Thông qua có chỉnh sửa theo ý kiến tiếp thu').check();
        await p2.getByLabel('Nội dung quyết định').fill('Ban hành nghị quyết có chỉnh sửa.');
        await Promise.all([
            p2.waitForURL(`**/quan-ly/gop-y/${id}`),
            p2.getByRole('button', { name: 'Ghi quyết định' }).click(),
        ]);
        await Promise.all([
            p2.waitForURL('**/ket-qua'),
            p2.getByRole('button', { name: 'Công bố kết quả và bảng tổng hợp' }).click(),
        ]);
        problems.push(...(await checkTablet(p2, 'published result')));
        assert.match(await p2.locator('main').innerText(), /Tiếp thu, bổ sung điểm e khoản 2 Điều 1/);
        const [download] = await Promise.all([
            p2.waitForEvent('download'),
            p2.getByRole('link', { name: 'Tải bảng tổng hợp (Word)' }).click(),
        ]);
        docx = readFileSync(await download.path());
    } finally {
        await c2.close();
    }
    assertNoProblems(problems);
    // LibreOffice, headless, from Debian: the DOCX becomes a PDF with its Vietnamese intact.
    const dir = mkdtempSync(join(tmpdir(), 'danchu-lo-'));
    try {
        const file = join(dir, 'bang-tong-hop.docx');
        writeFileSync(file, docx);
        execFileSync('soffice', ['--headless', '--convert-to', 'pdf', '--outdir', dir, file], {
            env: { ...process.env, HOME: dir },
            timeout: 120_000,
            stdio: 'ignore',
        });
        const text = execFileSync('pdftotext', [join(dir, 'bang-tong-hop.pdf'), '-'], { encoding: 'utf8' })
            .normalize('NFC')
            .replace(/\s+/g, ' ');
        for (const want of ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'BẢNG TỔNG HỢP', 'Tiếp thu',
            'Bổ sung chỉ tiêu đào tạo', 'Tiếp thu:', 'Điều 1, khoản 2', 'Nơi nhận:']) {
            assert.ok(text.includes(want), `the PDF from LibreOffice lacks "${want}"`);
        }
    } finally {
        if (!process.env.KEEP_LO) rmSync(dir, { recursive: true, force: true });
    }
});
