// The pipeline pages in a real browser against the real binary: realistic
// GitHub, GitLab and generic deliveries for three environments, then the
// overview (live version, last run per pipeline), /pipelines (runs, the status
// filter, paging), /runs/{id} (facts, the stage timeline in order, 404),
// /deployments and /unmatched. Hostile text from the config and from events
// is shown escaped and never runs; a javascript: URL is never a link; no
// console errors or CSP violations. Screenshots go to test-results/.
//   OPSDECK_BINARY=build/opsdeck node --test tests/e2e/pipelines.test.mjs
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { PIPELINES, deliver, generic, gitlabPipeline, workflowJob, workflowRun } from '../integration/events.mjs';
import { SECRETS } from '../integration/lib.mjs';
import { launchBrowser, screenshot, startServer, watchedPage } from './lib.mjs';

const ENVIRONMENTS = [{ name: 'development' }, { name: 'staging' }, { name: 'production', protected: true }];

// A pipeline name that is HTML, quotes, '&' and '+' (escaping and URL encoding).
const HOSTILE = 'web <b>"bold"</b> & \'co\' +1';
const HOSTILE_TITLE = '<img src=x onerror=alert(1)>';

const EXTRA = `
sources:
  github: {secret: "${SECRETS.github}"}
  gitlab: {token: "${SECRETS.gitlab}"}
  generic: {token: "${SECRETS.generic}"}
${PIPELINES.trim()}
  - name: ${JSON.stringify(HOSTILE)}
    environment: production
    kind: build
    match: {generic: {pipeline: web-hostile}}
`;

// Recent times, so the pages read like a live system.
const T0 = Math.floor(Date.now() / 60000) * 60000 - 3 * 3600000;
const at = (minutes) => new Date(T0 + minutes * 60000).toISOString().replace('.000Z', 'Z');
const SHA = { dev1: '1'.repeat(40), dev2: '2'.repeat(40), ci: 'a1b2c3d4e5'.repeat(4), stg: 'c0ffee42'.repeat(5), prod: '9f8e7d6c5b'.repeat(4) };

// A GitHub workflow_run whose html_url is a javascript: URL, signed again.
function javascriptUrlRun() {
  const d = workflowRun({ id: 199, status: 'completed', conclusion: 'success', branch: 'feature/js', at: at(-30), startedAt: at(-32), sha: SHA.ci });
  const payload = JSON.parse(d.body);
  payload.workflow_run.html_url = 'javascript:alert(document.domain)';
  d.body = JSON.stringify(payload);
  d.headers['X-Hub-Signature-256'] = `sha256=${crypto.createHmac('sha256', SECRETS.github).update(d.body).digest('hex')}`;
  return d;
}

