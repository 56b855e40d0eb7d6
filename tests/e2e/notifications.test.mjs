// The notification delivery log (/notifications) in a real browser against
// the real binary. Two channels that never deliver: a Discord channel whose
// URL is a closed loopback port (its entries stay pending, with attempts, a
// next attempt and the last error) and a webhook to a local receiver that
// answers 400 with hostile text (its entries fail with that text as the
// error). Generic pipeline events fill the outbox; the page, signed in,
// shows the rows, each state in words and icon, the run links, the error
// escaped, the state and channel filters, a sane keyboard order, no channel
// URL anywhere, and no console errors or CSP violations.
//   OPSDECK_BINARY=build/opsdeck node --test tests/e2e/notifications.test.mjs
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { deliver, generic } from '../integration/events.mjs';
import { SECRETS } from '../integration/lib.mjs';
import { freePort, launchBrowser, runCli, screenshot, signIn as signInAs, startServer, watchedPage } from './lib.mjs';

const USER = 'carol';
const PASSWORD = 'correct-horse-battery-staple-42';
const CLOSED_URL = 'http://127.0.0.1:9/api/webhooks/1/x';  // port 9 (discard): nobody listens
const HOSTILE_ANSWER = '<script>alert(1)</script> no such hook';
const POLL_MS = 20000;

