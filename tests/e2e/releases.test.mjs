// The release pages in a real browser against the real binary, with a config
// written here: staging and a protected production, the reference production
// release template, a one-off window open now, a recurring window and a
// freeze, and a rollback action that calls a loopback receiver. Users:
// rita (release-manager), olga (devops) and ada (admin), signed in with
// cookies; the same roles as API tokens act as "another user".
// Checked: every page loads clean (no console error, CSP violation or
// failed request) with a screenshot; the New release form; the gate lists
// its reasons; each role ticks its own items and sees no Tick on the other
// role's, and the ticks persist after reload; unticking takes a reason;
// another user's tick arrives live, without a reload; a devops user accepts
// the booking on /windows; a rollback started from /rollbacks calls the
// receiver with the chosen version; dark mode and a phone width do not
// overflow. Screenshots go to test-results/.
//   OPSDECK_BINARY=build/opsdeck node --test tests/e2e/releases.test.mjs
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { deliver, generic } from '../integration/events.mjs';
import { SECRETS } from '../integration/lib.mjs';
import { apiCall, freePort, launchBrowser, runCli, screenshot, signIn as signInAs, startServer, watchedPage } from './lib.mjs';

const PASSWORD = 'correct-horse-battery-staple-42';
const TOKENS = {
  rm: 'e2e-release-manager-token-0123456789',
  devops: 'e2e-devops-token-0123456789abcdef',
  admin: 'e2e-admin-token-0123456789abcdef01',
};
const HOUR = 3600000;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const NOW = Math.floor(Date.now() / 60000) * 60000;
const WINDOW_FROM = iso(NOW - HOUR);

const TEMPLATE = `
  templates:
    - name: production-release
      items:
        - {id: scope, phase: prepare, role: release-manager, title: "Freeze scope and tag the release"}
        - {id: notes, phase: prepare, role: release-manager, title: "Write release notes"}
        - {id: staging-green, phase: prepare, role: devops, title: "Staging pipeline green for this version", auto: staging_green}
        - {id: backup, phase: prepare, role: devops, title: "Fresh database backup verified"}
        - {id: devops-on-hand, phase: go-no-go, role: devops, title: "Devops on hand for the window", auto: window_confirmed}
        - {id: go, phase: go-no-go, role: release-manager, title: "Go / no-go decision", depends_on: [scope, staging-green, backup, devops-on-hand]}
        - {id: deploy, phase: deploy, role: devops, title: "Start and watch the production pipeline", depends_on: [go]}
        - {id: fix-or-rollback, phase: deploy, role: devops, title: "Fix a failed deploy or roll back", required: false}
        - {id: verify, phase: verify, role: release-manager, title: "Smoke-test the product", depends_on: [deploy]}
        - {id: healthy, phase: verify, role: devops, title: "Production healthy for 15 minutes", auto: production_healthy_15m}
        - {id: announce, phase: communicate, role: release-manager, title: "Announce the release", depends_on: [verify]}`;

function extraConfig(receiverPort) {
  return `
auth:
  anonymous_read: false
  tokens:
    - {name: e2e-rm, role: release-manager, token: "${TOKENS.rm}"}
    - {name: e2e-devops, role: devops, token: "${TOKENS.devops}"}
    - {name: e2e-admin, role: admin, token: "${TOKENS.admin}"}
sources:
  generic: {token: "${SECRETS.generic}"}
pipelines:
  - name: dashboard-staging
    environment: staging
    kind: deploy
    match: {generic: {pipeline: dashboard-staging}}
  - name: dashboard-production
    environment: production
    kind: deploy
    match: {generic: {pipeline: dashboard-production}}
releases:${TEMPLATE}
  windows:
    - name: release now
      kind: allow
      from: ${WINDOW_FROM}
      until: ${iso(NOW + 3 * HOUR)}
      devops: [olga]
    - name: weekday releases
      kind: allow
      schedule: "0 14 * * TUE,THU"
      duration: 3h
      timezone: Europe/Berlin
      devops: [alice, bob]
    - name: spring freeze
      kind: deny
      from: ${iso(NOW + 50 * HOUR)}
      until: ${iso(NOW + 74 * HOUR)}
  rollback:
    production:
      http:
        method: POST
        url: http://127.0.0.1:${receiverPort}/rollback
        headers: {Content-Type: application/json}
        body: '{"environment":"{{environment}}","version":"{{version}}"}'
`;
}