function deliveries() {
  const d = [];
  const dev = { workflow: 'Deploy', branch: 'develop' };
  // development: 101 deploys (jobs build, deploy); 102 fails in test.
  d.push(workflowRun({ ...dev, id: 101, status: 'in_progress', at: at(1), startedAt: at(0), sha: SHA.dev1, title: 'Release 1.4.0' }));
  d.push(workflowJob({ ...dev, runId: 101, jobId: 9011, name: 'build', status: 'completed', conclusion: 'success', startedAt: at(1), completedAt: at(3), sha: SHA.dev1 }));
  d.push(workflowJob({ ...dev, runId: 101, jobId: 9012, name: 'deploy', status: 'completed', conclusion: 'success', startedAt: at(3), completedAt: at(5), sha: SHA.dev1 }));
  d.push(workflowRun({ ...dev, id: 101, status: 'completed', conclusion: 'success', at: at(5), startedAt: at(0), sha: SHA.dev1, title: 'Release 1.4.0' }));
  d.push(workflowRun({ ...dev, id: 102, status: 'in_progress', at: at(10), startedAt: at(10), sha: SHA.dev2, title: 'Fix login' }));
  d.push(workflowJob({ ...dev, runId: 102, jobId: 9021, name: 'test', status: 'completed', conclusion: 'failure', startedAt: at(10), completedAt: at(12), sha: SHA.dev2 }));
  d.push(workflowRun({ ...dev, id: 102, status: 'completed', conclusion: 'failure', at: at(12), startedAt: at(10), sha: SHA.dev2, title: 'Fix login' }));
  // a build pipeline, still running; and an older run whose link is javascript:
  d.push(workflowRun({ id: 201, status: 'in_progress', branch: 'feature/x', at: at(20), startedAt: at(20), sha: SHA.ci, title: 'Try the new chart' }));
  d.push(javascriptUrlRun());
  // staging (GitLab): 501 deploys; 502 is running.
  const b = (stage, name, status, s, f) => ({ stage, name, status, startedAt: s, finishedAt: f });
  d.push(gitlabPipeline({ id: 501, status: 'success', sha: SHA.stg, createdAt: at(30), finishedAt: at(36), builds: [b('build', 'compile', 'success', at(31), at(33)), b('deploy', 'rollout', 'success', at(33), at(36))] }));
  d.push(gitlabPipeline({ id: 502, status: 'running', sha: SHA.stg, createdAt: at(40), builds: [b('build', 'compile', 'running', at(40))] }));
  // production (generic): p-1 deploys 1.4.0 in three stages; p-2 fails.
  const p = { pipeline: 'dashboard-production' };
  d.push(generic({ ...p, run_id: 'p-1', status: 'running', started_at: at(50), version: '1.4.0', commit: SHA.prod, url: 'https://ci.example.com/p/1', trigger: 'release by carol' }));
  d.push(generic({ ...p, run_id: 'p-1', stage: { name: 'migrate', status: 'succeeded', started_at: at(50), finished_at: at(52) } }));
  d.push(generic({ ...p, run_id: 'p-1', stage: { name: 'rollout', status: 'succeeded', started_at: at(52), finished_at: at(58) } }));
  d.push(generic({ ...p, run_id: 'p-1', stage: { name: 'verify', status: 'succeeded', started_at: at(58), finished_at: at(60) } }));
  d.push(generic({ ...p, run_id: 'p-1', status: 'succeeded', finished_at: at(60), version: '1.4.0', commit: SHA.prod }));
  d.push(generic({ ...p, run_id: 'p-2', status: 'running', started_at: at(70), version: '1.4.1' }));
  d.push(generic({ ...p, run_id: 'p-2', status: 'failed', finished_at: at(72), version: '1.4.1' }));
  // hostile text in a run of the hostile pipeline
  d.push(generic({ pipeline: 'web-hostile', run_id: '"><svg onload=alert(2)>', status: 'succeeded', started_at: at(80), finished_at: at(81), title: HOSTILE_TITLE, version: '<script>alert(3)</script>', ref: "main' onclick='alert(4)" }));
  return d;
}

const RUN_COUNT = 9;  // 101 102 201 199 501 502 p-1 p-2 hostile

