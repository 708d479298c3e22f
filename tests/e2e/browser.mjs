// browser.mjs - Debian's Chromium through playwright-core, plus the checks every page gets.
//
// Never downloads a browser: /usr/bin/chromium (or $DANCHU_CHROMIUM) is launched headless.
// checkPage() runs axe-core in the page (injected with page.evaluate, since the site's CSP
// forbids injected script tags) and measures horizontal overflow on the phone viewport.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The phone the tests pretend to be: a small, common Android screen. */
export const PHONE = { width: 360, height: 740 };

/** Launches headless Chromium from the Debian package. */
export function launch() {
    return chromium.launch({
        executablePath: process.env.DANCHU_CHROMIUM || '/usr/bin/chromium',
        args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--no-first-run',
            '--disable-sync',
            '--disable-quic',
        ],
    });
}

/** A new phone-sized context; pass { javaScriptEnabled: false } for a browser without JS. */
export function phoneContext(browser, extra = {}) {
    return browser.newContext({ viewport: PHONE, locale: 'vi-VN', ...extra });
}

/**
 * Runs axe-core on the page and returns the violations of impact serious or critical, each as
 * a short readable line (rule, impact, help, and the first few offending nodes).
 */
export async function axeSerious(page) {
    const injected = await page.evaluate(() => typeof window.axe !== 'undefined');
    if (!injected) {
        await page.evaluate(AXE_SOURCE);
    }
    const result = await page.evaluate(() => window.axe.run());
    if (result.passes.length === 0) {
        throw new Error(`axe-core checked nothing on ${page.url()}`);
    }
    return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => {
            const nodes = v.nodes
                .slice(0, 3)
                .map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`)
                .join(' | ');
            return `${v.id} (${v.impact}) ${v.help} [${v.nodes.length} node(s)] ${nodes}`;
        });
}

/** document.scrollWidth of the page: more than the viewport width means sideways scrolling. */
export function scrollWidth(page) {
    return page.evaluate(() => document.documentElement.scrollWidth);
}

/**
 * The checks every page visited gets: no serious or critical axe violation and no horizontal
 * scroll. Returns a list of problems (empty when the page is fine), prefixed with label.
 */
export async function checkPage(page, label) {
    const problems = [];
    for (const v of await axeSerious(page)) {
        problems.push(`${label}: axe ${v}`);
    }
    const w = await scrollWidth(page);
    if (w > PHONE.width) {
        problems.push(`${label}: scrolls sideways, document.scrollWidth ${w} > ${PHONE.width}`);
    }
    return problems;
}
