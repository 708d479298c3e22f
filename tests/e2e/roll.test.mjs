// roll.test.mjs - browser tests of the public pages, sign-in and the household roll.
//
// One fresh SQLite demo (200 households) and one `danchu serve` with strict templates for the
// whole file; Chromium on a 360x740 phone viewport. Every page visited is checked with axe-core
// (no serious or critical violation) and for sideways scrolling; the problems of a test are
// gathered and reported together so one run shows all of them. Screenshots of the roll and of
// the import result go to build/e2e/ for people to look at; they are not compared.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { seedDemo, startServer, OUT } from './server.mjs';
import { launch, phoneContext, checkPage } from './browser.mjs';

const VILLAGE = '9900101';
const ROLL = `/don-vi/${VILLAGE}/ho`;

let server = null;
let browser = null;

before(async () => {
    const db = seedDemo('e2e', 200);
    server = await startServer('e2e', db);
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

/** Fails the test with every problem found on its pages, one per line. */
function assertNoProblems(problems) {
    assert.deepEqual(problems, [], `problems found:\n  ${problems.join('\n  ')}`);
}

/** Goes to path and checks the page; returns the response. */
async function visit(page, path, problems, label = path) {
    const res = await page.goto(server.base + path);
    problems.push(...(await checkPage(page, label)));
    return res;
}

/**
 * Fills the sign-in form on the current page and submits it as a person would; resolves once
 * the browser has left the sign-in page (so only for a sign-in that succeeds).
 */
async function signIn(page, login, password) {
    await page.getByLabel('Tên đăng nhập').fill(login);
    await page.getByLabel('Mật khẩu').fill(password);
    await Promise.all([
        page.waitForURL((u) => !u.pathname.startsWith('/dang-nhap')),
        page.locator('main').getByRole('button', { name: 'Đăng nhập' }).click(),
    ]);
}

/** A CSV as people export it from Excel: UTF-8 with a byte-order mark, CRLF line ends. */
function csv(lines) {
    return Buffer.from('\ufeff' + lines.join('\r\n') + '\r\n', 'utf8');
}

const HEADER =
    'mã hộ,họ và tên,ngày sinh,giới tính,quan hệ với chủ hộ,thôn,địa chỉ,số điện thoại,CCCD';

test('public pages: home, unit list, a unit are accessible and fit a 360 px phone', async () => {
    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    const problems = [];
    try {
        let res = await visit(page, '/', problems, 'home');
        assert.equal(res.status(), 200);
        await assert.doesNotReject(page.getByRole('heading', { level: 1 }).waitFor());
        assert.match(await page.locator('h1').innerText(), /Dân chủ ở cơ sở/);

        // A person follows the navigation rather than typing addresses.
        await page.getByRole('navigation').getByRole('link', { name: 'Đơn vị' }).click();
        await page.waitForURL('**/don-vi');
        problems.push(...(await checkPage(page, 'unit list')));
        assert.match(await page.locator('h1').innerText(), /Đơn vị hành chính/);
        assert.ok(await page.getByRole('link', { name: 'Phường Bình Minh' }).count());

        await page.getByRole('link', { name: 'Phường Bình Minh' }).first().click();
        await page.waitForURL('**/don-vi/99001');
        problems.push(...(await checkPage(page, 'unit 99001')));
        assert.equal(await page.locator('h1').innerText(), 'Phường Bình Minh');

        res = await visit(page, `/don-vi/${VILLAGE}`, problems, `unit ${VILLAGE}`);
        assert.equal(res.status(), 200);
        assert.match(await page.locator('h1').innerText(), /Tổ dân phố số 1/);

        res = await visit(page, '/dang-nhap', problems, 'sign-in form');
        assert.equal(res.status(), 200);
    } finally {
        await ctx.close();
    }
    assertNoProblems(problems);
});

test('wrong password shows a Vietnamese error on the form', async () => {
    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    const problems = [];
    try {
        await visit(page, '/dang-nhap', problems);
        await page.getByLabel('Tên đăng nhập').fill('truongthon');
        await page.getByLabel('Mật khẩu').fill('sai-mat-khau');
        await page.locator('main').getByRole('button', { name: 'Đăng nhập' }).click();
        await page.waitForLoadState();
        const alert = page.getByRole('alert');
        await alert.waitFor();
        assert.match(await alert.innerText(), /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịỉọỏốồổỗộớờởỡợụủứừửữựỳỷỹý]/i);
        assert.equal(new URL(page.url()).pathname, '/dang-nhap');
        problems.push(...(await checkPage(page, 'sign-in error')));
        // The sign-in form stays usable after the error.
        await signIn(page, 'truongthon', 'danchu2026');
        assert.equal(new URL(page.url()).pathname, '/');
        problems.push(...(await checkPage(page, 'home, signed in')));
    } finally {
        await ctx.close();
    }
    assertNoProblems(problems);
});

test('village head signs in, opens a household, imports a CSV and finds an imported name', async () => {
    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    const problems = [];
    try {
        // Anonymous: the roll sends the visitor to the sign-in form and back afterwards.
        await page.goto(server.base + `/don-vi/${VILLAGE}`);
        await page.getByRole('link', { name: 'Danh sách hộ gia đình' }).click();
        await page.waitForURL('**/dang-nhap?**');
        assert.equal(new URL(page.url()).searchParams.get('tiep'), ROLL);
        problems.push(...(await checkPage(page, 'sign-in (from roll)')));
        await signIn(page, 'truongthon', 'danchu2026');
        assert.equal(new URL(page.url()).pathname, ROLL, 'sign-in lands on the roll');
        assert.equal(await page.locator('h1').innerText(), 'Danh sách hộ gia đình');
        assert.ok(await page.getByText('Phạm Văn Tổ trưởng').isVisible(), 'name in the header');
        const rows = page.locator('table.roll tbody tr');
        assert.ok((await rows.count()) >= 10, 'the roll lists households');
        problems.push(...(await checkPage(page, 'roll')));
        await page.screenshot({ path: join(OUT, 'roll-360.png'), fullPage: true });

        // A household, from its link on the roll.
        const firstLink = rows.first().getByRole('link');
        const code = await firstLink.innerText();
        await firstLink.click();
        await page.waitForURL('**/ho/*');
        assert.equal(await page.locator('h1').innerText(), `Hộ ${code}`);
        assert.ok((await page.locator('table tbody tr').count()) >= 1, 'members listed');
        problems.push(...(await checkPage(page, `household ${code}`)));

        // Back to the roll, then the import page through its button.
        await page.getByRole('link', { name: /Danh sách hộ/ }).first().click();
        await page.waitForURL(`**${ROLL}`);
        await page.getByRole('link', { name: 'Nhập từ tệp Excel/CSV' }).click();
        await page.waitForURL(`**/don-vi/${VILLAGE}/nhap-ho`);
        problems.push(...(await checkPage(page, 'import form')));

        const good = csv([
            HEADER,
            'E2E-01,Nguyễn Thị Ánh Tuyết,14/02/1972,Nữ,Chủ hộ,9900101,"Số 5, ngõ 3, Tổ dân phố số 1",0912000111,',
            'E2E-01,Đặng Quốc Hưng,2001,Nam,Con,9900101,"Số 5, ngõ 3, Tổ dân phố số 1",,',
            'E2E-02,Võ Thị Phượng,1958,Nữ,Chủ hộ,9900101,"Số 9 đường Lê Lợi, Tổ dân phố số 1",,',
        ]);
        await page.getByLabel('Chọn tệp danh sách hộ').setInputFiles({
            name: 'danh-sach-ho.csv',
            mimeType: 'text/csv',
            buffer: good,
        });
        const [res] = await Promise.all([
            page.waitForResponse((r) => r.request().method() === 'POST'),
            page.getByRole('button', { name: 'Tải lên và nhập' }).click(),
        ]);
        await page.waitForLoadState();
        assert.equal(res.status(), 200, 'the import is accepted');
        const ok = page.locator('section.ok');
        await ok.waitFor();
        const okText = await ok.innerText();
        assert.match(okText, /Đã nhập xong/);
        assert.match(okText, /Thêm 2 hộ, 3 người/);
        problems.push(...(await checkPage(page, 'import result')));
        await page.screenshot({ path: join(OUT, 'import-result-360.png'), fullPage: true });

        // The imported name, found with the search box on the roll.
        await page.getByRole('link', { name: /Danh sách hộ/ }).first().click();
        await page.waitForURL(`**${ROLL}`);
        await page.getByLabel('Tìm theo tên thành viên hoặc mã hộ').fill('Võ Thị Phượng');
        await page.getByRole('button', { name: 'Tìm' }).click();
        await page.waitForURL(/[?&]q=/);
        const found = page.locator('table.roll tbody tr');
        assert.equal(await found.count(), 1, 'exactly one household matches');
        const row = await found.first().innerText();
        assert.match(row, /E2E-02/);
        assert.match(row, /Võ Thị Phượng/);
        problems.push(...(await checkPage(page, 'roll search')));

        // Without tone marks, as people type on a phone keyboard.
        await page.getByLabel('Tìm theo tên thành viên hoặc mã hộ').fill('dang quoc hung');
        await page.getByRole('button', { name: 'Tìm' }).click();
        await page.waitForURL(/q=dang/);
        assert.match(await page.locator('table.roll tbody').innerText(), /E2E-01/);
        problems.push(...(await checkPage(page, 'roll search without tone marks')));
    } finally {
        await ctx.close();
    }
    assertNoProblems(problems);
});

test('a CSV with a bad row is refused with its line number and nothing is applied', async () => {
    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    const problems = [];
    try {
        await visit(page, `/dang-nhap?tiep=/don-vi/${VILLAGE}/nhap-ho`, problems, 'sign-in');
        await signIn(page, 'truongthon', 'danchu2026');
        assert.equal(new URL(page.url()).pathname, `/don-vi/${VILLAGE}/nhap-ho`);
        problems.push(...(await checkPage(page, 'import form')));

        const bad = csv([
            HEADER,
            'E2E-03,Trịnh Văn Lộc,03/04/1980,Nam,Chủ hộ,9900101,"Số 1, Tổ dân phố số 1",,',
            'E2E-04,Bùi Thị Hằng,31/02/1990,Nữ,Chủ hộ,9900101,"Số 2, Tổ dân phố số 1",,',
        ]);
        await page.getByLabel('Chọn tệp danh sách hộ').setInputFiles({
            name: 'loi.csv',
            mimeType: 'text/csv',
            buffer: bad,
        });
        const [res] = await Promise.all([
            page.waitForResponse((r) => r.request().method() === 'POST'),
            page.getByRole('button', { name: 'Tải lên và nhập' }).click(),
        ]);
        await page.waitForLoadState();
        assert.equal(res.status(), 422);
        const errors = page.locator('section.errors');
        await errors.waitFor();
        assert.match(await errors.innerText(), /Tệp chưa được nhập/);
        const lines = await errors.locator('tbody tr td:first-child').allInnerTexts();
        assert.deepEqual(lines, ['3'], 'the bad row is named by its line in the file');
        assert.ok(
            (await errors.locator('tbody tr td:nth-child(2)').innerText()).length > 0,
            'the error says what is wrong',
        );
        problems.push(...(await checkPage(page, 'import errors')));
        await page.screenshot({ path: join(OUT, 'import-errors-360.png'), fullPage: true });

        // Nothing applied: the good row of the refused file is not on the roll.
        await visit(page, `${ROLL}?q=${encodeURIComponent('Trịnh Văn Lộc')}`, problems, 'no match');
        assert.match(await page.locator('table.roll tbody').innerText(), /Không có hộ nào phù hợp/);
    } finally {
        await ctx.close();
    }
    assertNoProblems(problems);
});

test('the sign-in success message shows after the redirect', async () => {
        const ctx = await phoneContext(browser);
        const page = await ctx.newPage();
        try {
            await page.goto(server.base + `/dang-nhap?tiep=${ROLL}`);
            await signIn(page, 'truongthon', 'danchu2026');
            const flash = page.locator('.flash[role=status]');
            assert.equal(await flash.count(), 1, 'a status message after signing in');
            assert.match(await flash.innerText(), /Đăng nhập thành công/);
        } finally {
            await ctx.close();
        }
    },
);

test('sign-in works in a browser without JavaScript', async () => {
    const ctx = await phoneContext(browser, { javaScriptEnabled: false });
    const page = await ctx.newPage();
    try {
        await page.goto(server.base + `/dang-nhap?tiep=${ROLL}`);
        await signIn(page, 'truongthon', 'danchu2026');
        assert.equal(new URL(page.url()).pathname, ROLL);
        assert.equal(await page.locator('h1').innerText(), 'Danh sách hộ gia đình');
        // The search form is a plain GET form: it works without scripts too.
        await page.getByLabel('Tìm theo tên thành viên hoặc mã hộ').fill('9900101-0001');
        await page.getByRole('button', { name: 'Tìm' }).click();
        await page.waitForURL(/q=9900101-0001/);
        assert.match(await page.locator('table.roll tbody').innerText(), /9900101-0001/);
        // Signing out is a form button, no script needed.
        await page.getByRole('button', { name: 'Đăng xuất' }).click();
        await page.waitForLoadState();
        await page.goto(server.base + ROLL);
        assert.equal(new URL(page.url()).pathname, '/dang-nhap', 'signed out');
    } finally {
        await ctx.close();
    }
});

test('a household page fits a 360 px phone for its editor', async () => {
    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    const problems = [];
    try {
        await visit(page, '/dang-nhap?tiep=/ho/1', problems, 'sign-in');
        await signIn(page, 'truongthon', 'danchu2026');
        assert.equal(new URL(page.url()).pathname, '/ho/1');
        problems.push(...(await checkPage(page, 'household /ho/1')));
        await visit(page, `/don-vi/${VILLAGE}/ho/them`, problems, 'new household form');
    } finally {
        await ctx.close();
    }
    assertNoProblems(problems);
});
