// feedback.test.mjs - browser tests of residents' requests: a resident on a phone, without an
// account, sends a phản ánh with a photo from the commune portal, makes a mistake and gets the
// form back with what they typed, then follows the case by its code; the officer finds it in the
// queue, answers it, and the resident says it is fixed. The same works with JavaScript turned
// off. Every page visited is checked with axe-core and for sideways scrolling on 360x740.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { seedDemo, startServer, OUT } from './server.mjs';
import { launch, phoneContext, checkPage } from './browser.mjs';

let server = null;
let browser = null;

before(async () => {
    const db = seedDemo('e2e-feedback', 200);
    server = await startServer('e2e-feedback', db);
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

// A 1x1 PNG, as a phone camera's would be after the server strips it.
const PNG = Buffer.from(
    '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
        '1f15c4890000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082',
    'hex',
);

const TITLE = 'Cống thoát nước đầu ngõ 7 bị tắc (e2e)';
let trackingUrl = null;

test('a resident sends a phản ánh with a photo and follows it by its code', { timeout: 90_000 }, async () => {
    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    const problems = [];
    try {
        await page.goto(server.base + '/cong-khai/99001');
        await page.getByRole('link', { name: /Gửi phản ánh, kiến nghị/ }).click();
        await page.waitForURL('**/gui-y-kien/99001');
        problems.push(...(await checkPage(page, 'feedback form')));
        await page.getByLabel('Phản ánh', { exact: true }).check();
        await page.getByLabel('Lĩnh vực').selectOption('ha_tang');
        await page.getByLabel('Nội dung chính (một câu)').fill(TITLE);
        await page.getByLabel('Nội dung chi tiết').fill('Mỗi trận mưa nước tràn vào ba nhà.');
        await page.getByLabel('Ảnh 1').setInputFiles({ name: 'cong.png', mimeType: 'image/png', buffer: PNG });
        await page.getByLabel('Họ và tên').fill('Nguyễn Thị Hoa');
        // A phone typed wrong: the form comes back with everything kept and the mistake named.
        await page.getByLabel('Số điện thoại').fill('09x');
        await page.getByRole('button', { name: 'Gửi', exact: true }).click();
        await page.waitForLoadState();
        problems.push(...(await checkPage(page, 'feedback form with errors')));
        assert.match(await page.locator('main').innerText(), /Số điện thoại chỉ gồm chữ số/);
        assert.equal(await page.getByLabel('Nội dung chính (một câu)').inputValue(), TITLE);
        assert.equal(await page.getByLabel('Họ và tên').inputValue(), 'Nguyễn Thị Hoa');
        await page.getByLabel('Số điện thoại').fill('0912 345 678');
        await page.getByLabel('Ảnh 1').setInputFiles({ name: 'cong.png', mimeType: 'image/png', buffer: PNG });
        await Promise.all([
            page.waitForURL('**/theo-doi/*'),
            page.getByRole('button', { name: 'Gửi', exact: true }).click(),
        ]);
        problems.push(...(await checkPage(page, 'tracking page')));
        const text = await page.locator('main').innerText();
        assert.match(text, /Mã theo dõi của bạn là [0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/);
        assert.match(text, /Đã tiếp nhận/);
        assert.doesNotMatch(text, /0912345678/);
        trackingUrl = new URL(page.url()).pathname;
        await page.screenshot({ path: join(OUT, 'feedback-track.png'), fullPage: true });
        // The code typed in the lookup box, lower case, finds it again.
        const code = trackingUrl.split('/').pop();
        await page.goto(server.base + '/theo-doi');
        problems.push(...(await checkPage(page, 'lookup')));
        await page.getByLabel(/Mã theo dõi/).fill(code.toLowerCase());
        await Promise.all([
            page.waitForURL('**' + trackingUrl),
            page.getByRole('button', { name: 'Tra cứu' }).click(),
        ]);
    } finally {
        await ctx.close();
    }
    assertNoProblems(problems);
});

test('the officer answers from the queue and the resident says it is fixed', { timeout: 90_000 }, async () => {
    assert.ok(trackingUrl, 'the first test made a case');
    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    const problems = [];
    try {
        await signIn(page, 'canbo');
        await page.getByRole('navigation').getByRole('link', { name: 'Ý kiến Nhân dân' }).click();
        await page.waitForURL('**/quan-ly/y-kien/99001');
        problems.push(...(await checkPage(page, 'queue')));
        await page.screenshot({ path: join(OUT, 'feedback-queue.png'), fullPage: true });
        await page.goto(server.base + '/quan-ly/y-kien/99001?loc=all');
        await page.getByRole('row', { name: new RegExp(TITLE.replace(/[()]/g, '\\$&')) }).getByRole('link').click();
        await page.waitForURL('**/quan-ly/y-kien/ho-so/*');
        problems.push(...(await checkPage(page, 'case page')));
        assert.match(await page.locator('main').innerText(), /Nguyễn Thị Hoa/);
        await page.getByRole('textbox', { name: /Nội dung trả lời/ }).fill('Đã nạo vét, cống đã thông.');
        await Promise.all([
            page.waitForURL('**/quan-ly/y-kien/ho-so/*'),
            page.getByRole('button', { name: 'Ghi nhận trả lời' }).click(),
        ]);
        assert.match(await page.locator('main').innerText(), /Đã ghi nhận/);
        await page.screenshot({ path: join(OUT, 'feedback-case.png'), fullPage: true });
    } finally {
        await ctx.close();
    }
    // The resident, with JavaScript off: the answer, and "fixed".
    const plain = await phoneContext(browser, { javaScriptEnabled: false });
    const p2 = await plain.newPage();
    try {
        await p2.goto(server.base + trackingUrl);
        assert.match(await p2.locator('main').innerText(), /Đã nạo vét, cống đã thông\./);
        await Promise.all([
            p2.waitForURL('**' + trackingUrl),
            p2.getByRole('button', { name: 'Đã được giải quyết' }).click(),
        ]);
        assert.match(await p2.locator('main').innerText(), /Bạn đã xác nhận vấn đề được giải quyết/);
    } finally {
        await plain.close();
    }
    assertNoProblems(problems);
});

test('the chairperson opens a sealed denunciation with a password; the account page', { timeout: 90_000 }, async () => {
    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    const problems = [];
    try {
        await signIn(page, 'chutich');
        // The demo's denunciations of the ward are sealed to the chairperson.
        await page.goto(server.base + '/quan-ly/y-kien/99001?loc=all');
        const link = page.locator('table.roll tr', { hasText: 'Tố cáo' }).getByRole('link').first();
        await link.click();
        await page.waitForURL('**/quan-ly/y-kien/ho-so/*');
        problems.push(...(await checkPage(page, 'sealed case page')));
        const before = await page.locator('main').innerText();
        assert.match(before, /được mã hóa/);
        await page.getByLabel('Mật khẩu của bạn', { exact: true }).fill('danchu2026');
        await Promise.all([
            page.waitForLoadState(),
            page.getByRole('button', { name: 'Xem danh tính người tố cáo' }).click(),
        ]);
        problems.push(...(await checkPage(page, 'revealed identity')));
        assert.match(await page.locator('main').innerText(), /Lần xem này đã được ghi vào nhật ký/);
        await page.goto(server.base + '/tai-khoan');
        problems.push(...(await checkPage(page, 'account page')));
        assert.match(await page.locator('main').innerText(), /Chủ tịch Ủy ban nhân dân/);
        await page.goto(server.base + '/thong-ke-y-kien/99001');
        problems.push(...(await checkPage(page, 'statistics')));
        await page.goto(server.base + '/hoi-dap/99001');
        problems.push(...(await checkPage(page, 'questions and answers')));
    } finally {
        await ctx.close();
    }
    assertNoProblems(problems);
});