describe('notification delivery log', () => {
  let server;
  let browser;
  let receiver;     // the webhook channel's receiver: answers 400
  let receiverUrl;
  let cookie;       // "opsdeck_session=..."
  let runId;        // the run the events made

  // GET an API path as the signed-in user.
  async function api(path) {
    const r = await fetch(`${server.url}${path}`, { headers: { Cookie: cookie } });
    assert.equal(r.status, 200, `${path}: ${r.status}`);
    return r.json();
  }

  // Polls the delivery log until `ready(items)` holds.
  async function waitForLog(ready, what) {
    const deadline = Date.now() + POLL_MS;
    let items = [];
    while (Date.now() < deadline) {
      items = (await api('/api/v1/notifications?limit=200')).items;
      if (ready(items)) return items;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.fail(`${what} within ${POLL_MS} ms: ${JSON.stringify(items)}`);
  }

  // Opens `path` signed in; `check(page)` runs, then the page must be clean.
  async function visit(path, check, options = {}) {
    const { context, page, problems } = await watchedPage(browser, { viewport: { width: 1280, height: 900 }, ...options });
    const [name, value] = cookie.split('=');
    await context.addCookies([{ name, value, url: server.url }]);
    const dialogs = [];
    page.on('dialog', async (dialog) => { dialogs.push(dialog.message()); await dialog.dismiss(); });
    try {
      const response = await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
      assert.equal(response.status(), 200, path);
      assert.equal(new URL(page.url()).pathname, '/notifications', 'signed in: no redirect to /login');
      assert.match(response.headers()['content-security-policy'] || '', /script-src 'self'/);
      // Before check(): Playwright's screenshots leave style="" on inputs.
      assert.equal(await page.locator('[style]').count(), 0, 'no style attributes');
      assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline scripts');
      await check(page);
      // No channel URL, nor any part of one, anywhere in the page.
      const html = await page.content();
      for (const secret of [CLOSED_URL, '127.0.0.1:9/', 'api/webhooks', receiverUrl, new URL(receiverUrl).host]) {
        assert.ok(!html.includes(secret), `the page shows a channel URL (${secret})`);
      }
      assert.deepEqual(dialogs, [], 'no script from the data ran');
      assert.deepEqual(await problems(), []);
    } finally {
      await context.close();
    }
  }

  // The rows of the table as { id, state, cells by column label }.
  function rows(page) {
    return page.locator('[data-table="notifications"] tbody tr').evaluateAll((trs) => trs.map((tr) => ({
      id: Number(tr.dataset.notification),
      state: tr.dataset.state,
      cells: Object.fromEntries([...tr.cells].map((td) => [td.dataset.label, td.textContent.replace(/\s+/g, ' ').trim()])),
      subjectHref: tr.querySelector('[data-label="Subject"] a')?.getAttribute('href') ?? null,
      icon: tr.querySelector('[data-delivery-state] use')?.getAttribute('href'),
      chip: tr.querySelector('[data-delivery-state]')?.textContent.trim(),
    })));
  }

  before(async () => {
    receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'Content-Type': 'text/plain' });
        res.end(HOSTILE_ANSWER);
      });
    });
    const port = await freePort();
    await new Promise((resolve) => receiver.listen(port, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${port}/hooks/opsdeck`;

    server = await startServer({
      environments: [{ name: 'staging' }, { name: 'production', protected: true }],
      extra: `
sources:
  generic: {token: "${SECRETS.generic}"}
pipelines:
  - name: web-production
    environment: production
    kind: deploy
    match: {generic: {pipeline: web-production}}
notifications:
  channels:
    - name: ops-chat
      type: discord
      url: "${CLOSED_URL}"
      timeout: 200ms
    - name: audit-hook
      type: webhook
      url: "${receiverUrl}"
      timeout: 200ms
  routes:
    - {events: ["pipeline.*"], channel: ops-chat}
    - {events: ["pipeline.*"], channel: audit-hook}
`,
      setup: async ({ configPath, dir }) => {
        const added = await runCli(['user', 'add', USER, '--role', 'viewer', '--config', configPath],
          { input: `${PASSWORD}\n`, cwd: dir });
        assert.equal(added.code, 0, `opsdeck user add failed:\n${added.stdout}${added.stderr}`);
      },
    });

    cookie = await signInAs(server.url, USER, PASSWORD);

    const now = Date.now();
    const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    for (const event of [
      { pipeline: 'web-production', run_id: 'p-1', status: 'running', started_at: iso(now - 60000), version: '2.0.0', title: 'Release 2.0.0' },
      { pipeline: 'web-production', run_id: 'p-1', status: 'failed', finished_at: iso(now), version: '2.0.0' },
    ]) {
      const r = await deliver(server.url, generic(event));
      assert.equal(r.status, 200, r.text);
    }
    runId = (await api('/api/v1/runs')).items.find((r) => r.external_id === 'p-1').id;

    // The Discord entries keep failing to connect (pending, retried); the
    // webhook's fail for good on the 400.
    await waitForLog((items) =>
      items.some((i) => i.channel === 'ops-chat' && i.state === 'pending' && i.attempts >= 1 && i.last_error && i.next_attempt_at) &&
      items.filter((i) => i.channel === 'audit-hook').length >= 2 &&
      items.filter((i) => i.channel === 'audit-hook').every((i) => i.state === 'failed'),
    'a retried pending Discord entry and failed webhook entries');
    browser = await launchBrowser();
  });

  after(async () => {
    await Promise.allSettled([browser?.close(), server?.stop(), new Promise((r) => (receiver ? receiver.close(r) : r()))]);
  });

  test('lists the outbox newest first with each state in words, icon and detail', async () => {
    const log = (await api('/api/v1/notifications?limit=200')).items;
    await visit('/notifications', async (page) => {
      assert.equal(await page.title(), 'Notifications · opsdeck');
      assert.equal(await page.locator('nav.sidenav a[aria-current="page"]').innerText(), 'Notifications');
      const shown = await rows(page);
      // The rows the API lists, in its order (newest first); pending rows may
      // have moved on between the two reads, so states are checked below.
      assert.deepEqual(shown.map((r) => r.id), log.map((i) => i.id));
      assert.ok(shown.every((r, i) => i === 0 || r.id < shown[i - 1].id), 'newest first');

      const failed = shown.filter((r) => r.state === 'failed');
      assert.ok(failed.length >= 2, JSON.stringify(shown));
      for (const row of failed) {
        assert.equal(row.cells.Channel, 'audit-hook');
        assert.equal(row.chip, 'Failed', 'the state in words, not colour alone');
        assert.equal(row.icon, '#i-down');
        assert.match(row.cells.Kind, /^pipeline\.[a-z]+$/);
        assert.equal(row.cells.Subject, `run:${runId}`);
        assert.equal(row.subjectHref, `/runs/${runId}`);
        assert.match(row.cells.Title, /web-production/);
        // The receiver's answer is the error, shown as text.
        assert.ok(row.cells.State.includes(HOSTILE_ANSWER), row.cells.State);
        assert.equal(row.cells.Attempts, '1');
      }
      const pending = shown.filter((r) => r.state === 'pending' && Number(r.cells.Attempts) >= 1);
      assert.ok(pending.length >= 1, JSON.stringify(shown));
      for (const row of pending) {
        assert.equal(row.cells.Channel, 'ops-chat');
        assert.equal(row.chip, 'Pending');
        assert.equal(row.icon, '#i-clock');
        assert.match(row.cells.State, /Next attempt \S/);
        assert.match(row.cells.State, /Last error: \S/);
        assert.equal(row.subjectHref, `/runs/${runId}`);
      }
      // The hostile answer is text: no script element came from it.
      assert.equal(await page.locator('main script').count(), 0);
      // Times are <time> elements with the UTC time on hover (app.js).
      const created = page.locator('[data-label="Created"] time').first();
      assert.match(await created.getAttribute('datetime'), /^\d{4}-\d\d-\d\dT.*Z$/);
      assert.match(await created.getAttribute('title'), /UTC/);
      // The channel filter offers the configured channel names, nothing else.
      const channels = await page.locator('#filter-channel option').evaluateAll((os) => os.map((o) => o.value));
      assert.deepEqual(channels, ['', 'ops-chat', 'audit-hook']);
      await screenshot(page, 'notifications.png');
    });
  });

  test('the state and channel filters narrow the list and keep their values', async () => {
    await visit('/notifications', async (page) => {
      await page.selectOption('#filter-state', 'failed');
      await Promise.all([page.waitForURL(/state=failed/), page.getByRole('button', { name: 'Filter' }).click()]);
      const failed = await rows(page);
      assert.ok(failed.length >= 2);
      assert.deepEqual([...new Set(failed.map((r) => r.state))], ['failed']);
      assert.equal(await page.locator('#filter-state').inputValue(), 'failed', 'the form keeps the filter');
      assert.equal(await page.locator('a.filters__clear').getAttribute('href'), '/notifications');

      await page.selectOption('#filter-state', 'pending');
      await page.selectOption('#filter-channel', 'ops-chat');
      await Promise.all([page.waitForURL(/state=pending/), page.getByRole('button', { name: 'Filter' }).click()]);
      const pending = await rows(page);
      assert.ok(pending.length >= 1);
      assert.ok(pending.every((r) => r.state === 'pending' && r.cells.Channel === 'ops-chat'), JSON.stringify(pending));

      await page.selectOption('#filter-state', 'sent');
      await page.selectOption('#filter-channel', '');
      await Promise.all([page.waitForURL(/state=sent/), page.getByRole('button', { name: 'Filter' }).click()]);
      assert.equal(await page.locator('[data-table="notifications"]').count(), 0);
      assert.equal((await page.locator('main .empty--block').innerText()).trim(), 'No notifications match these filters.');
    });
  });

  test('pages with the store cursor', async () => {
    const total = (await api('/api/v1/notifications?limit=200')).items.length;
    await visit('/notifications?limit=1', async (page) => {
      const seen = [];
      for (let i = 0; i < total + 2; ++i) {
        seen.push(...(await rows(page)).map((r) => r.id));
        const older = page.locator('[data-older]');
        if (await older.count() === 0) break;
        assert.match(await older.getAttribute('href'), /limit=1&cursor=/);
        await Promise.all([page.waitForURL(/cursor=/), older.click()]);
        assert.equal(await page.locator('.pager a', { hasText: 'Newest' }).count(), 1);
      }
      assert.equal(new Set(seen).size, seen.length, 'no row twice');
      assert.ok(seen.length >= total, `${seen.length} of ${total}`);
    });
  });

  test('works from the keyboard in reading order', async () => {
    await visit('/notifications', async (page) => {
      const focused = [];
      for (let i = 0; i < 40; ++i) {
        await page.keyboard.press('Tab');
        focused.push(await page.evaluate(() => {
          const el = document.activeElement;
          const what = el.id ? `#${el.id}` : el.textContent.trim().slice(0, 30);
          return `${el.tagName.toLowerCase()}${el.classList.contains('is-disabled') ? '.is-disabled' : ''}:${what}`;
        }));
      }
      const at = (entry) => focused.findIndex((f) => f === entry || f.startsWith(entry));
      assert.equal(focused[0], 'a:Skip to content', focused.join(' | '));
      const order = ['a:Notifications', 'select:#filter-channel', 'select:#filter-state', 'button:Filter', `a:run:${runId}`];
      const indices = order.map(at);
      assert.ok(indices.every((i) => i >= 0), `${order.join(', ')} in ${focused.join(' | ')}`);
      assert.deepEqual([...indices].sort((a, b) => a - b), indices, `reading order: ${focused.join(' | ')}`);
      assert.ok(!focused.some((f) => f.includes('is-disabled')), focused.join(' | '));
      // Each filter is labelled.
      assert.equal(await page.getByLabel('Channel').count(), 1);
      assert.equal(await page.getByLabel('State').count(), 1);
    });
  });

  test('reads on a phone: nothing overflows the screen', async () => {
    const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
    await visit('/notifications', async (page) => {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${overflow}px wider than the screen`);
      await screenshot(page, 'notifications-phone.png');
    }, phone);
  });

  test('a bad filter is a 400 page that says why; signed out goes to the login page', async () => {
    const bad = await fetch(`${server.url}/notifications?state=lost`, { headers: { Cookie: cookie } });
    assert.equal(bad.status, 400);
    const html = await bad.text();
    assert.match(html, /role="alert"/);
    assert.match(html, /state must be one of pending, sent, failed, superseded/);
    const cursor = await fetch(`${server.url}/notifications?cursor=zz`, { headers: { Cookie: cookie } });
    assert.equal(cursor.status, 400);
    const anonymous = await fetch(`${server.url}/notifications`, { redirect: 'manual' });
    assert.equal(anonymous.status, 303);
    assert.equal(anonymous.headers.get('location'), '/login?next=%2Fnotifications');
  });
});
