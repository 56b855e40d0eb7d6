// Every page of the UI in a real browser, against the real binary, with data
// that came through the real paths: pipeline events through the generic
// webhook, three targets probed on a loopback HTTP server (one down, so an
// incident opens; one under a maintenance window), a release with its
// checklist (one item ticked), windows (one open now, a recurring one, a
// freeze), a rollback whose action calls a loopback receiver, notifications
// delivered to a loopback webhook, audit entries from all of that, an event
// no rule matches, and the docs audit. One server, one browser.
// Each page: its heading and the content that proves the data is there, no
// console error, CSP violation or failed request, and a screenshot
// (test-results/pages-*.png). Then: the keyboard reaches the navigation and
// the main actions with a visible focus ring, and at 390 px neither the
// overview nor a list page scrolls sideways.
//   OPSDECK_BINARY=build/opsdeck node --test tests/e2e/pages.test.mjs
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { deliver, generic } from '../integration/events.mjs';
import { SECRETS } from '../integration/lib.mjs';
import { apiCall, freePort, launchBrowser, screenshot, startServer, watchedPage } from './lib.mjs';

const TOKENS = {
  rm: 'e2e-pages-release-manager-token-0123456789',
  devops: 'e2e-pages-devops-token-0123456789abcdef',
};
const HOUR = 3600000;
const NOW = Math.floor(Date.now() / 60000) * 60000;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const POLL_MS = 20000;

function config(backendPort) {
  const base = `http://127.0.0.1:${backendPort}`;
  return `
auth:
  anonymous_read: true
  tokens:
    - {name: e2e-rm, role: release-manager, token: "${TOKENS.rm}"}
    - {name: e2e-devops, role: devops, token: "${TOKENS.devops}"}
sources:
  generic: {token: "${SECRETS.generic}"}
pipelines:
  - name: web-staging
    environment: staging
    kind: deploy
    owner: web-team
    docs: https://wiki.example.com/web
    match: {generic: {pipeline: web-staging}}
  - name: web-production
    environment: production
    kind: deploy
    match: {generic: {pipeline: web-production}}
catalog:
  defaults: {interval: 1s, timeout: 500ms, failure_threshold: 1, success_threshold: 1}
  services:
    - name: main-db
      environment: production
      component: database
      owner: dba-team
      checks:
        - {type: http, url: "${base}/ok"}
    - name: web-api
      environment: production
      component: backend
      owner: web-team
      checks:
        - {type: http, url: "${base}/fail"}
    - name: batch-worker
      environment: staging
      component: backend
      checks:
        - {type: http, url: "${base}/ok"}
notifications:
  channels:
    - name: ops-hook
      type: webhook
      url: "${base}/hook"
      timeout: 500ms
  routes:
    - {events: ["pipeline.*"], channel: ops-hook}
docs_audit:
  check_links: false
  rules:
    - {kinds: [service, pipeline], require: [owner, docs]}
releases:
  templates:
    - name: production-release
      items:
        - {id: scope, phase: prepare, role: release-manager, title: "Freeze scope and tag the release"}
        - {id: backup, phase: prepare, role: devops, title: "Fresh database backup verified"}
        - {id: go, phase: go-no-go, role: release-manager, title: "Go / no-go decision", depends_on: [scope, backup]}
        - {id: deploy, phase: deploy, role: devops, title: "Start and watch the production pipeline", depends_on: [go]}
        - {id: verify, phase: verify, role: release-manager, title: "Smoke-test the product", depends_on: [deploy]}
  windows:
    - name: release now
      kind: allow
      from: ${iso(NOW - HOUR)}
      until: ${iso(NOW + 3 * HOUR)}
      devops: [olga]
    - name: weekday releases
      kind: allow
      schedule: "0 14 * * TUE,THU"
      duration: 3h
      timezone: Europe/Berlin
      devops: [alice]
    - name: spring freeze
      kind: deny
      from: ${iso(NOW + 50 * HOUR)}
      until: ${iso(NOW + 74 * HOUR)}
  rollback:
    production:
      http:
        method: POST
        url: ${base}/rollback
        headers: {Content-Type: application/json}
        body: '{"environment":"{{environment}}","version":"{{version}}"}'
`;
}

