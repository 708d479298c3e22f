// reception.test.mjs - browser tests of citizen reception (tiếp công dân) on a 360x740 phone: the
// officer plans a reception session; a resident without an account finds it on the commune's
// schedule and books a slot (another does the same with JavaScript turned off); the officer sees the booking, records a
// visit in the reception register and turns it into a case with one action. Every page visited
// is checked with axe-core and for sideways scrolling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { seedDemo, startServer, OUT } from './server.mjs';
import { launch, phoneContext, checkPage } from './browser.mjs';

let server = null;
let browser = null;

before(async () => {
    const db = seedDemo('e2e-reception', 200);
    server = await startServer('e2e-reception', db);
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

// Vietnam's date (UTC+7) `days` from today as dd/mm/yyyy.
function vnDay(days) {
    const d = new Date(Date.now() + 7 * 3600e3 + days * 86400e3);
    const p = (n) => String(n).padStart(2, '0');
    return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

// An ad hoc session (holidays do not move it) three weeks ahead, at a time of its own.
const DAY = vnDay(21);

test('the officer plans a session and a resident books a slot from the schedule', { timeout: 90_000 }, async () => {
    const problems = [];
    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    try {
        await signIn(page, 'canbo');
        await page.goto(server.base + '/quan-ly/tiep-cong-dan/99001');
        problems.push(...(await checkPage(page, 'officials schedule')));
        await page.getByLabel('Đột xuất').check();
        await page.getByLabel(/^Ngày tiếp/).fill(DAY);
        await page.getByLabel('Giờ bắt đầu').fill('13:40');
        await page.getByLabel('Giờ kết thúc').fill('15:40');
        await page.getByLabel(/^Mỗi lượt đặt trước/).fill('20');
        await Promise.all([
            page.waitForURL((u) => u.pathname === '/quan-ly/tiep-cong-dan/99001' && u.searchParams.has('tu_ngay')),
            page.getByRole('button', { name: 'Lên lịch' }).click(),
        ]);
        assert.match(await page.locator('main').innerText(), /Đã lên lịch 1 buổi tiếp công dân/);
        problems.push(...(await checkPage(page, 'officials schedule after planning')));
    } finally {
        await ctx.close();
    }
    // A resident on a phone, without an account.
    const rctx = await phoneContext(browser);
    const p2 = await rctx.newPage();
    let formUrl = null;
    try {
        await p2.goto(server.base + '/tiep-cong-dan/99001?tu_ngay=' + DAY);
        problems.push(...(await checkPage(p2, 'public schedule')));
        await p2.screenshot({ path: join(OUT, 'reception-schedule.png'), fullPage: true });
        await Promise.all([
            p2.waitForURL('**/tiep-cong-dan/99001/buoi/*'),
            p2.getByRole('link', { name: new RegExp(`Đặt lịch .* ${DAY.replace(/\//g, '\\/')}`) }).click(),
        ]);
        problems.push(...(await checkPage(p2, 'booking form')));
        formUrl = p2.url();
        // A phone typed wrong: the form comes back with the rest kept.
        await p2.getByLabel('14:00–14:20').check();
        await p2.getByLabel('Họ và tên').fill('Nguyễn Thị Hẹn');
        await p2.getByLabel('Số điện thoại').fill('09x');
        await p2.getByLabel('Thôn, tổ dân phố nơi bạn ở').selectOption('9900101');
        await p2.getByLabel(/^Việc bạn muốn trình bày/).fill('Hỏi về cấp giấy chứng nhận đất (e2e)');
        await Promise.all([
            p2.waitForResponse((res) => res.request().method() === 'POST'),
            p2.getByRole('button', { name: 'Đặt lịch' }).click(),
        ]);
        await p2.waitForLoadState();
        problems.push(...(await checkPage(p2, 'booking form with errors')));
        assert.match(await p2.locator('main').innerText(), /Vui lòng ghi số điện thoại/);
        assert.equal(await p2.getByLabel('Họ và tên').inputValue(), 'Nguyễn Thị Hẹn');
        await p2.getByLabel('Số điện thoại').fill('0912 345 999');
        await Promise.all([
            p2.waitForURL('**/tiep-cong-dan/lich-hen/*'),
            p2.getByRole('button', { name: 'Đặt lịch' }).click(),
        ]);
        problems.push(...(await checkPage(p2, 'booking confirmation')));
        const text = await p2.locator('main').innerText();
        assert.match(text, /Mã lịch hẹn của bạn là [0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/);
        assert.match(text, new RegExp(`${DAY.replace(/\//g, '\\/')}, 14:00–14:20`));
        assert.doesNotMatch(text, /0912345999/);
        await p2.screenshot({ path: join(OUT, 'reception-booking.png'), fullPage: true });
    } finally {
        await rctx.close();
    }
    // Another resident, with JavaScript turned off: the form works the same; the slot taken
    // above is no longer offered.
    const plain = await phoneContext(browser, { javaScriptEnabled: false });
    const p3 = await plain.newPage();
    try {
        await p3.goto(formUrl);
        assert.equal(await p3.getByLabel('14:00–14:20').count(), 0);
        await p3.getByLabel('14:20–14:40').check();
        await p3.getByLabel('Họ và tên').fill('Lê Văn Không Script');
        await p3.getByLabel('Số điện thoại').fill('0912345888');
        await p3.getByLabel(/^Việc bạn muốn trình bày/).fill('Hỏi về hộ nghèo (e2e)');
        await Promise.all([
            p3.waitForURL('**/tiep-cong-dan/lich-hen/*'),
            p3.getByRole('button', { name: 'Đặt lịch' }).click(),
        ]);
        assert.match(await p3.locator('main').innerText(), /14:20–14:40/);
    } finally {
        await plain.close();
    }
    assertNoProblems(problems);
});

test('the officer sees the booking, records a visit and turns it into a case', { timeout: 90_000 }, async () => {
    const problems = [];
    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    try {
        await signIn(page, 'canbo');
        await page.goto(server.base + '/quan-ly/tiep-cong-dan/99001?tu_ngay=' + DAY);
        await Promise.all([
            page.waitForURL('**/quan-ly/tiep-cong-dan/buoi/*'),
            page.getByRole('link', { name: new RegExp(`${DAY.replace(/\//g, '\\/')}, 13:40–15:40`) }).click(),
        ]);
        problems.push(...(await checkPage(page, 'session page')));
        assert.match(await page.locator('main').innerText(), /Nguyễn Thị Hẹn/);
        await page.goto(server.base + '/quan-ly/tiep-cong-dan/99001/so');
        problems.push(...(await checkPage(page, 'register')));
        await Promise.all([
            page.waitForURL('**/quan-ly/tiep-cong-dan/99001/so/moi'),
            page.locator('main').getByRole('link', { name: 'Ghi lượt tiếp mới' }).click(),
        ]);
        problems.push(...(await checkPage(page, 'new register entry')));
        await page.getByLabel('Họ và tên người đến').fill('Trịnh Văn Khiếu');
        await page.getByLabel('Địa chỉ', { exact: true }).fill('Số 12 ngõ 3, Tổ dân phố 1');
        await page.getByLabel('Nội dung trình bày').fill('Khiếu nại việc trả lại hồ sơ trợ cấp xã hội không nêu lý do (e2e).');
        await page.getByLabel('Đã được giải quyết chưa, ở đâu').fill('Chưa được giải quyết.');
        await page.getByLabel('Yêu cầu của người đến').fill('Đề nghị xem xét lại.');
        await page.getByLabel(/Tiếp nhận đơn, chuyển người có thẩm quyền/).check();
        await Promise.all([
            page.waitForURL('**/quan-ly/tiep-cong-dan/luot/*'),
            page.getByRole('button', { name: 'Ghi vào sổ' }).click(),
        ]);
        problems.push(...(await checkPage(page, 'register entry')));
        const entry = await page.locator('main').innerText();
        assert.match(entry, /Đã ghi vào sổ tiếp công dân, số \d+\/\d{4}/);
        assert.match(entry, /10 ngày làm việc/);
        await page.getByLabel('Khiếu nại', { exact: true }).check();
        await page.getByLabel('Tóm tắt nội dung của hồ sơ').fill('Khiếu nại việc trả hồ sơ trợ cấp (e2e)');
        await Promise.all([
            page.waitForURL('**/quan-ly/y-kien/ho-so/*'),
            page.getByRole('button', { name: 'Tạo hồ sơ' }).click(),
        ]);
        problems.push(...(await checkPage(page, 'case made from the register')));
        const text = await page.locator('main').innerText();
        assert.match(text, /Đã lập hồ sơ Khiếu nại/);
        assert.match(text, /Khiếu nại việc trả hồ sơ trợ cấp \(e2e\)/);
        assert.match(text, /Trịnh Văn Khiếu/);
        await page.screenshot({ path: join(OUT, 'reception-case.png'), fullPage: true });
        await page.goBack();
        await page.waitForURL('**/quan-ly/tiep-cong-dan/luot/*');
        await page.reload();
        assert.match(await page.locator('main').innerText(), /Khiếu nại việc trả hồ sơ trợ cấp \(e2e\)/);
    } finally {
        await ctx.close();
    }
    assertNoProblems(problems);
});
