// Issue 7's escaping acceptance in a real browser against the real binary:
// "A pipeline named <img src=x onerror=alert(1)> and a commit message full
// of HTML render as text." The hostile pipeline comes from the config (names
// may be any text); its runs come through the real webhooks with a title
// (the commit message) full of HTML, a hostile version, ref and run id, and a
// GitHub run whose html_url is javascript:. A second deploy pipeline puts a
// hostile version live. Events that match no rule carry hostile keys. Every
// page that shows them (overview, /pipelines, /runs/{id}, /deployments,
// /unmatched, /audit, where config sync recorded the names) and the badges:
// no dialog fires, no element from the data exists, every link is http(s)
// or same-site, and the text is there, literally.
//   OPSDECK_BINARY=build/opsdeck node --test tests/e2e/escaping.test.mjs
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { deliver, generic, workflowRun } from '../integration/events.mjs';
import { SECRETS } from '../integration/lib.mjs';
import { launchBrowser, screenshot, startServer, watchedPage } from './lib.mjs';

const NAME = '<img src=x onerror=alert(1)>';           // the acceptance's pipeline name
const DEPLOY = '"><svg onload=alert(2)> deploy';        // a deploy pipeline, for the live version
const MESSAGE = 'Fix <b>bold</b> & <i>more</i><script>alert(3)</script><a href="javascript:alert(4)">click</a> <h1>big</h1>';
const VERSION = '<script>alert(5)</script>';
const REF = "main' onclick='alert(6)";
const RUN_ID = '"><iframe src=javascript:alert(7)>';
const JS_URL = 'javascript:alert(document.domain)';
const UNMATCHED = '<img src=y onerror=alert(8)>';
// Elements the data would create if it were markup.
const INJECTED = 'img, iframe, i, u, b, [onerror], [onload], [onclick], a[href^="javascript" i]';

const EXTRA = `
sources:
  github: {secret: "${SECRETS.github}"}
  generic: {token: "${SECRETS.generic}"}
pipelines:
  - name: ${JSON.stringify(NAME)}
    environment: staging
    kind: deploy
    match: {github: {repository: acme/dashboard, workflow: Deploy, branch: main}}
  - name: ${JSON.stringify(DEPLOY)}
    environment: production
    kind: deploy
    match: {generic: {pipeline: hostile-deploy}}
`;

const T0 = Math.floor(Date.now() / 60000) * 60000 - 3600000;
const at = (minutes) => new Date(T0 + minutes * 60000).toISOString().replace('.000Z', 'Z');

// A GitHub workflow_run with a title full of HTML and a javascript: html_url, signed again.
function hostileGithubRun(id, status, conclusion, minutes) {
  const d = workflowRun({ workflow: 'Deploy', branch: 'main', id, status, conclusion, at: at(minutes), startedAt: at(minutes - 2), title: MESSAGE, sha: 'd'.repeat(40) });
  const payload = JSON.parse(d.body);
  payload.workflow_run.html_url = JS_URL;
  d.body = JSON.stringify(payload);
  d.headers['X-Hub-Signature-256'] = `sha256=${crypto.createHmac('sha256', SECRETS.github).update(d.body).digest('hex')}`;
  return d;
}

