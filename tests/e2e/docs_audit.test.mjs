// The documentation audit page in a real browser against the real binary and
// the Jira emulator: coverage (text and bars) and every gap with severity as
// text and icon; a viewer sees no actions; a devops user files the tickets
// from the page (a dry run lists them first, then "File these tickets"), and
// the gaps then link their Jira issues. No inline script or style, no CSP
// violation. Screenshot: test-results/docs-audit.png.
//   OPSDECK_BINARY=build/opsdeck node --test tests/e2e/docs_audit.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { start as startJira } from '../integration/jira_emulator.mjs';
import { launchBrowser, runCli, screenshot, signIn as signInAs, startServer, watchedPage } from './lib.mjs';

const PASSWORD = 'correct-horse-battery-staple-42';
const JIRA_TOKEN = 'e2e-jira-token-0123456789';
const EMAIL = 'ops@acme.example';

function extra(jiraUrl) {
  return `
catalog:
  services:
    - {name: api, environment: production, owner: core, docs: "https://wiki.example.com/api", runbook: "https://wiki.example.com/runbooks/api"}
    - {name: billing, environment: production}
  servers:
    - {name: web-1, environment: staging, owner: web}
docs_audit:
  check_links: false
  rules:
    - {kinds: [service, server], require: [owner, docs], severity: info}
    - {kinds: [service], environments: [production], require: [runbook], severity: critical}
jira:
  url: ${jiraUrl}
  api_version: 3
  email: ${EMAIL}
  token: "${JIRA_TOKEN}"
  project: OPS
  issue_type: Task
`;
}

describe('the docs audit page', () => {
  let server;
  let jira;
  let browser;
  let cookies;

  const signIn = (user) => signInAs(server.url, user, PASSWORD);

  async function visit(user, path, check) {
    const { context, page, problems } = await watchedPage(browser, { viewport: { width: 1280, height: 900 } });
    const [name, value] = cookies[user].split('=');
    await context.addCookies([{ name, value, url: server.url }]);
    const dialogs = [];
    page.on('dialog', async (dialog) => { dialogs.push(dialog.message()); await dialog.dismiss(); });
    try {
      const response = await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
      assert.equal(response.status(), 200, path);
      await page.locator('html[data-docs-audit-js="ready"]').waitFor({ state: 'attached', timeout: 10000 });
      assert.equal(await page.locator('[style]').count(), 0, 'no style attributes from the server');
      assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline scripts');
      await check(page);
      assert.deepEqual(dialogs, []);
      assert.deepEqual(await problems(), []);
    } finally {
      await context.close();
    }
  }

  before(async () => {
    jira = await startJira({ email: EMAIL, token: JIRA_TOKEN });
    server = await startServer({
      environments: [{ name: 'staging' }, { name: 'production', protected: true }],
      auth: { anonymous_read: false },
      extra: extra(jira.url),
      setup: async ({ configPath, dir }) => {
        for (const [user, role] of [['viv', 'viewer'], ['olga', 'devops']]) {
          const added = await runCli(['user', 'add', user, '--role', role, '--config', configPath],
            { input: `${PASSWORD}\n`, cwd: dir });
          assert.equal(added.code, 0, `opsdeck user add ${user}:\n${added.stdout}${added.stderr}`);
        }
      },
    });
    cookies = { viv: await signIn('viv'), olga: await signIn('olga') };
    // The first run starts with the server; wait until it finished.
    const deadline = Date.now() + 15000;
    for (;;) {
      const r = await fetch(`${server.url}/api/v1/docs-audit`, { headers: { Cookie: cookies.viv } });
      if ((await r.json()).state === 'ready') break;
      if (Date.now() > deadline) throw new Error('the first audit run did not finish');
      await new Promise((res) => setTimeout(res, 100));
    }
    browser = await launchBrowser();
  });

  after(async () => {
    await Promise.allSettled([browser?.close(), server?.stop(), jira?.close()]);
  });

  test('shows coverage and every gap with its severity; a viewer gets no actions', async () => {
    await visit('viv', '/docs-audit', async (page) => {
      assert.equal(await page.title(), 'Documentation audit · opsdeck');
      assert.match(await page.locator('[data-coverage="overall"]').innerText(), /1 of 3 items fully documented \(33%\)/);
      assert.match(await page.locator('tr[data-coverage-environment="production"]').innerText(), /1\/2 \(50%\)/);
      assert.equal(await page.locator('tr[data-coverage-kind="server"] meter').getAttribute('value'), '0');
      // billing: docs, owner (info) and runbook (critical); web-1: docs (info).
      assert.equal(await page.locator('tr[data-gap]').count(), 4);
      const critical = page.locator('tr[data-severity="critical"]');
      assert.equal(await critical.count(), 1);
      assert.match(await critical.innerText(), /Critical/);
      assert.equal(await critical.locator('use').first().getAttribute('href'), '#i-down');
      assert.match(await critical.innerText(), /runbook of service billing/);
      assert.match(await critical.innerText(), /docs_audit\.rules\[1\]/);
      assert.equal(await page.locator('tr[data-gap] [data-ticket]').count(), 0, 'nothing filed yet');
      assert.equal(await page.locator('[data-docs-file], [data-docs-run], [data-docs-upload]').count(), 0);
      // Filters: severity=info leaves the three info gaps.
      await page.selectOption('#filter-severity', 'info');
      await Promise.all([page.waitForURL(/severity=info/), page.click('form[role="search"] button[type="submit"]')]);
      assert.equal(await page.locator('tr[data-gap]').count(), 3);
    });
  });

  test('a devops user files the tickets from the page, dry run first', async () => {
    await visit('olga', '/docs-audit', async (page) => {
      await page.click('[data-docs-file]');
      const panel = page.locator('[data-docs-tickets]');
      await panel.waitFor({ state: 'visible' });
      assert.equal(await panel.locator('li[data-action="would_file"]').count(), 4);
      assert.match(await panel.locator('[data-docs-tickets-summary]').innerText(), /Dry run: 4 to file/);
      assert.equal(jira.stats.creates, 0, 'the dry run filed nothing');
      await page.click('[data-docs-file-confirm]');
      await panel.locator('li[data-action="filed"]').first().waitFor();
      assert.equal(await panel.locator('li[data-action="filed"]').count(), 4);
      assert.equal(jira.stats.creates, 4);
      await Promise.all([page.waitForEvent('load'), page.click('[data-docs-file-cancel]')]);
      await page.locator('html[data-docs-audit-js="ready"]').waitFor({ state: 'attached' });
      const links = page.locator('tr[data-gap] a[data-ticket]');
      assert.equal(await links.count(), 4);
      const href = await links.first().getAttribute('href');
      assert.match(href, new RegExp(`^${jira.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/browse/OPS-\\d+$`));
      await screenshot(page, 'docs-audit.png');
    });
  });
});