describe('pipeline pages', () => {
  let server;
  let browser;
  let runs;  // /api/v1/runs items

  const runId = (pipeline, externalId) => runs.find((r) => r.pipeline === pipeline && r.external_id === externalId).id;

  // Opens `path` in a watched page; `check(page)` runs, then the page must be clean.
  async function visit(path, check, options = {}) {
    const { context, page, problems } = await watchedPage(browser, { viewport: { width: 1280, height: 900 }, ...options });
    const dialogs = [];
    page.on('dialog', async (dialog) => { dialogs.push(dialog.message()); await dialog.dismiss(); });
    try {
      const response = await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
      assert.equal(response.status(), 200, path);
      assert.match(response.headers()['content-security-policy'] || '', /script-src 'self'/);
      await check(page);
      await assertOnlyHttpLinks(page);
      assert.equal(await page.locator('[style]').count(), 0, 'no style attributes');
      assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline scripts');
      assert.deepEqual(dialogs, [], 'no script from the data ran');
      assert.deepEqual(await problems(), []);
    } finally {
      await context.close();
    }
  }

  // Every link goes to an http(s) URL (same origin or the source's own).
  async function assertOnlyHttpLinks(page) {
    const protocols = await page.locator('a[href]').evaluateAll((els) => els.map((a) => `${new URL(a.href).protocol} ${a.getAttribute('href')}`));
    for (const p of protocols) assert.match(p, /^https?: /, `a link that is not http(s): ${p}`);
  }

  before(async () => {
    server = await startServer({ environments: ENVIRONMENTS, auth: { anonymous_read: true }, extra: EXTRA });
    for (const d of deliveries()) {
      const r = await deliver(server.url, d);
      assert.equal(r.status, 200, `${d.source}: ${r.text}`);
      assert.equal(r.json.status, 'accepted', r.text);
    }
    // An event no rule matches is kept and shown (202).
    const stray = await deliver(server.url, workflowRun({ repo: 'acme/other', workflow: 'Nightly', branch: 'main', id: 4242, status: 'completed', conclusion: 'success', at: at(90) }));
    assert.equal(stray.status, 202, stray.text);
    // A javascript: URL in the generic format is refused before it is stored.
    const js = await deliver(server.url, generic({ pipeline: 'dashboard-production', run_id: 'js', status: 'running', url: 'javascript:alert(1)' }));
    assert.equal(js.status, 400, js.text);
    const list = await fetch(`${server.url}/api/v1/runs?limit=500`);
    assert.equal(list.status, 200);
    runs = (await list.json()).items;
    assert.equal(runs.length, RUN_COUNT);
    browser = await launchBrowser();
  });

  after(async () => {
    await Promise.allSettled([browser?.close(), server?.stop()]);
  });

  test('the overview shows the live version per environment and the last run per pipeline', async () => {
    await visit('/', async (page) => {
      const live = async (env) => page.locator(`[data-environment="${env}"] [data-slot="live-version"]`);
      assert.equal((await (await live('production')).innerText()).trim(), '1.4.0');
      assert.equal(await (await live('production')).locator('a').getAttribute('href'), `/runs/${runId('dashboard-production', 'p-1')}`);
      // GitHub and GitLab deployments carry no version: the short commit stands in.
      assert.equal((await (await live('development')).innerText()).trim(), SHA.dev1.slice(0, 7));
      assert.equal((await (await live('staging')).innerText()).trim(), SHA.stg.slice(0, 7));
      const since = page.locator('[data-environment="production"] [data-slot="live-since"] time');
      assert.equal(await since.getAttribute('datetime'), `${at(60).replace('Z', '.000Z')}`);
      assert.equal(await page.locator('[data-environment="production"] [data-slot="live-since"] .mono[title]').getAttribute('title'), SHA.prod);

      const expected = {
        'dashboard-development': ['failed', 'Failed', '#i-down', 'development'],
        'dashboard-ci': ['running', 'Running', '#i-running', 'development'],
        'dashboard-staging': ['running', 'Running', '#i-running', 'staging'],
        'dashboard-production': ['failed', 'Failed', '#i-down', 'production'],
        [HOSTILE]: ['succeeded', 'Succeeded', '#i-up', 'production'],
      };
      for (const [name, [status, word, icon, env]] of Object.entries(expected)) {
        const item = page.locator(`[data-environment="${env}"] .runs-mini__item`).filter({ has: page.locator('.runs-mini__name', { hasText: name }) });
        assert.equal(await item.count(), 1, name);
        const chip = item.locator('[data-run-status]');
        assert.equal(await chip.getAttribute('data-run-status'), status, name);
        assert.equal((await chip.innerText()).trim(), word, `${name}: the state in words, not colour alone`);
        assert.equal(await chip.locator('use').getAttribute('href'), icon, name);
        assert.match(await chip.getAttribute('href'), /^\/runs\/\d+$/);
      }
      // The pipeline of p-2 shows its version and duration.
      const prod = page.locator('[data-environment="production"] .runs-mini__item').first();
      assert.match(await prod.innerText(), /1\.4\.1 · 2 min/);
      // Hostile names are text: no <b> element came from the data.
      assert.equal(await page.locator('main b').count(), 0);
      assert.ok((await page.locator('main').innerText()).includes(HOSTILE));
      await screenshot(page, 'overview-pipelines.png');
    });
  });

  test('/pipelines lists pipelines and runs, and the status filter works', async () => {
    await visit('/pipelines', async (page) => {
      const names = await page.locator('[data-table="pipelines"] tbody th').allInnerTexts();
      assert.deepEqual(names.map((n) => n.trim()).sort(), ['dashboard-ci', 'dashboard-development', 'dashboard-production', 'dashboard-staging', HOSTILE].sort());
      const prod = page.locator('[data-table="pipelines"] tr', { has: page.locator('th', { hasText: 'dashboard-production' }) });
      assert.match(await prod.innerText(), /ezops/);
      assert.equal(await prod.locator('a', { hasText: 'docs' }).getAttribute('href'), 'https://wiki.example.com/dashboard/pipelines');
      assert.match(await prod.innerText(), /Generic/);
      assert.equal(await page.locator('[data-table="runs"] tbody tr').count(), RUN_COUNT);

      await page.selectOption('#filter-status', 'failed');
      await Promise.all([page.waitForURL(/status=failed/), page.getByRole('button', { name: 'Filter' }).click()]);
      const statuses = await page.locator('[data-table="runs"] tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.status));
      assert.deepEqual(statuses, ['failed', 'failed']);
      const ids = await page.locator('[data-table="runs"] tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.dataset.run)));
      assert.deepEqual(ids.sort(), [runId('dashboard-development', '102'), runId('dashboard-production', 'p-2')].sort());
      assert.equal(await page.locator('#filter-status').inputValue(), 'failed', 'the form keeps the filter');
      await screenshot(page, 'pipelines-failed.png');

      // The hostile pipeline's link filters by its exact name ('+', '&', quotes).
      await page.goto(`${server.url}/pipelines`);
      await Promise.all([page.waitForURL(/pipeline=/), page.locator('[data-table="pipelines"] tbody th a', { hasText: 'web' }).click()]);
      const pipelines = await page.locator('[data-table="runs"] tbody tr td:nth-child(3)').allInnerTexts();
      assert.deepEqual(pipelines.map((t) => t.trim()), [HOSTILE]);
      assert.equal(await page.locator('#filter-pipeline').inputValue(), HOSTILE);
      assert.equal(await page.locator('main b, main img, main script').count(), 0);
      assert.ok((await page.locator('[data-table="runs"]').innerText()).includes(HOSTILE_TITLE), 'the title is shown as text');
    });
  });

  test('/pipelines pages with the store cursor', async () => {
    await visit('/pipelines?limit=4', async (page) => {
      const seen = [];
      for (let i = 0; i < 5; ++i) {
        seen.push(...await page.locator('[data-table="runs"] tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.dataset.run))));
        const older = page.locator('[data-older]');
        if (await older.count() === 0) break;
        assert.match(await older.getAttribute('href'), /limit=4&cursor=/);
        await Promise.all([page.waitForURL(/cursor=/), older.click()]);
        assert.equal(await page.locator('.pager a', { hasText: 'Newest' }).count(), 1);
      }
      assert.equal(seen.length, RUN_COUNT);
      assert.equal(new Set(seen).size, RUN_COUNT);
    });
  });

  test('a run page shows its facts and the stage timeline in order', async () => {
    const id = runId('dashboard-production', 'p-1');
    await visit(`/runs/${id}`, async (page) => {
      assert.match(await page.locator('h1').innerText(), /dashboard-production · run p-1\s+Succeeded/);
      const facts = page.locator('.facts');
      assert.match(await facts.innerText(), /Environment\s+production/i);
      assert.match(await facts.innerText(), /Version\s+1\.4\.0/i);
      assert.match(await facts.innerText(), /Trigger\s+release by carol/i);
      assert.match(await facts.innerText(), /Duration\s+10 min/i);
      const commit = page.locator('[data-commit]');
      assert.equal(await commit.innerText(), SHA.prod.slice(0, 7));
      assert.equal(await commit.getAttribute('title'), SHA.prod);
      assert.equal(await page.locator('[data-ci-link]').getAttribute('href'), 'https://ci.example.com/p/1');

      const stages = await page.locator('[data-timeline] > li').evaluateAll((els) => els.map((li) => ({
        name: li.dataset.stage,
        status: li.dataset.stageStatus,
        text: li.querySelector('.status').textContent.trim(),
        x: parseFloat(li.querySelector('rect')?.getAttribute('x')),
        w: parseFloat(li.querySelector('rect')?.getAttribute('width')),
        left: li.querySelector('rect')?.getBoundingClientRect().left,
      })));
      assert.deepEqual(stages.map((s) => `${s.name}:${s.status}:${s.text}`), ['migrate:succeeded:Succeeded', 'rollout:succeeded:Succeeded', 'verify:succeeded:Succeeded']);
      // Bars are proportional to time within the run: 2, 6 and 2 of 10 minutes.
      assert.deepEqual(stages.map((s) => [s.x, s.w]), [[0, 20], [20, 60], [80, 20]]);
      assert.ok(stages[0].left < stages[1].left && stages[1].left < stages[2].left, 'bars left to right');
      await screenshot(page, 'run.png');
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, 'run-dark.png');
    });
  });

  test('a run with hostile text shows it escaped and a javascript: link not at all', async () => {
    const hostile = runs.find((r) => r.pipeline === HOSTILE);
    await visit(`/runs/${hostile.id}`, async (page) => {
      assert.equal((await page.locator('[data-run-title]').innerText()).trim(), HOSTILE_TITLE);
      assert.equal(await page.locator('main img, main script, main b').count(), 0);
      assert.equal(await page.locator('main svg[onload], [onclick]').count(), 0);
      assert.match(await page.locator('.facts').innerText(), /<script>alert\(3\)<\/script>/);
      assert.ok((await page.locator('h1').innerText()).includes('"><svg onload=alert(2)>'));
    });
    // The GitHub run whose html_url was javascript: is stored without a link.
    await visit(`/runs/${runId('dashboard-ci', '199')}`, async (page) => {
      assert.equal(await page.locator('[data-ci-link]').count(), 0);
      assert.equal(await page.locator('a[href^="javascript" i]').count(), 0);
      assert.doesNotMatch(await page.content(), /javascript:/i);
    });
  });

  test('an unknown run is a 404 page', async () => {
    const { context, page } = await watchedPage(browser, { viewport: { width: 1280, height: 900 } });
    try {
      for (const id of ['999999', 'nope<b>x</b>']) {
        const response = await page.goto(`${server.url}/runs/${encodeURIComponent(id)}`);
        assert.equal(response.status(), 404);
        assert.match(response.headers()['content-type'], /^text\/html/);
        assert.equal(await page.locator('h1').innerText(), 'Run not found');
        assert.equal(await page.locator('main b').count(), 0);
        assert.equal(await page.locator('main a[href="/pipelines"]').count(), 1);
      }
    } finally {
      await context.close();
    }
  });

  test('/deployments shows what is live and the history, filtered by environment', async () => {
    await visit('/deployments', async (page) => {
      const live = await page.locator('[data-live-environment]').evaluateAll((els) => els.map((el) => `${el.dataset.liveEnvironment}=${el.querySelector('.live-list__version').textContent.trim()}`));
      assert.deepEqual(live, [`development=${SHA.dev1.slice(0, 7)}`, `staging=${SHA.stg.slice(0, 7)}`, 'production=1.4.0']);
      assert.equal(await page.locator('[data-table="deployments"] tbody tr').count(), 3);
      await page.selectOption('#filter-environment', 'production');
      await Promise.all([page.waitForURL(/environment=production/), page.getByRole('button', { name: 'Filter' }).click()]);
      const envs = await page.locator('[data-table="deployments"] tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.environment));
      assert.deepEqual(envs, ['production']);
      assert.equal(await page.locator('[data-table="deployments"] a', { hasText: 'CI' }).getAttribute('href'), 'https://ci.example.com/p/1');
      await screenshot(page, 'deployments.png');
    });
  });

  test('/unmatched shows the event no rule matched, with its reason and keys', async () => {
    await visit('/unmatched', async (page) => {
      const rows = page.locator('[data-table="unmatched"] tbody tr');
      assert.equal(await rows.count(), 1);
      const text = await rows.innerText();
      assert.match(text, /GitHub Actions/);
      assert.match(text, /workflow_run/);
      assert.match(text, /4242/);
      assert.match(text, /acme\/other/);
      const keys = await rows.locator('.keys__item').allInnerTexts();
      assert.ok(keys.some((k) => /repository\s+acme\/other/.test(k)), keys.join(' | '));
      assert.ok(keys.some((k) => /workflow\s+Nightly/.test(k)), keys.join(' | '));
      await screenshot(page, 'unmatched.png');
    });
  });

  test('the navigation links the new pages', async () => {
    await visit('/pipelines', async (page) => {
      for (const [label, href] of [['Pipelines', '/pipelines'], ['Deployments', '/deployments'], ['Unmatched', '/unmatched']]) {
        const link = page.locator('nav.sidenav a', { hasText: label });
        assert.equal(await link.getAttribute('href'), href);
      }
      assert.equal(await page.locator('nav.sidenav a[aria-current="page"]').innerText(), 'Pipelines');
    });
  });

  test('reads on a phone: nothing overflows the screen', async () => {
    const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
    for (const path of ['/', '/pipelines', `/runs/${runId('dashboard-production', 'p-1')}`, '/deployments', '/unmatched']) {
      await visit(path, async (page) => {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${path} is ${overflow}px wider than the screen`);
        if (path.startsWith('/runs/')) await screenshot(page, 'run-phone.png');
        if (path === '/pipelines') await screenshot(page, 'pipelines-phone.png');
      }, phone);
    }
  });

  test('a bad filter is a 400 page that says why', async () => {
    const r = await fetch(`${server.url}/pipelines?status=green`);
    assert.equal(r.status, 400);
    const html = await r.text();
    assert.match(html, /role="alert"/);
    assert.match(html, /status must be one of/);
    const cursor = await fetch(`${server.url}/pipelines?cursor=zz`);
    assert.equal(cursor.status, 400);
  });
});