describe('hostile text renders as text', () => {
  let server;
  let browser;
  let runs;

  // Opens `path`; `check(page)` runs; then nothing from the data may be markup.
  async function visit(path, check, { status = 200, expectText = [NAME] } = {}) {
    const { context, page, problems } = await watchedPage(browser, { viewport: { width: 1280, height: 900 } });
    const dialogs = [];
    page.on('dialog', async (dialog) => { dialogs.push(dialog.message()); await dialog.dismiss(); });
    try {
      const response = await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
      assert.equal(response.status(), status, path);
      await check(page);
      // Give a handler that would fire on load or on error a moment to do so.
      await page.waitForTimeout(150);
      assert.deepEqual(dialogs, [], `${path}: no script from the data ran`);
      assert.equal(await page.locator(INJECTED).count(), 0, `${path}: no element from the data`);
      assert.equal(await page.locator('h1').count(), 1, `${path}: the page's own heading only`);
      assert.equal(await page.locator('script:not([src])').count(), 0, `${path}: no inline script`);
      const srcs = await page.locator('script[src]').evaluateAll((els) => els.map((s) => s.getAttribute('src')));
      for (const src of srcs) assert.match(src, /^\/static\//, `${path}: a script from elsewhere: ${src}`);
      const hrefs = await page.locator('a[href]').evaluateAll((els) => els.map((a) => [new URL(a.href).protocol, a.getAttribute('href')]));
      for (const [protocol, href] of hrefs) assert.match(protocol, /^https?:$/, `${path}: a link that is not http(s): ${href}`);
      const text = await page.locator('body').innerText();
      for (const t of expectText) assert.ok(text.includes(t), `${path}: the text ${t} is shown literally`);
      assert.deepEqual(await problems(), []);
    } finally {
      await context.close();
    }
  }

  before(async () => {
    server = await startServer({
      environments: [{ name: 'staging' }, { name: 'production', protected: true }],
      auth: { anonymous_read: true },
      extra: EXTRA,
    });
    const deliveries = [
      hostileGithubRun(701, 'in_progress', null, 1),
      hostileGithubRun(701, 'completed', 'success', 5),
      generic({ pipeline: 'hostile-deploy', run_id: RUN_ID, status: 'running', started_at: at(10), version: VERSION, ref: REF, title: MESSAGE, commit: 'e'.repeat(40) }),
      generic({ pipeline: 'hostile-deploy', run_id: RUN_ID, stage: { name: '<u>stage</u>', status: 'succeeded', started_at: at(10), finished_at: at(12) } }),
      generic({ pipeline: 'hostile-deploy', run_id: RUN_ID, status: 'succeeded', finished_at: at(12), version: VERSION }),
    ];
    for (const d of deliveries) {
      const r = await deliver(server.url, d);
      assert.equal(r.status, 200, `${d.source}: ${r.text}`);
    }
    // Matches no rule: kept and shown with its keys.
    const stray = await deliver(server.url, generic({ pipeline: UNMATCHED, run_id: 'u-1', status: 'running' }));
    assert.equal(stray.status, 202, stray.text);
    // The generic format refuses a javascript: URL outright.
    const js = await deliver(server.url, generic({ pipeline: 'hostile-deploy', run_id: 'js', status: 'running', url: JS_URL }));
    assert.equal(js.status, 400, js.text);
    runs = (await (await fetch(`${server.url}/api/v1/runs?limit=50`)).json()).items;
    assert.equal(runs.length, 2);
    browser = await launchBrowser();
  });

  after(async () => {
    await Promise.allSettled([browser?.close(), server?.stop()]);
  });

  const runOf = (pipeline) => runs.find((r) => r.pipeline === pipeline).id;

  test('the overview shows the names, the live version and the last runs as text', async () => {
    await visit('/', async (page) => {
      const live = await page.locator('[data-environment="production"] [data-slot="live-version"]').innerText();
      assert.equal(live.trim(), VERSION);
      assert.equal(await page.locator('[data-pipeline]').count(), 2);
      await screenshot(page, 'escaping-overview.png');
    }, { expectText: [NAME, DEPLOY, VERSION] });
  });

  test('/pipelines: names, titles, versions and refs are text; the filter link keeps the name', async () => {
    await visit('/pipelines', async (page) => {
      const link = page.locator('a', { hasText: NAME }).first();
      const href = await link.getAttribute('href');
      assert.equal(new URL(href, server.url).searchParams.get('pipeline'), NAME);
      await screenshot(page, 'escaping-pipelines.png');
    }, { expectText: [NAME, DEPLOY, VERSION, 'Fix <b>bold</b> & <i>more</i>'] });
    // Filtering by the hostile name through the form finds its run only.
    await visit(`/pipelines?pipeline=${encodeURIComponent(NAME)}#runs`, async (page) => {
      const pipelines = await page.locator('[data-table="runs"] tr[data-run] [data-label="Pipeline"]').allInnerTexts();
      assert.ok(pipelines.length > 0);
      for (const p of pipelines) assert.equal(p.trim(), NAME);
    });
  });

  test('a run page shows the commit message, version, ref and run id as text, and no javascript: link', async () => {
    await visit(`/runs/${runOf(DEPLOY)}`, async (page) => {
      await screenshot(page, 'escaping-run.png');
    }, { expectText: [DEPLOY, VERSION, REF, RUN_ID, '<u>stage</u>', MESSAGE.slice(0, 60)] });
    await visit(`/runs/${runOf(NAME)}`, async (page) => {
      const hrefs = await page.locator('a[href]').evaluateAll((els) => els.map((a) => a.getAttribute('href')));
      assert.ok(!hrefs.some((h) => h.toLowerCase().includes('javascript')), hrefs.join(' '));
    }, { expectText: [NAME] });
  });

  test('/deployments and /unmatched show outside text as text', async () => {
    await visit('/deployments', async (page) => {
      await screenshot(page, 'escaping-deployments.png');
    }, { expectText: [NAME, DEPLOY, VERSION] });
    await visit('/unmatched', async (page) => {
      await screenshot(page, 'escaping-unmatched.png');
    }, { expectText: [UNMATCHED] });
  });

  test('/audit shows the names the config sync recorded as text', async () => {
    await visit(`/audit?entity_type=pipeline&entity_id=${encodeURIComponent(NAME)}`, async (page) => {
      assert.ok(await page.locator('tr[data-audit]').count() >= 1, 'the sync of the hostile pipeline is in the log');
      // Its before/after JSON opens as text too.
      await page.locator('tr[data-audit] details summary').first().click();
      assert.ok(await page.locator('tr[data-audit] pre').first().isVisible());
      await screenshot(page, 'escaping-audit.png');
    });
  });

  test('a badge for the hostile pipeline is escaped SVG, and shows the name as text', async () => {
    const path = `/badge/pipeline/${encodeURIComponent(NAME)}.svg`;
    const r = await fetch(`${server.url}${path}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'image/svg+xml');
    const svg = await r.text();
    assert.ok(!svg.includes('<img'), svg);
    assert.ok(svg.includes('&lt;img src=x onerror=alert(1)&gt;: succeeded'), svg);
    // Opened as a document, nothing runs and the title is the literal name.
    const { context, page, problems } = await watchedPage(browser);
    const dialogs = [];
    page.on('dialog', async (dialog) => { dialogs.push(dialog.message()); await dialog.dismiss(); });
    try {
      await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
      await page.waitForTimeout(150);
      assert.deepEqual(dialogs, []);
      assert.equal(await page.evaluate(() => document.querySelectorAll('*').length > 0 && document.querySelector('img') === null), true);
      assert.equal(await page.evaluate(() => document.querySelector('title').textContent), `${NAME}: succeeded`);
      // An SVG document has no <link rel=icon>: Chromium may ask for /favicon.ico.
      assert.deepEqual((await problems()).filter((p) => !p.includes('/favicon.ico')), []);
    } finally {
      await context.close();
    }
    const deploy = await (await fetch(`${server.url}/badge/environment/production.svg`)).text();
    assert.ok(deploy.includes('&lt;script&gt;alert(5)&lt;/script&gt;'), deploy);
    assert.ok(!deploy.includes('<script'), deploy);
  });
});
