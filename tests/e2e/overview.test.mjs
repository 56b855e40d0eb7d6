// The overview page in a real browser against the real binary, with
// auth.anonymous_read so it renders without signing in: environments in
// promotion order, the protected marker, the "Sign in" link, a clean console
// under a strict CSP, light and dark, desktop and phone widths, keyboard use,
// and the static-asset caching contract. Then, with fixture data (pipeline
// deliveries through /hooks/generic, locally probed targets, a release and
// windows): every block shows, a pipeline event updates the page in place
// without a reload, and hostile names stay text. Screenshots go to
// test-results/.
//   npm run test:e2e            (OPSDECK_BINARY defaults to build/opsdeck)
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { deliver, generic } from '../integration/events.mjs';
import { SECRETS } from '../integration/lib.mjs';
import { freePort, launchBrowser, luminance, rawGet, screenshot, startServer, watchedPage } from './lib.mjs';

const ENVIRONMENTS = [
  { name: 'development' },
  { name: 'staging' },
  { name: 'qa-2' },
  { name: 'production', protected: true },
];
const NAMES = ENVIRONMENTS.map((e) => e.name);

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

// ---- the overview with data: every block, and a live update ----

const HOSTILE = '<img src=x onerror=alert(1)>';
const ADMIN_TOKEN = 'e2e-overview-admin-token-0123456789';
const HOUR = 3600000;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function dataConfig(base) {
  const now = Math.floor(Date.now() / 60000) * 60000;
  return `
auth:
  anonymous_read: true
  tokens:
    - {name: e2e-admin, role: admin, token: "${ADMIN_TOKEN}"}
sources:
  generic: {token: "${SECRETS.generic}"}
pipelines:
  - {name: web-development, environment: development, kind: deploy, match: {generic: {pipeline: web-development}}}
  - {name: ${JSON.stringify(HOSTILE)}, environment: development, kind: build, match: {generic: {pipeline: hostile}}}
  - {name: web-staging, environment: staging, kind: deploy, match: {generic: {pipeline: web-staging}}}
  - {name: web-production, environment: production, kind: deploy, match: {generic: {pipeline: web-production}}}
catalog:
  defaults: {interval: 1s, timeout: 500ms, failure_threshold: 1, success_threshold: 1}
  services:
    - {name: dev-api, environment: development, checks: [{type: http, url: "${base}/ok"}]}
    - {name: main-db, environment: production, checks: [{type: http, url: "${base}/ok"}]}
    - {name: web-api, environment: production, checks: [{type: http, url: "${base}/fail"}]}
releases:
  templates:
    - name: standard
      items:
        - {id: notes, phase: prepare, role: release-manager, title: "Write release notes"}
        - {id: backup, phase: prepare, role: devops, title: "Backup verified"}
  windows:
    - {name: release now, kind: allow, from: ${iso(now - HOUR)}, until: ${iso(now + 3 * HOUR)}, devops: [olga]}
    - {name: spring freeze, kind: deny, from: ${iso(now + 50 * HOUR)}, until: ${iso(now + 74 * HOUR)}}
`;
}

