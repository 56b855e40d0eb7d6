// The documentation audit in the server (the real binary) with the Jira
// emulator and a webhook channel: the latest run through the API; an AWS
// export uploaded through the API turns into an undocumented-resource gap
// (a bad one is a 400 and keeps nothing); filing through the API files one
// issue per gap, none the second time nor after a restart; a gap fixed in
// the config and reloaded gets its comment; docs.* events reach the webhook;
// rejected Jira credentials are a clear 502 that files nothing; no secret
// leaks.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { start as startJira } from './jira_emulator.mjs';
import { ADMIN, SECRETS, assertNoSecretsLeaked, sleep, startServer } from './lib.mjs';

const EMAIL = 'ops@acme.example';
const DEVOPS_TOKEN = 'it-docs-devops-token-0123456789';
const VIEWER_TOKEN = 'it-docs-viewer-token-0123456789';
const DEVOPS = { Authorization: `Bearer ${DEVOPS_TOKEN}` };
const VIEWER = { Authorization: `Bearer ${VIEWER_TOKEN}` };

const EC2 = JSON.stringify({
  Reservations: [{
    OwnerId: '123456789012',
    Instances: [{ InstanceId: 'i-0c0ffee0000000003', State: { Name: 'running' }, Placement: { AvailabilityZone: 'eu-central-1a' } }],
  }],
});
const UNDOCUMENTED = 'undocumented_resource:aws:ec2-instance:i-0c0ffee0000000003';

