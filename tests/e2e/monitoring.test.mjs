// The monitoring pages in a real browser against the real binary, with data
// that came through the real paths: a local HTTP server the monitor probes
// every second. main-db answers 200 (up); web-api fails a condition whose
// text is hostile HTML (down, with an incident). Checked: /targets worst
// first with counts, state in words and icon, the detail page with its
// definition, checks, numbers and uPlot charts, the incident pages, the
// Acknowledge and Add note actions for a devops user (and none for a
// viewer), hostile text as text, no console error or CSP violation.
// Screenshots go to test-results/. Takes about a minute: charts wait for
// the first minute rollup.
//   OPSDECK_BINARY=build/opsdeck node --test tests/e2e/monitoring.test.mjs
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { freePort, launchBrowser, runCli, screenshot, signIn as signInAs, startServer, watchedPage } from './lib.mjs';

const PASSWORD = 'correct-horse-battery-staple-42';
const HOSTILE = '<img src=x onerror=alert(1)>';
const POLL_MS = 20000;
const ROLLUP_MS = 75000;  // a minute to close, and its rollup to be written

describe('monitoring pages', () => {
  let server;
  let browser;
  let backend;   // the probed HTTP server
  let cookies;   // role -> "opsdeck_session=..."
  let incidentId;

  const signIn = (user) => signInAs(server.url, user, PASSWORD);

  // Polls a page's HTML (as the devops user) until `ready(html)` holds.
  async function waitForPage(path, ready, what) {
    const deadline = Date.now() + POLL_MS;
    let html = '';
    while (Date.now() < deadline) {
      const r = await fetch(`${server.url}${path}`, { headers: { Cookie: cookies.devops } });
      html = await r.text();
      const found = r.status === 200 && ready(html);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.fail(`${what} within ${POLL_MS} ms; last page:\n${html.slice(-3000)}`);
  }

  // Opens `path` as `role`; `check(page)` runs, then the page must be clean.
  async function visit(role, path, check, options = {}) {
    const { context, page, problems } = await watchedPage(browser, { viewport: { width: 1280, height: 900 }, ...options });
    const [name, value] = cookies[role].split('=');
    await context.addCookies([{ name, value, url: server.url }]);
    const dialogs = [];
    page.on('dialog', async (dialog) => { dialogs.push(dialog.message()); await dialog.dismiss(); });
    try {
      const response = await page.goto(`${server.url}${path}`, { waitUntil: 'networkidle' });
      assert.equal(response.status(), 200, path);
      assert.equal(await page.locator('[style]:not(.uplot, .uplot *)').count(), 0, 'no style attributes from the server');
      assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline scripts');
      await check(page);
      assert.equal(await page.locator('img').count(), 0, 'hostile text stayed text');
      assert.deepEqual(dialogs, [], 'no script from the data ran');
      assert.deepEqual(await problems(), []);
    } finally {
      await context.close();
    }
  }

  before(async () => {
    backend = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(req.url === '/db' ? 'db ok' : 'web ok');
    });
    const port = await freePort();
    await new Promise((resolve) => backend.listen(port, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${port}`;

    server = await startServer({
      environments: [{ name: 'staging' }, { name: 'production', protected: true }],
      extra: `
catalog:
  defaults: {interval: 1s, timeout: 500ms, failure_threshold: 1, success_threshold: 1}
  services:
    - name: main-db
      environment: production
      component: database
      owner: dba-team
      runbook: https://runbooks.example.com/main-db
      checks:
        - {type: http, url: "${base}/db"}
    - name: web-api
      environment: production
      component: backend
      owner: web-team
      docs: https://docs.example.com/web-api
      depends_on: [main-db]
      tags: [tier-1]
      checks:
        - type: http
          url: "${base}/web"
          conditions: ['status == 200', 'body contains "${HOSTILE}"']
`,
      setup: async ({ configPath, dir }) => {
        for (const [user, role] of [['olga', 'devops'], ['vic', 'viewer']]) {
          const added = await runCli(['user', 'add', user, '--role', role, '--config', configPath],
            { input: `${PASSWORD}\n`, cwd: dir });
          assert.equal(added.code, 0, `opsdeck user add ${user} failed:\n${added.stdout}${added.stderr}`);
        }
      },
    });
    cookies = { devops: await signIn('olga'), viewer: await signIn('vic') };
    await waitForPage('/targets', (html) => html.includes('data-target="web-api" data-state="down"') &&
      html.includes('data-target="main-db" data-state="up"'), 'web-api down and main-db up');
    incidentId = await waitForPage('/incidents?state=open', (html) => html.match(/data-incident="(\d+)"/)?.[1],
      'an open incident for web-api');
    browser = await launchBrowser();
  });

  after(async () => {
    await Promise.allSettled([browser?.close(), server?.stop(), new Promise((r) => (backend ? backend.close(r) : r()))]);
  });

  test('lists services worst first with counts and each state in words and icon', async () => {
    await visit('viewer', '/targets', async (page) => {
      assert.equal(await page.title(), 'Services & servers · opsdeck');
      assert.equal(await page.locator('nav.sidenav a[aria-current="page"]').innerText(), 'Services & servers');
      const rows = await page.locator('[data-table="targets"] tbody tr').evaluateAll((trs) => trs.map((tr) => ({
        name: tr.dataset.target,
        state: tr.dataset.state,
        chip: tr.querySelector('[data-target-state]').textContent.trim(),
        icon: tr.querySelector('[data-target-state] use').getAttribute('href'),
        reason: tr.querySelector('[data-label="Reason"]').textContent,
      })));
      assert.deepEqual(rows.map((r) => [r.name, r.state, r.chip, r.icon]),
        [['web-api', 'down', 'Down', '#i-down'], ['main-db', 'up', 'Up', '#i-up']]);
      assert.ok(rows[0].reason.includes(HOSTILE), `the failed condition, as text: ${rows[0].reason}`);
      assert.equal((await page.locator('[data-count="down"] .state-count__n').innerText()).trim(), '1');
      assert.equal((await page.locator('[data-count="up"] .state-count__n').innerText()).trim(), '1');
      await screenshot(page, 'monitoring-targets.png');
      // The state filter is a plain GET form.
      await page.selectOption('#filter-state', 'up');
      await Promise.all([page.waitForURL(/state=up/), page.click('form.filters button[type="submit"]')]);
      assert.deepEqual(await page.locator('tr[data-target]').evaluateAll((trs) => trs.map((tr) => tr.dataset.target)), ['main-db']);
    });
  });

  test('shows a target with its definition, checks, numbers and charts', async () => {
    // Chart points are minute rollups: the first exists once a minute closed.
    const deadline = Date.now() + ROLLUP_MS;
    for (;;) {
      const r = await fetch(`${server.url}/api/v1/targets/web-api/series?range=24h`, { headers: { Cookie: cookies.viewer } });
      assert.equal(r.status, 200);
      if ((await r.json()).points.length > 0) break;
      assert.ok(Date.now() < deadline, `no chart points within ${ROLLUP_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await visit('viewer', '/targets/web-api', async (page) => {
      assert.equal(await page.title(), 'web-api · opsdeck');
      assert.equal(await page.locator('[data-depends] a').getAttribute('href'), '/targets/main-db');
      assert.equal(await page.locator('[data-docs] a').getAttribute('href'), 'https://docs.example.com/web-api');
      const check = page.locator('tr[data-check="0"]');
      assert.equal(await check.locator('[data-outcome]').getAttribute('data-outcome'), 'failed');
      assert.ok((await check.locator('[data-error]').textContent()).includes(HOSTILE));
      assert.match(await check.locator('.phase-list').innerText(), /Connect/);
      assert.equal(await page.locator('[data-window]').count(), 3);
      assert.match(await page.locator('[data-open-incident]').innerText(), new RegExp(`Incident #${incidentId}`));
      // uPlot draws both charts from the series API.
      await page.locator('[data-chart="latency"] canvas').waitFor({ timeout: 10000 });
      assert.equal(await page.locator('[data-charts] .uplot').count(), 2);
      assert.ok(await page.locator('[data-chart-status]').isHidden());
      assert.ok(await page.locator('tr[data-outcome="failed"].result--failed').count() > 0, 'failures marked in the log');
      await screenshot(page, 'monitoring-target.png');
    });
    await visit('viewer', '/targets/web-api', async (page) => {
      await page.locator('[data-chart="uptime"] canvas').waitFor({ timeout: 10000 });
      await screenshot(page, 'monitoring-target-dark.png');
    }, { colorScheme: 'dark' });
    await visit('viewer', '/targets', async (page) => {
      await screenshot(page, 'monitoring-targets-phone.png');
    }, { viewport: { width: 390, height: 844 } });
  });

  test('lists incidents and hides actions from a viewer', async () => {
    await visit('viewer', '/incidents', async (page) => {
      const open = page.locator(`[data-table="open-incidents"] tr[data-incident="${incidentId}"]`);
      assert.equal(await open.count(), 1);
      assert.equal(await open.locator('[data-label="Target"] a').getAttribute('href'), '/targets/web-api');
      await screenshot(page, 'monitoring-incidents.png');
    });
    await visit('viewer', `/incidents/${incidentId}`, async (page) => {
      assert.ok((await page.locator('[data-cause]').textContent()).includes(HOSTILE));
      assert.equal(await page.locator('form[data-incident-action], [data-acknowledge]').count(), 0);
    });
  });

  test('a devops user acknowledges and adds a note', async () => {
    await visit('devops', `/incidents/${incidentId}`, async (page) => {
      await Promise.all([page.waitForEvent('load'), page.click('[data-acknowledge]')]);
      assert.match(await page.locator('[data-acknowledged]').innerText(), /olga/);
      assert.equal(await page.locator('[data-acknowledge]').count(), 0, 'acknowledged once');
      await page.fill('#note-text', `Restarting the pods ${HOSTILE}`);
      // Keyboard: from the note field, Tab reaches Add note; Enter submits.
      await page.focus('#note-text');
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.dataset.addNote !== undefined), true);
      await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
      const note = page.locator('[data-event="note"] .events__text');
      assert.equal((await note.textContent()).trim(), `Restarting the pods ${HOSTILE}`);
      assert.deepEqual(await page.locator('[data-event]').evaluateAll((els) => els.map((e) => e.dataset.event)),
        ['opened', 'acknowledged', 'note']);
      await screenshot(page, 'monitoring-incident.png');
    });
  });
});