describe('release pages', () => {
  let server;
  let browser;
  let receiver;
  const received = [];  // bodies the rollback receiver got
  let cookies;          // user -> "opsdeck_session=..."
  let releaseId;

  const signIn = (user) => signInAs(server.url, user, PASSWORD);

  const api = (token, method, path, body) => apiCall(server.url, token, method, path, body);

  // Opens `path` as `user` and waits for releases.js; `check(page)` runs,
  // then the page must be clean.
  async function visit(user, path, check, options = {}) {
    const { context, page, problems } = await watchedPage(browser, { viewport: { width: 1280, height: 900 }, ...options });
    const [name, value] = cookies[user].split('=');
    await context.addCookies([{ name, value, url: server.url }]);
    const dialogs = [];
    page.on('dialog', async (dialog) => { dialogs.push(dialog.message()); await dialog.dismiss(); });
    try {
      // Not networkidle: the page keeps its event stream open.
      const response = await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
      assert.equal(response.status(), 200, path);
      await page.locator('html[data-releases-js="ready"]').waitFor({ state: 'attached', timeout: 10000 });
      assert.equal(await page.locator('[style]').count(), 0, 'no style attributes from the server');
      assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline scripts');
      await check(page);
      assert.deepEqual(dialogs, [], 'no script from the data ran');
      assert.deepEqual(await problems(), []);
    } finally {
      await context.close();
    }
  }

  // Marks the document so a test can tell an in-place update from a reload.
  const mark = (page) => page.evaluate(() => { window.__noReload = 'still here'; });
  const marked = (page) => page.evaluate(() => window.__noReload);
  const itemState = (page, id) => page.locator(`[data-item="${id}"]`).getAttribute('data-item-state');
  const ticksIn = (page, role) => page.locator(`[data-item][data-role="${role}"] [data-tick]`).count();

  before(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, body });
        res.writeHead(204);
        res.end();
      });
    });
    const receiverPort = await freePort();
    await new Promise((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));

    server = await startServer({
      environments: [{ name: 'staging' }, { name: 'production', protected: true }],
      extra: extraConfig(receiverPort),
      setup: async ({ configPath, dir }) => {
        for (const [user, role] of [['rita', 'release-manager'], ['olga', 'devops'], ['ada', 'admin']]) {
          const added = await runCli(['user', 'add', user, '--role', role, '--config', configPath],
            { input: `${PASSWORD}\n`, cwd: dir });
          assert.equal(added.code, 0, `opsdeck user add ${user} failed:\n${added.stdout}${added.stderr}`);
        }
      },
    });
    cookies = { rita: await signIn('rita'), olga: await signIn('olga'), ada: await signIn('ada') };

    // Two production deployments, so there is a previous one to roll back to.
    const at = (minutes) => iso(NOW + minutes * 60000);
    const p = { pipeline: 'dashboard-production' };
    for (const [run, version, start] of [['p-1', '2.12.0', -300], ['p-2', '2.13.0', -120]]) {
      for (const e of [
        { ...p, run_id: run, status: 'running', started_at: at(start), version },
        { ...p, run_id: run, status: 'succeeded', finished_at: at(start + 10), version },
      ]) {
        const r = await deliver(server.url, generic(e));
        assert.ok(r.status >= 200 && r.status < 300, `generic delivery: ${r.status} ${r.text}`);
      }
    }

    // The release under test, booked for the window open now.
    const created = await api(TOKENS.rm, 'POST', '/api/v1/releases', {
      version: '2.14.0', template: 'production-release', environments: ['staging', 'production'],
      window: 'release now', window_start: WINDOW_FROM,
    });
    assert.equal(created.status, 201, created.text);
    releaseId = created.json.id;
    assert.ok(releaseId, created.text);
    browser = await launchBrowser();
  });

  after(async () => {
    await Promise.allSettled([browser?.close(), server?.stop(), new Promise((r) => (receiver ? receiver.close(r) : r()))]);
  });

  test('lists releases with state and progress, and creates one from the form', async () => {
    await visit('rita', '/releases', async (page) => {
      assert.equal(await page.title(), 'Releases · opsdeck');
      assert.equal(await page.locator('nav.sidenav a[aria-current="page"]').innerText(), 'Releases');
      const row = page.locator(`tr[data-release="${releaseId}"]`);
      assert.equal(await row.locator('[data-version]').innerText(), '2.14.0');
      assert.equal((await row.locator('[data-release-state]').innerText()).trim(), 'Planned');
      assert.equal(await row.locator('[data-release-state] use').getAttribute('href'), '#i-calendar');
      assert.match(await row.locator('[data-progress]').innerText(), /RM 0\/5\s*·\s*devops \d\/6/);
      await screenshot(page, 'releases-list.png');
      // New release: version, template, environments, no window.
      await page.click('[data-new-release] summary');
      await page.fill('#new-version', '3.0.0-ui');
      await page.uncheck('input[name="environments"][value="staging"]');
      await Promise.all([page.waitForURL(/\/releases\/\d+$/), page.click('[data-create-release]')]);
      assert.equal(await page.locator('[data-version]').first().innerText(), '3.0.0-ui');
      assert.deepEqual(await page.locator('.page-sub .env-path__name').allInnerTexts(), ['production']);
    });
    // A devops user has no New release form.
    await visit('olga', '/releases', async (page) => {
      assert.equal(await page.locator('[data-new-release]').count(), 0);
    });
  });

  test('the release page shows the gate with its reasons, progress and the checklist by phase', async () => {
    await visit('ada', `/releases/${releaseId}`, async (page) => {
      assert.equal(await page.title(), 'Release 2.14.0 · opsdeck');
      const gate = page.locator('[data-gate="production"]');
      assert.equal(await gate.getAttribute('data-allowed'), 'false');
      assert.equal((await gate.locator('.status').innerText()).trim(), 'Blocked');
      const reasons = await gate.locator('[data-reason]').evaluateAll((els) => els.map((e) => e.dataset.reason));
      assert.ok(reasons.includes('checklist_open'), reasons.join(','));
      assert.ok(reasons.includes('no_devops'), reasons.join(','));
      assert.equal(await page.locator('[data-gate="staging"]').count(), 0, 'staging is not protected');
      assert.deepEqual(await page.locator('[data-phase]').evaluateAll((els) => els.map((e) => e.dataset.phase)),
        ['prepare', 'go-no-go', 'deploy', 'verify', 'communicate']);
      assert.deepEqual(await page.locator('[data-progress-role]').evaluateAll((els) => els.map((e) => e.dataset.progressRole)),
        ['release-manager', 'devops']);
      assert.equal(await page.locator('[data-item="go"]').getAttribute('data-item-state'), 'waiting');
      assert.equal(await page.locator('[data-item="go"] [data-tick]').count(), 0, 'no Tick while dependencies are open');
      // Times show in the viewer's zone with UTC on hover.
      assert.match(await page.locator('[data-window] time').getAttribute('title'), /UTC$/);
      await screenshot(page, 'release.png');
    });
  });

  test('a release manager ticks its own items only, in place, and the tick persists', async () => {
    await visit('rita', `/releases/${releaseId}`, async (page) => {
      assert.equal(await ticksIn(page, 'devops'), 0, 'no Tick on devops items for a release manager');
      assert.ok(await page.locator('[data-tick="scope"]').isVisible());
      await mark(page);
      await page.click('[data-tick="scope"]');
      await page.locator('[data-item="scope"][data-item-state="done"]').waitFor({ timeout: 10000 });
      assert.equal(await marked(page), 'still here', 'updated without a reload');
      assert.match(await page.locator('[data-item="scope"] [data-done-by]').innerText(), /rita/);
      await page.reload({ waitUntil: 'load' });
      assert.equal(await itemState(page, 'scope'), 'done');
      assert.equal(await page.locator('[data-item="scope"] [data-tick]').count(), 0);
    });
  });

  test('a devops user ticks backup, sees no Tick on release-manager items, and it persists', async () => {
    await visit('olga', `/releases/${releaseId}`, async (page) => {
      assert.equal(await ticksIn(page, 'release-manager'), 0, 'no Tick on release-manager items for devops');
      await mark(page);
      await page.click('[data-tick="backup"]');
      await page.locator('[data-item="backup"][data-item-state="done"]').waitFor({ timeout: 10000 });
      assert.equal(await marked(page), 'still here');
      await page.reload({ waitUntil: 'load' });
      assert.equal(await itemState(page, 'backup'), 'done');
      assert.match(await page.locator('[data-item="backup"] [data-done-by]').innerText(), /olga/);
    });
  });

  test("another user's tick arrives live, and unticking asks for a reason", async () => {
    await visit('rita', `/releases/${releaseId}`, async (page) => {
      await mark(page);
      assert.equal(await itemState(page, 'notes'), 'open');
      await page.locator('[data-live]').waitFor({ state: 'visible', timeout: 10000 });
      const tick = await api(TOKENS.admin, 'POST', `/api/v1/releases/${releaseId}/items/notes/tick`, {});
      assert.equal(tick.status, 200, tick.text);
      await page.locator('[data-item="notes"][data-item-state="done"]').waitFor({ timeout: 10000 });
      assert.equal(await marked(page), 'still here', 'the live update did not reload the page');
      // Untick: the form needs a reason; then the item is open again, with it.
      await page.click('[data-untick-open="notes"]');
      const form = page.locator('[data-item="notes"] form[data-release-action="untick"]');
      await form.locator('input[name="reason"]').fill('notes were for 2.13');
      await form.locator('input[name="reason"]').press('Enter');
      await page.locator('[data-item="notes"][data-item-state="open"]').waitFor({ timeout: 10000 });
      assert.match(await page.locator('[data-item="notes"] .item__note').innerText(), /notes were for 2\.13/);
      assert.equal(await marked(page), 'still here');
    });
  });

  test('the windows calendar shows the viewer’s zone and devops accepts the booking', async () => {
    await visit('olga', '/windows', async (page) => {
      assert.equal(await page.title(), 'Release windows · opsdeck');
      assert.equal(await page.locator('[data-calendar] [data-day-index]').count(), 28);
      assert.match(await page.locator('[data-calendar-zone]').innerText(), /America\/New_York/);
      const today = page.locator('[data-calendar] [aria-current="date"]');
      assert.equal(await today.count(), 1);
      const occurrence = page.locator('[data-occurrence-item][data-window="release now"]');
      assert.equal((await occurrence.locator('.status').first().innerText()).trim(), 'Allow');
      assert.ok(await page.locator('[data-occurrence-item][data-kind="deny"]').count() >= 1, 'the freeze is listed');
      const booking = occurrence.locator('[data-booking]');
      assert.equal(await booking.getAttribute('data-booking-state'), 'requested');
      await screenshot(page, 'windows.png');
      await mark(page);
      await booking.locator('input[name="note"]').fill('olga on call');
      await booking.locator('[data-accept]').click();
      await page.locator('[data-occurrence-item][data-window="release now"] [data-booking][data-booking-state="accepted"]')
        .waitFor({ timeout: 10000 });
      assert.equal(await marked(page), 'still here');
    }, { timezoneId: 'America/New_York' });
    // The gate no longer says devops is missing.
    await visit('ada', `/releases/${releaseId}`, async (page) => {
      const reasons = await page.locator('[data-gate="production"] [data-reason]').evaluateAll((els) => els.map((e) => e.dataset.reason));
      assert.ok(!reasons.includes('no_devops'), reasons.join(','));
      assert.match(await page.locator('[data-bookings]').innerText(), /Accepted/);
    });
  });

  test('a devops user starts a rollback to a previous deployment', async () => {
    await visit('olga', `/rollbacks?environment=production&release=${releaseId}`, async (page) => {
      assert.equal(await page.title(), 'Rollbacks · opsdeck');
      const deployment = page.locator('[data-rollback-deployment]');
      await page.waitForFunction(() => !document.querySelector('[data-rollback-deployment]').disabled, null, { timeout: 10000 });
      assert.match(await deployment.locator('option:checked').innerText(), /^2\.12\.0 /);
      assert.equal(await deployment.locator('option[disabled]').count(), 1, 'the live deployment is not offered');
      assert.equal(await page.locator('#rollback-release option:checked').getAttribute('value'), String(releaseId));
      await page.click('[data-start-rollback]');
      await page.locator('[data-table="rollbacks"] tr[data-rollback]').first().waitFor({ timeout: 10000 });
      assert.match(await page.locator('[data-form-status]').innerText(), /Rollback #\d+ started/);
      const row = page.locator('[data-table="rollbacks"] tr[data-rollback]').first();
      assert.match(await row.innerText(), /2\.12\.0/);
      await screenshot(page, 'rollbacks.png');
    });
    const deadline = Date.now() + 10000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(received.length, 1, 'the rollback action called the receiver once');
    assert.deepEqual(JSON.parse(received[0].body), { environment: 'production', version: '2.12.0' });
    // A release manager sees the history but no form.
    await visit('rita', '/rollbacks', async (page) => {
      assert.equal(await page.locator('[data-rollback-form]').count(), 0);
      assert.ok(await page.locator('[data-table="rollbacks"] tr[data-rollback]').count() >= 1);
    });
  });

  test('dark mode and a phone width do not overflow', async () => {
    for (const path of ['/releases', `/releases/${releaseId}`, '/windows', '/rollbacks']) {
      const slug = path === '/releases' ? 'releases' : path.split('/').filter(Boolean).join('-').replace(/\?.*/, '');
      for (const [mode, options] of [
        ['dark', { colorScheme: 'dark' }],
        ['phone', { viewport: { width: 390, height: 844 }, isMobile: true }],
      ]) {
        await visit('ada', path, async (page) => {
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `${path} (${mode}) overflows by ${overflow}px`);
          await screenshot(page, `${slug}-${mode}.png`);
        }, options);
      }
    }
  });
});