async function startReceiver() {
  const notices = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      try { notices.push(JSON.parse(body)); } catch { /* not counted */ }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${server.address().port}`, notices,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

async function until(what, fn, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('docs audit in the server', () => {
  let jira;
  let receiver;
  let server;
  let dir;
  const settings = { apiDocs: false, token: SECRETS.jira };

  const yaml = ({ port, dir: d }) => {
    dir = d;
    return `
server:
  listen: 127.0.0.1:${port}
  threads: 2
storage:
  type: sqlite
  path: ${d}/opsdeck.db
log:
  level: info
environments:
  - name: production
    protected: true
auth:
  tokens:
    - {name: it-admin, role: admin, token: "${SECRETS.apiToken}"}
    - {name: it-devops, role: devops, token: "${DEVOPS_TOKEN}"}
    - {name: it-viewer, role: viewer, token: "${VIEWER_TOKEN}"}
catalog:
  services:
    - {name: api, environment: production, owner: core${settings.apiDocs ? ', docs: "https://wiki.example.com/api"' : ''}}
    - {name: web, environment: production, owner: web-team}
docs_audit:
  schedule: 6h
  check_links: false
  rules:
    - {kinds: [service], require: [owner, docs], severity: info}
jira:
  url: ${jira.url}
  api_version: 3
  email: ${EMAIL}
  token: "${settings.token}"
  project: OPS
  issue_type: Task
  labels: [opsdeck, documentation]
notifications:
  channels:
    - {name: docs-log, type: webhook, url: "${receiver.base}/notify", timeout: 2s}
  routes:
    - {events: ["docs.*"], channel: docs-log}
`;
  };
  const rewrite = () => fs.writeFileSync(server.configPath, yaml({ port: server.port, dir }));

  const api = async (path, { method = 'GET', headers = ADMIN, body } = {}) => {
    const r = await fetch(`${server.url}/api/v1/docs-audit${path}`, { method, headers, body });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* 204 */ }
    return { status: r.status, json, text };
  };
  const latest = () => api('');
  const ready = (atLeast = 1) => until(`audit run ${atLeast}`, async () => {
    const r = await latest();
    return r.json.state === 'ready' && r.json.sequence >= atLeast ? r.json : null;
  });
  const file = (dryRun, headers = DEVOPS) => api('/tickets', {
    method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ dry_run: dryRun }),
  });

  before(async () => {
    jira = await startJira({ email: EMAIL, token: SECRETS.jira });
    receiver = await startReceiver();
    server = await startServer(yaml);
  });
  after(async () => {
    if (server) await server.stop();
    if (jira) await jira.close();
    if (receiver) await receiver.close();
  });

  it('shows the latest run: coverage and each gap', async () => {
    const run = await ready();
    assert.equal(run.trigger, 'start');
    assert.deepEqual(run.coverage.overall, { items: 2, documented: 0, percent: 0 });
    assert.deepEqual(run.gaps.map((g) => g.fingerprint).sort(),
      ['missing_field:service:api:production:docs', 'missing_field:service:web:production:docs']);
    const g = run.gaps[0];
    assert.equal(g.state, 'open');
    assert.equal(g.ticket, null);
    assert.equal(g.severity, 'info');
    assert.match(g.rules[0], /^docs_audit\.rules\[0\]/);
    assert.equal(run.jira.configured, true);
    await until('docs.gaps_opened on the webhook', () => receiver.notices.some((n) => n.kind === 'docs.gaps_opened'));
  });

  it('refuses actions to viewers', async () => {
    assert.equal((await api('/run', { method: 'POST', headers: VIEWER })).status, 403);
    assert.equal((await file(true, VIEWER)).status, 403);
  });

  it('turns an uploaded AWS export into an undocumented-resource gap; a bad one keeps nothing', async () => {
    const before = (await latest()).json.sequence;
    const bad = await api('/aws-exports?name=ec2.json', { method: 'POST', headers: DEVOPS, body: '{"Reservations": [' });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error.message, /ec2\.json: .*JSON/);
    const unknown = await api('/aws-exports?name=s3.json', { method: 'POST', headers: DEVOPS, body: '{"Buckets": []}' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.json.error.message, /Buckets/);
    assert.deepEqual((await api('/aws-exports')).json.items, []);

    const up = await api('/aws-exports?name=ec2.json', { method: 'POST', headers: DEVOPS, body: EC2 });
    assert.equal(up.status, 201, up.text);
    assert.equal(up.json.commands, 'aws ec2 describe-instances');
    assert.equal(up.json.resources, 1);
    assert.equal(up.json.uploaded_by, 'token:it-devops');
    const run = await ready(before + 1);
    assert.ok(run.gaps.some((g) => g.fingerprint === UNDOCUMENTED), JSON.stringify(run.gaps));
    assert.equal(run.aws.resources, 1);
    const audit = await (await fetch(`${server.url}/api/v1/audit?entity_type=docs_aws_export`, { headers: ADMIN })).json();
    assert.equal(audit.items[0].action, 'upload');
  });

  it('files one issue per gap, then none again', async () => {
    const dry = await file(true);
    assert.equal(dry.status, 200, dry.text);
    assert.equal(dry.json.counts.would_file, 3);
    assert.equal(jira.stats.creates, 0);

    const filed = await file(false);
    assert.equal(filed.status, 200, filed.text);
    assert.equal(filed.json.counts.filed, 3);
    assert.equal(jira.stats.creates, 3);
    for (const item of filed.json.items) assert.equal(item.ticket_url, `${jira.url}/browse/${item.ticket}`);
    const run = (await latest()).json;
    assert.ok(run.gaps.every((g) => /^OPS-\d+$/.test(g.ticket) && g.ticket_url === `${jira.url}/browse/${g.ticket}`));

    const again = await file(false);
    assert.equal(again.json.counts.filed, 0);
    assert.equal(again.json.counts.already_filed, 3);
    assert.equal(jira.stats.creates, 3);
    await until('docs.tickets_filed on the webhook', () => receiver.notices.some((n) => n.kind === 'docs.tickets_filed'));
  });

  it('files none after a restart either', async () => {
    await server.stop();
    server = await startServer(yaml, { reuseDir: dir });
    await ready();
    const filed = await file(false);
    assert.equal(filed.status, 200, filed.text);
    assert.equal(filed.json.counts.filed, 0);
    assert.equal(filed.json.counts.already_filed, 3);
    assert.equal(jira.stats.creates, 3);
    assert.equal((await api('/aws-exports')).json.items.length, 1, 'the upload outlived the restart');
  });

  it('comments on the issue of a gap fixed in the config after a reload', async () => {
    const before = (await latest()).json.sequence;
    settings.apiDocs = true;
    rewrite();
    const r = await fetch(`${server.url}/api/v1/config/reload`, { method: 'POST', headers: ADMIN });
    assert.equal(r.status, 200);
    const run = await ready(before + 1);
    assert.equal(run.trigger, 'reload');
    assert.ok(!run.gaps.some((g) => g.fingerprint === 'missing_field:service:api:production:docs'));
    await until('the fix comment', () => jira.stats.comments === 1);
    const fixed = (await api('/gaps?state=fixed')).json.items;
    assert.equal(fixed.length, 1);
    assert.ok(fixed[0].commented_at);
    await until('docs.gaps_fixed on the webhook', () => receiver.notices.some((n) => n.kind === 'docs.gaps_fixed'));
  });

  it('reports rejected Jira credentials clearly and files nothing', async () => {
    const before = (await latest()).json.sequence;
    settings.token = 'a-wrong-jira-token';
    rewrite();
    assert.equal((await fetch(`${server.url}/api/v1/config/reload`, { method: 'POST', headers: ADMIN })).status, 200);
    await ready(before + 1);
    const del = await api('/aws-exports/ec2.json', { method: 'DELETE', headers: DEVOPS });
    assert.equal(del.status, 204);
    // Nothing open lacks a key now; a new gap needs filing.
    const creates = jira.stats.creates;
    const up = await api('/aws-exports?name=ec2-b.json', {
      method: 'POST', headers: DEVOPS, body: EC2.replace('i-0c0ffee0000000003', 'i-0c0ffee0000000004'),
    });
    assert.equal(up.status, 201);
    await until('the new gap', async () => (await latest()).json.gaps.some((g) => g.fingerprint.endsWith('i-0c0ffee0000000004')));
    const r = await file(false);
    assert.equal(r.status, 502, r.text);
    assert.equal(r.json.error.code, 'unauthenticated');
    assert.match(r.json.error.message, /Jira rejected the credentials \(HTTP 401\)/);
    assert.equal(jira.stats.creates, creates);
    assert.ok(!r.text.includes('a-wrong-jira-token'));
  });

  it('leaked no secret', async () => {
    await assertNoSecretsLeaked(server);
    assert.ok(!server.log.includes('a-wrong-jira-token'));
  });
});