describe('every page', () => {
  let server;
  let browser;
  let backend;            // probed targets, the webhook channel and the rollback receiver
  const received = {};    // path -> bodies
  const ids = {};         // run, release, incident

  const api = (token, method, path, body) => apiCall(server.url, token, method, path, body);

  async function poll(what, probe) {
    const deadline = Date.now() + POLL_MS;
    for (;;) {
      const found = await probe();
      if (found) return found;
      assert.ok(Date.now() < deadline, `${what} within ${POLL_MS} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  before(async () => {
    backend = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        (received[req.url] ||= []).push(body);
        if (req.url === '/fail') { res.writeHead(503); res.end('unavailable'); return; }
        res.writeHead(req.method === 'GET' ? 200 : 204, { 'Content-Type': 'text/plain' });
        res.end(req.method === 'GET' ? 'ok' : undefined);
      });
    });
    const port = await freePort();
    await new Promise((resolve) => backend.listen(port, '127.0.0.1', resolve));
    server = await startServer({ environments: [{ name: 'staging' }, { name: 'production', protected: true }], extra: config(port) });

    const at = (minutes) => iso(NOW + minutes * 60000);
    const events = [];
    for (const [pipeline, run, version, start, status] of [
      ['web-staging', 's-1', '2.13.0', -200, 'succeeded'],
      ['web-production', 'p-1', '2.12.0', -300, 'succeeded'],
      ['web-production', 'p-2', '2.13.0', -120, 'succeeded'],
      ['web-staging', 's-2', '2.14.0', -30, 'failed'],
    ]) {
      events.push(generic({ pipeline, run_id: run, status: 'running', started_at: at(start), version, title: `Release ${version}`, commit: 'a1b2c3d4e5'.repeat(4), url: `https://ci.example.com/${run}` }));
      events.push(generic({ pipeline, run_id: run, stage: { name: 'build', status: 'succeeded', started_at: at(start), finished_at: at(start + 4) } }));
      events.push(generic({ pipeline, run_id: run, status, finished_at: at(start + 10), version }));
    }
    for (const e of events) {
      const r = await deliver(server.url, e);
      assert.equal(r.status, 200, r.text);
    }
    const stray = await deliver(server.url, generic({ pipeline: 'nightly-cleanup', run_id: 'n-1', status: 'running' }));
    assert.equal(stray.status, 202, stray.text);
    ids.run = (await (await fetch(`${server.url}/api/v1/runs?pipeline=web-production&limit=1`)).json()).items[0].id;

    const release = await api(TOKENS.rm, 'POST', '/api/v1/releases', {
      version: '2.14.0', template: 'production-release', environments: ['staging', 'production'],
      window: 'release now', window_start: iso(NOW - HOUR),
    });
    assert.equal(release.status, 201, release.text);
    ids.release = release.json.id;
    const tick = await api(TOKENS.rm, 'POST', `/api/v1/releases/${ids.release}/items/scope/tick`, { note: 'tagged v2.14.0' });
    assert.ok(tick.status >= 200 && tick.status < 300, tick.text);

    const maintenance = await api(TOKENS.devops, 'POST', '/api/v1/maintenance', {
      name: 'worker upgrade', targets: ['batch-worker'], starts_at: iso(NOW - 60000), ends_at: iso(NOW + HOUR),
    });
    assert.equal(maintenance.status, 201, maintenance.text);
    const rollback = await api(TOKENS.devops, 'POST', '/api/v1/rollbacks', { environment: 'production', version: '2.12.0' });
    assert.equal(rollback.status, 202, rollback.text);

    ids.incident = await poll('an open incident for web-api', async () => {
      const list = await (await fetch(`${server.url}/api/v1/incidents?state=open`)).json();
      return list.items.find((i) => i.target === 'web-api')?.id;
    });
    await poll('batch-worker under maintenance', async () => {
      const t = await (await fetch(`${server.url}/api/v1/targets/batch-worker`)).json();
      return t.state === 'maintenance' || t.status?.state === 'maintenance';
    });
    await poll('a delivered notification', async () => {
      const list = await (await fetch(`${server.url}/api/v1/notifications?state=sent`)).json();
      return list.items?.length > 0;
    });
    await poll('the rollback action called', async () => (received['/rollback'] || []).length > 0);
    browser = await launchBrowser();
  });

  after(async () => {
    await Promise.allSettled([browser?.close(), server?.stop(), new Promise((r) => (backend ? backend.close(r) : r()))]);
  });

  // Opens `path`; `check(page)` runs; the page must be clean. Not networkidle:
  // some pages keep an event stream open.
  async function visit(path, check, options = {}) {
    const { context, page, problems } = await watchedPage(browser, { viewport: { width: 1280, height: 900 }, ...options });
    const dialogs = [];
    page.on('dialog', async (dialog) => { dialogs.push(dialog.message()); await dialog.dismiss(); });
    try {
      const response = await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
      assert.equal(response.status(), 200, path);
      assert.match(response.headers()['content-security-policy'] || '', /script-src 'self'/, path);
      await check(page);
      assert.equal(await page.locator('script:not([src])').count(), 0, `${path}: no inline scripts`);
      assert.deepEqual(dialogs, [], path);
      assert.deepEqual(await problems(), [], path);
    } finally {
      await context.close();
    }
  }

  const heading = async (page) => (await page.locator('h1').first().innerText()).trim();
  const slug = (path) => path.replace(/^\//, '').replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '') || 'overview';

  // path, expected heading (a RegExp or text), what proves the data is there.
  const PAGES = [
    ['/', 'Overview', async (page) => {
      assert.equal((await page.locator('[data-environment="production"] [data-slot="live-version"]').innerText()).trim(), '2.13.0');
      assert.equal(await page.locator('[data-environment]').count(), 2);
    }],
    ['/pipelines', 'Pipelines', async (page) => {
      assert.equal(await page.locator('[data-table="runs"] tr[data-run]').count(), 4);
      assert.equal(await page.locator('tr[data-run][data-status="failed"]').count(), 1);
    }],
    [() => `/runs/${ids.run}`, /^web-production · run/, async (page) => {
      assert.match(await page.locator('body').innerText(), /2\.13\.0/);
    }],
    ['/deployments', 'Deployments', async (page) => {
      assert.ok(await page.locator('tr[data-deployment]').count() >= 3);
    }],
    ['/unmatched', 'Unmatched events', async (page) => {
      assert.equal(await page.locator('tr[data-unmatched]').count(), 1);
      assert.match(await page.locator('tr[data-unmatched]').innerText(), /nightly-cleanup/);
    }],
    ['/releases', 'Releases', async (page) => {
      assert.equal(await page.locator(`tr[data-release="${ids.release}"]`).count(), 1);
    }],
    [() => `/releases/${ids.release}`, /^Release 2\.14\.0/, async (page) => {
      assert.equal(await page.locator('[data-item="scope"]').getAttribute('data-item-state'), 'done');
      assert.equal(await page.locator('[data-item]').count(), 5);
    }],
    ['/windows', 'Release windows', async (page) => {
      assert.ok(await page.locator('[data-occurrence-item][data-window="release now"]').count() >= 1);
      assert.ok(await page.locator('[data-occurrence-item][data-kind="deny"]').count() >= 1);
    }],
    ['/rollbacks', 'Rollbacks', async (page) => {
      assert.match(await page.locator('[data-table="rollbacks"] tr[data-rollback]').first().innerText(), /2\.12\.0/);
    }],
    ['/targets', 'Services & servers', async (page) => {
      const states = await page.locator('tr[data-target]').evaluateAll((trs) => Object.fromEntries(trs.map((tr) => [tr.dataset.target, tr.dataset.state])));
      assert.deepEqual(states, { 'web-api': 'down', 'main-db': 'up', 'batch-worker': 'maintenance' });
    }],
    ['/targets/web-api', /^web-api/, async (page) => {
      assert.match(await page.locator('[data-open-incident]').innerText(), /Incident #\d+/);
    }],
    ['/incidents', 'Incidents', async (page) => {
      assert.equal(await page.locator(`[data-table="open-incidents"] tr[data-incident="${ids.incident}"]`).count(), 1);
    }],
    [() => `/incidents/${ids.incident}`, /^Incident #\d+/, async (page) => {
      assert.match(await page.locator('[data-cause]').innerText(), /503/);
    }],
    ['/notifications', 'Notifications', async (page) => {
      assert.ok(await page.locator('tr[data-notification][data-state="sent"]').count() >= 1);
    }],
    // Built by the docs-audit work in parallel: its heading, whichever wording it settles on.
    ['/docs-audit', /^Doc(s|umentation) audit$/, async () => {}],
    ['/audit', 'Audit log', async (page) => {
      const rows = await page.locator('tr[data-audit]').evaluateAll((trs) => trs.map((tr) => [
        tr.querySelector('[data-actor]').dataset.actor, tr.dataset.action,
        tr.querySelector('[data-entity-type]').dataset.entityType]));
      assert.ok(rows.some(([actor, , entity]) => actor === 'token:e2e-rm' && entity === 'release'), JSON.stringify(rows.slice(0, 10)));
      assert.ok(rows.some(([actor, , entity]) => actor === 'token:e2e-devops' && entity === 'rollback'), JSON.stringify(rows.slice(0, 10)));
      // Times in the viewer's zone, UTC on hover.
      assert.match(await page.locator('tr[data-audit] time').first().getAttribute('title'), /UTC$/);
    }],
    ['/login', 'Sign in', async (page) => {
      assert.equal(await page.locator('input[name="username"]').count(), 1);
    }],
  ];

  for (const [pathOf, expected, check] of PAGES) {
    const label = typeof pathOf === 'function' ? pathOf.toString().replace(/^.*`(.*)`.*$/, '$1') : pathOf;
    test(`${label} shows its content cleanly`, async () => {
      const path = typeof pathOf === 'function' ? pathOf() : pathOf;
      await visit(path, async (page) => {
        const h1 = await heading(page);
        if (expected instanceof RegExp) assert.match(h1, expected, path);
        else assert.equal(h1, expected, path);
        await check(page);
        await screenshot(page, `pages-${slug(typeof pathOf === 'function' ? label.replace(/\$\{.*?\}/g, 'id') : path)}.png`);
      });
    });
  }

  test('the keyboard reaches the navigation and the main actions, with a visible focus', async () => {
    await visit('/pipelines', async (page) => {
      const seen = [];
      for (let i = 0; i < 60; ++i) {
        await page.keyboard.press('Tab');
        seen.push(await page.evaluate(() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          return {
            what: `${el.tagName.toLowerCase()}:${(el.textContent || el.getAttribute('name') || '').trim().slice(0, 30)}`,
            nav: el.closest('nav.sidenav') !== null,
            submit: el.matches('form.filters button[type="submit"]'),
            visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
          };
        }));
      }
      assert.equal(seen[0].what, 'a:Skip to content');
      assert.ok(seen.some((s) => s.nav && s.what.startsWith('a:Pipelines')), seen.map((s) => s.what).join(' | '));
      assert.ok(seen.some((s) => s.submit), 'Tab reaches the Filter button');
      // Past the last control, focus leaves the page (the body): not a control.
      const hidden = seen.filter((s) => !s.visible && !s.what.startsWith('body:'));
      assert.deepEqual(hidden, [], 'every focused element shows a focus ring');
    });
  });

  test('at 390 px neither the overview nor a list page scrolls sideways', async () => {
    const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
    for (const path of ['/', '/audit', '/pipelines']) {
      await visit(path, async (page) => {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${path} overflows by ${overflow} px at 390 px`);
        await screenshot(page, `pages-${slug(path)}-phone.png`);
      }, phone);
    }
  });
});