describe('overview with data', () => {
  let server;
  let browser;
  let backend;
  let sequence = 0;

  // A run of `pipeline` that succeeds with `version`: two deliveries.
  async function deploy(pipeline, version) {
    const run = `${pipeline}-${++sequence}`;
    const commit = String(sequence).padStart(40, 'a');
    for (const status of ['running', 'succeeded']) {
      const r = await deliver(server.url, generic({ pipeline, run_id: run, status, version, commit }));
      assert.equal(r.status, 200, `${pipeline} ${status}: ${r.text}`);
    }
  }

  // Polls `probe` for at most 20 s until it returns true; anything else it
  // returns describes what it saw.
  async function waitFor(probe, what) {
    const deadline = Date.now() + 20000;
    let seen;
    while (Date.now() < deadline) {
      seen = await probe();
      if (seen === true) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.fail(`${what} within 20 s; last seen: ${seen}`);
  }

  async function waitForHtml(ready, what) {
    await waitFor(async () => {
      const html = await (await fetch(`${server.url}/`)).text();
      return ready(html) || `the page\n${html.slice(-2000)}`;
    }, what);
  }

  before(async () => {
    backend = http.createServer((req, res) => {
      req.resume();
      res.writeHead(req.url === '/ok' ? 200 : 503, { 'Content-Type': 'text/plain' });
      res.end('x');
    });
    const port = await freePort();
    await new Promise((resolve) => backend.listen(port, '127.0.0.1', resolve));
    server = await startServer({
      environments: [{ name: 'development' }, { name: 'staging' }, { name: 'production', protected: true }],
      extra: dataConfig(`http://127.0.0.1:${port}`),
    });
    await deploy('web-development', '1.1.0');
    await deploy('web-development', '1.2.0');
    await deploy('web-staging', '1.1.0');
    await deliver(server.url, generic({ pipeline: 'hostile', run_id: HOSTILE, status: 'failed', version: HOSTILE }));
    const created = await fetch(`${server.url}/api/v1/releases`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ version: '1.2.0', template: 'standard', environments: ['staging', 'production'] }),
    });
    assert.equal(created.status, 201, await created.text());
    await waitForHtml((html) => html.includes('data-target="web-api"') && html.includes('data-open-incidents="1"'),
      'web-api down with an open incident');
    // The targets' first probes are spread over the interval: web-api's
    // incident can come before main-db's first result.
    for (const name of ['dev-api', 'main-db']) {
      await waitFor(async () => {
        const t = await (await fetch(`${server.url}/api/v1/targets/${name}`)).json();
        const state = t.state ?? t.status?.state;
        return state === 'up' || `state ${state}`;
      }, `${name} up`);
    }
    browser = await launchBrowser();
  });

  after(async () => {
    await Promise.allSettled([browser?.close(), server?.stop(), new Promise((r) => (backend ? backend.close(r) : r()))]);
  });

  test('every block shows its data, linked to its page', async () => {
    const { context, page, problems } = await watchedPage(browser, { viewport: { width: 1280, height: 900 } });
    const dialogs = [];
    page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
    try {
      await page.goto(`${server.url}/`, { waitUntil: 'networkidle' });
      const dev = page.locator('[data-environment="development"]');
      const prod = page.locator('[data-environment="production"]');
      assert.equal((await dev.locator('[data-slot="live-version"]').innerText()).trim(), '1.2.0');
      // Health: counts, worst first, linked to the target; the column is down.
      assert.equal(await prod.getAttribute('data-env-state'), 'down');
      assert.match(await prod.locator('[data-count="down"]').innerText(), /1\s*down/);
      assert.match(await prod.locator('[data-count="up"]').innerText(), /1\s*up/);
      assert.equal(await prod.locator('.worst a').first().getAttribute('href'), '/targets/web-api');
      assert.match(await dev.locator('[data-slot="health"]').innerText(), /all 1 target up/);
      // Incidents: count and the newest, linked.
      assert.match(await prod.locator('.incidents-mini a').first().getAttribute('href'), /^\/incidents\/\d+$/);
      // Waiting: development has 1.2.0 that staging lacks; staging has 1.1.0 for production.
      assert.deepEqual(await dev.locator('[data-waiting-version]').evaluateAll((els) => els.map((e) => e.dataset.waitingVersion)), ['1.2.0']);
      assert.match(await page.locator('[data-environment="staging"] [data-slot="waiting"]').innerText(), /production: 1 version waiting/);
      // Below: windows (one open now, a freeze), the release with progress per role, coverage.
      const windows = page.locator('[data-slot="windows"]');
      assert.match(await windows.locator('[data-window="release now"]').innerText(), /now/);
      assert.equal(await windows.locator('.windows-mini__item--freeze').count(), 1);
      const release = page.locator('[data-slot="releases"] [data-release="1.2.0"]');
      assert.equal(await release.locator('[data-progress-role]').count(), 2);
      assert.match(await release.locator('a').first().getAttribute('href'), /^\/releases\/\d+$/);
      assert.equal(await page.locator('[data-slot="docs"] a[href="/docs-audit"]').count() >= 1, true);
      // The hostile pipeline name and version are text.
      assert.equal(await page.locator('img').count(), 0);
      assert.match(await dev.innerText(), /<img src=x onerror=alert\(1\)>/);
      assert.deepEqual(dialogs, []);
      assert.equal(await page.locator('[style]').count(), 0, 'no style attributes');
      await screenshot(page, 'overview-data.png');
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'overview-data-dark.png');
      assert.deepEqual(await problems(), []);
    } finally {
      await context.close();
    }
  });

  test('a pipeline event updates the page in place, without a reload', async () => {
    const { context, page, problems } = await watchedPage(browser, { viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${server.url}/`, { waitUntil: 'networkidle' });
      await page.waitForFunction(() => document.documentElement.dataset.overviewJs === 'ready'
        && document.documentElement.dataset.stream === 'open', null, { timeout: 10000 });
      let navigations = 0;
      page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations += 1; });
      await page.evaluate(() => { window.overviewMarker = 'still here'; });
      const column = page.locator('[data-environment="development"]');
      const before = await column.boundingBox();

      await deploy('web-development', '1.3.0');
      await page.waitForFunction(() => document.querySelector('[data-environment="development"] [data-slot="live-version"]')
        ?.textContent.trim() === '1.3.0', null, { timeout: 10000 });
      assert.deepEqual(await column.locator('[data-waiting-version]').evaluateAll((els) => els.map((e) => e.dataset.waitingVersion)),
        ['1.3.0', '1.2.0']);
      assert.equal(await page.evaluate(() => window.overviewMarker), 'still here', 'the page was not reloaded');
      assert.equal(navigations, 0, 'no navigation happened');
      const after = await column.boundingBox();
      assert.equal(after.width, before.width, 'the column kept its width');
      await screenshot(page, 'overview-live.png');
      assert.deepEqual(await problems(), []);
    } finally {
      await context.close();
    }
  });

  test('reads on a phone with data', async () => {
    const { context, page, problems } = await watchedPage(browser, {
      viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    });
    try {
      await page.goto(`${server.url}/`, { waitUntil: 'networkidle' });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
      await screenshot(page, 'overview-data-phone.png');
      assert.deepEqual(await problems(), []);
    } finally {
      await context.close();
    }
  });
});
