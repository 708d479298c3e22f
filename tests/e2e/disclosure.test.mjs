// disclosure.test.mjs - browser tests of dân biết: an official publishes an item with an
// attachment and downloads its printed notice; a resident on a phone finds it by searching
// without tone marks and opens the attachment; the portal works with JavaScript turned off.
// Every page visited is checked with axe-core and for sideways scrolling on 360x740.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { seedDemo, startServer, OUT } from './server.mjs';
import { launch, phoneContext, checkPage } from './browser.mjs';

let server = null;
let browser = null;

before(async () => {
    const db = seedDemo('e2e-disclosure', 200);
    server = await startServer('e2e-disclosure', db);
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

async function visit(page, path, problems, label = path) {
    const res = await page.goto(server.base + path);
    problems.push(...(await checkPage(page, label)));
    return res;
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

// A one-page PDF, as an official's scanner would make (small but well-formed).
const PDF = Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>' +
        'endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
    'latin1',
);

const TITLE = 'Công khai phương án bồi thường đường liên thôn Đông Tây (e2e)';

test('an official publishes an item with an attachment and downloads its notice', { timeout: 90_000 }, async () => {
    const ctx = await phoneContext(browser, { acceptDownloads: true });
    const page = await ctx.newPage();
    const problems = [];
    try {
        await signIn(page, 'canbo');
        // From the navigation to the back office, then the new-item form.
        await page.getByRole('navigation').getByRole('link', { name: 'Quản lý công khai' }).click();
        await page.waitForURL('**/quan-ly/cong-khai/99001');
        problems.push(...(await checkPage(page, 'back office list')));
        await page.getByRole('link', { name: 'Đăng thông tin mới' }).click();
        await page.waitForURL('**/quan-ly/cong-khai/99001/moi');
        problems.push(...(await checkPage(page, 'new item form')));
        // Choosing CK07 ticks and locks the loudspeaker and the village head at once (Art 13).
        await page.getByLabel('Lĩnh vực công khai').selectOption('7');
        assert.ok(await page.locator('#kenh_loa').isChecked());
        assert.ok(await page.locator('#kenh_loa').isDisabled());
        assert.ok(await page.locator('#kenh_truong_thon').isDisabled());
        await page.getByLabel('Lĩnh vực công khai').selectOption('3');
        assert.ok(await page.locator('#kenh_niem_yet').isDisabled());
        assert.ok(!(await page.locator('#kenh_loa').isDisabled()));
        await page.getByRole('textbox', { name: 'Tiêu đề', exact: true }).fill(TITLE);
        await page
            .getByLabel(/^Nội dung/)
            .fill('# Phương án\n\nMức bồi thường **350.000 đồng/m²** đất nông nghiệp.');
        await page.getByLabel('Tệp 1').setInputFiles({
            name: 'phuong-an.pdf',
            mimeType: 'application/pdf',
            buffer: PDF,
        });
        await Promise.all([
            page.waitForURL('**/quan-ly/thong-tin/*'),
            page.getByRole('button', { name: 'Lưu' }).click(),
        ]);
        problems.push(...(await checkPage(page, 'item back office')));
        assert.match(await page.locator('h1').innerText(), /bồi thường/);
        await page.screenshot({ path: join(OUT, 'disclosure-manage.png'), fullPage: true });
        const [download] = await Promise.all([
            page.waitForEvent('download'),
            page.getByRole('link', { name: /Tải thông báo để in/ }).click(),
        ]);
        const path = await download.path();
        const { readFileSync } = await import('node:fs');
        assert.equal(readFileSync(path).subarray(0, 4).toString('latin1'), '%PDF');
    } finally {
        await ctx.close();
    }
    assertNoProblems(problems);
});

test('a resident on a phone finds the item without tone marks and opens its attachment', { timeout: 90_000 }, async () => {
    const ctx = await phoneContext(browser, { acceptDownloads: true });
    const page = await ctx.newPage();
    const problems = [];
    try {
        await visit(page, '/', problems, 'home');
        await page.getByLabel(/Tìm thông tin công khai/).fill('boi thuong lien thon dong tay');
        await Promise.all([
            page.waitForURL('**/tim-kiem?**'),
            page.getByRole('button', { name: 'Tìm' }).click(),
        ]);
        problems.push(...(await checkPage(page, 'search results')));
        await page.getByRole('link', { name: TITLE }).click();
        await page.waitForURL('**/thong-tin/*');
        problems.push(...(await checkPage(page, 'item page')));
        assert.match(await page.locator('article').innerText(), /350\.000 đồng/);
        await page.screenshot({ path: join(OUT, 'disclosure-item.png'), fullPage: true });
        const [download] = await Promise.all([
            page.waitForEvent('download'),
            page.getByRole('link', { name: 'phuong-an.pdf' }).click(),
        ]);
        assert.equal(download.suggestedFilename(), 'phuong-an.pdf');
    } finally {
        await ctx.close();
    }
    assertNoProblems(problems);
});

test('the portal, a category and the quarterly list work without JavaScript', { timeout: 90_000 }, async () => {
    // axe-core needs JavaScript, so these pages are checked by it in the next test.
    const ctx = await phoneContext(browser, { javaScriptEnabled: false });
    const page = await ctx.newPage();
    try {
        const res = await page.goto(server.base + '/cong-khai/99001');
        assert.equal(res.status(), 200);
        assert.ok((await res.body()).length < 30 * 1024, 'the portal weighs under 30 KB');
        await page.getByRole('link', { name: /CK03/ }).first().click();
        await page.waitForURL('**/linh-vuc/ck03');
        assert.ok(await page.getByRole('link', { name: TITLE }).count());
        await page.goto(server.base + '/cong-khai/99001');
        await page.getByRole('link', { name: /Danh mục công khai theo quý/ }).click();
        await page.waitForURL('**/danh-muc-quy/*');
        assert.ok(await page.getByRole('link', { name: TITLE }).count());
        // Search is a plain GET form: it works without scripts too.
        await page.getByRole('link', { name: /Công khai thông tin/ }).first().click();
        await page.getByLabel(/Tìm thông tin/).fill('phuong an boi thuong');
        await Promise.all([
            page.waitForURL('**/tim-kiem?**'),
            page.getByRole('button', { name: 'Tìm' }).click(),
        ]);
        assert.ok(await page.getByRole('link', { name: TITLE }).count());
    } finally {
        await ctx.close();
    }
});

test('portal pages pass axe-core and fit the phone', { timeout: 90_000 }, async () => {
    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    const problems = [];
    try {
        for (const path of ['/cong-khai/99001', '/cong-khai/99001/linh-vuc/ck03',
            '/cong-khai/99001/thon/9900101', '/cong-khai/99001/danh-muc-quy/2026-4',
            '/tim-kiem?q=ngan+sach&unit=99001']) {
            const res = await visit(page, path, problems);
            assert.equal(res.status(), 200, path);
        }
    } finally {
        await ctx.close();
    }
    assertNoProblems(problems);
});

test('the compliance dashboard shows its chart', { timeout: 90_000 }, async () => {
    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    const problems = [];
    try {
        await signIn(page, 'chutich');
        const res = await visit(page, '/quan-ly/tuan-thu/99001', problems, 'dashboard');
        assert.equal(res.status(), 200);
        assert.ok(await page.locator('svg[role="img"]').count());
        await page.screenshot({ path: join(OUT, 'disclosure-dashboard.png'), fullPage: true });
    } finally {
        await ctx.close();
    }
    assertNoProblems(problems);
});
