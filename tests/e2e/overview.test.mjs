// The overview page in a real browser against the real binary, with
// auth.anonymous_read so it renders without signing in: environments in
// promotion order, the protected marker, the "Sign in" link, a clean console
// under a strict CSP, light and dark, desktop and phone widths, keyboard use,
// and the static-asset caching contract. Screenshots go to test-results/.
//   npm run test:e2e            (OPSDECK_BINARY defaults to build/opsdeck)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, rawGet, screenshot, startServer, watchedPage } from './lib.mjs';

const ENVIRONMENTS = [
  { name: 'development' },
  { name: 'staging' },
  { name: 'qa-2' },
  { name: 'production', protected: true },
];
const NAMES = ENVIRONMENTS.map((e) => e.name);

// Relative luminance of a computed "rgb(r, g, b)" colour, 0 (black) to 1.
function luminance(rgb) {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

describe('overview', () => {
  let server;
  let browser;

  before(async () => {
    // anonymous_read: the overview renders without signing in (login.test.mjs
    // covers the sign-in itself).
    server = await startServer({ environments: ENVIRONMENTS, auth: { anonymous_read: true } });
    browser = await launchBrowser();
  });

  after(async () => {
    // Both always run, even when the other fails.
    await Promise.allSettled([browser?.close(), server?.stop()]);
  });

  test('shows the environments in promotion order under a strict CSP', async () => {
    const { context, page, problems } = await watchedPage(browser, {
      viewport: { width: 1280, height: 900 },
      timezoneId: 'Asia/Tokyo',
    });
    try {
      const response = await page.goto(`${server.url}/`, { waitUntil: 'load' });
      assert.equal(response.status(), 200);
      assert.match(response.headers()['content-type'], /^text\/html/);
      const csp = response.headers()['content-security-policy'] || '';
      assert.match(csp, /script-src 'self'/, 'a Content-Security-Policy header allowing only own scripts');
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);

      const columns = await page.locator('[data-environment]').evaluateAll(
        (els) => els.map((el) => el.dataset.environment));
      assert.deepEqual(columns, NAMES);
      const headings = await page.locator('.env__name').allInnerTexts();
      assert.deepEqual(headings.map((t) => t.trim()), NAMES);
      // Visually left to right, too.
      const lefts = await page.locator('.env').evaluateAll(
        (els) => els.map((el) => el.getBoundingClientRect().left));
      assert.deepEqual([...lefts].sort((a, b) => a - b), lefts);

      assert.equal(await page.locator('[data-protected]').count(), 1);
      const marker = page.locator('[data-environment="production"] [data-protected]');
      assert.equal(await marker.count(), 1);
      assert.match(await marker.innerText(), /protected/i);
      assert.ok(await marker.isVisible());

      // Not signed in: the header offers the login page.
      const signIn = page.locator('header.topbar a[data-sign-in]');
      assert.equal(await signIn.getAttribute('href'), '/login');
      assert.match(await signIn.innerText(), /Sign in/);
      assert.equal(await page.locator('[data-account], meta[name="csrf-token"]').count(), 0);

      assert.equal(await page.locator('[style]').count(), 0, 'no style attributes');
      assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline scripts');

      // app.js ran: the "as of" time is in the viewer's zone, UTC on hover.
      const time = page.locator('.page-sub time');
      assert.match(await time.getAttribute('title'), / UTC$/);
      assert.doesNotMatch(await time.innerText(), /UTC/);
      assert.match(await time.innerText(), /GMT\+9/);

      await screenshot(page, 'overview.png');
      assert.deepEqual(await problems(), []);
    } finally {
      await context.close();
    }
  });

  test('renders in dark mode', async () => {
    const { context, page, problems } = await watchedPage(browser, { viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${server.url}/`);
      await page.emulateMedia({ colorScheme: 'light' });
      const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await page.emulateMedia({ colorScheme: 'dark' });
      const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const text = await page.evaluate(() => getComputedStyle(document.body).color);
      assert.ok(luminance(light) > 0.8, `light background ${light}`);
      assert.ok(luminance(dark) < 0.05, `dark background ${dark}`);
      assert.ok(luminance(text) > 0.6, `dark-mode text ${text}`);
      await screenshot(page, 'overview-dark.png');
      assert.deepEqual(await problems(), []);
    } finally {
      await context.close();
    }
  });

  test('reads on a phone: columns stack, nothing overflows', async () => {
    const { context, page, problems } = await watchedPage(browser, {
      viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    });
    try {
      await page.goto(`${server.url}/`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
      const boxes = await page.locator('.env').evaluateAll(
        (els) => els.map((el) => el.getBoundingClientRect().toJSON()));
      for (let i = 1; i < boxes.length; ++i) {
        assert.ok(boxes[i].top >= boxes[i - 1].bottom, 'each environment below the previous one');
      }
      await screenshot(page, 'overview-phone.png');
      assert.deepEqual(await problems(), []);
    } finally {
      await context.close();
    }
  });

  test('works from the keyboard', async () => {
    const { context, page, problems } = await watchedPage(browser, { viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${server.url}/`);
      await page.keyboard.press('Tab');
      const skip = await page.evaluate(() => document.activeElement.textContent.trim());
      assert.equal(skip, 'Skip to content');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
      // Tabbing from the top reaches the overview link but never a "soon" item.
      await page.goto(`${server.url}/`);
      const focused = [];
      for (let i = 0; i < 12; ++i) {
        await page.keyboard.press('Tab');
        focused.push(await page.evaluate(() => {
          const el = document.activeElement;
          return `${el.tagName.toLowerCase()}${el.classList.contains('is-disabled') ? '.is-disabled' : ''}:${el.textContent.trim().slice(0, 40)}`;
        }));
      }
      assert.ok(focused.some((f) => f.startsWith('a:Overview')), focused.join(' | '));
      assert.ok(!focused.some((f) => f.includes('is-disabled')), focused.join(' | '));
      assert.deepEqual(await problems(), []);
    } finally {
      await context.close();
    }
  });

  test('static assets: fingerprinted, ETag, 304, no traversal', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    const cssUrl = html.match(/<link rel="stylesheet" href="([^"]+)"/)[1];
    assert.match(cssUrl, /^\/static\/app\.[0-9a-f]{16}\.css$/);

    const css = await rawGet(server.url, cssUrl);
    assert.equal(css.status, 200);
    assert.match(css.headers['content-type'], /^text\/css/);
    assert.match(css.headers['cache-control'], /immutable/);
    assert.match(css.headers.etag, /^"[0-9a-f]{16}"$/);
    assert.equal(css.headers['x-content-type-options'], 'nosniff');

    const plain = await rawGet(server.url, '/static/app.css');
    assert.equal(plain.status, 200);
    assert.match(plain.headers['cache-control'], /no-cache/);
    const again = await rawGet(server.url, '/static/app.css', { 'If-None-Match': plain.headers.etag });
    assert.equal(again.status, 304);
    assert.equal(again.body, '');

    for (const bad of ['/static/../CMakeLists.txt', '/static/%2e%2e/x', '/static/nope.css', '/static/']) {
      assert.equal((await rawGet(server.url, bad)).status, 404, bad);
    }
  });

  test('unknown pages get the styled 404', async () => {
    const { context, page } = await watchedPage(browser, { viewport: { width: 1280, height: 900 } });
    try {
      const response = await page.goto(`${server.url}/no/such/page?<b>x</b>`);
      assert.equal(response.status(), 404);
      assert.match(response.headers()['content-type'], /^text\/html/);
      assert.equal(await page.locator('h1').innerText(), 'Page not found');
      assert.equal(await page.locator('b').count(), 0);
      // The stylesheet applied: the shell's grid is laid out.
      assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.app')).display), 'grid');
    } finally {
      await context.close();
    }
  });
});
