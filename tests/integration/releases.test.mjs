// Releases end to end (issue 8's acceptance), against the real binary on
// SQLite with a config written here: API tokens for a release manager
// (rita), a devops engineer (dave), an admin and the pipeline's viewer gate
// token; staging and a protected production; the reference checklist
// template; a one-off release window open now (now-1h .. now+2h) and a freeze
// later; a rollback http action pointing at a loopback receiver this test
// runs, which also receives the release announcements (a webhook channel).
//
// The story, one step per `it` (each step needs the ones before it):
// a wrong-role tick is 403; the gate answers 409 listing every reason until
// the window booking is confirmed by devops, the checklist's items before
// the deploy are ticked and staging's run for the version is green, then
// 200; the production run fails; devops rolls back to the previous
// deployment, which calls the receiver with the expected body; the
// follow-up pipeline events complete the rollback and the release is rolled
// back; the audit log shows every step with its actor; the announcements
// arrived; no secret leaked.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { deliver, generic } from './events.mjs';
import { ADMIN, SECRETS, assertNoSecretsLeaked, sleep, startServer } from './lib.mjs';

const RM = { Authorization: 'Bearer it-rm-token-rita-0123456789abcdef' };
const DEVOPS = { Authorization: 'Bearer it-devops-token-dave-0123456789abcdef' };
const GATE = { Authorization: 'Bearer it-gate-token-pipeline-0123456789ab' };
// The rollback action's credential (a GitHub token in real life): sent to
// the receiver, never shown in an answer or a log line.
const ROLLBACK_SECRET = 'it-secret-rollback-github-token-Rb7uQ';
SECRETS.rollback = ROLLBACK_SECRET;  // assertNoSecretsLeaked scans for it too

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const NOW = Math.floor(Date.now() / 1000) * 1000;

// The reference config's production-release template, word for word.
const TEMPLATE = `
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

// The loopback receiver: the rollback action's target (/dispatch) and the
// webhook channel (/notify).
async function startReceiver() {
  const dispatches = [];
  const notices = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      if (req.url === '/dispatch') {
        dispatches.push({ method: req.method, headers: req.headers, body, at: Date.now() });
        res.writeHead(204);
        res.end();
        return;
      }
      if (req.url === '/notify') {
        try { notices.push(JSON.parse(body)); } catch { /* counted as missing below */ }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{}');
        return;
      }
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${server.address().port}`, dispatches, notices,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

function config(receiver) {
  return ({ port, dir }) => `
server: {listen: "127.0.0.1:${port}", threads: 2, public_url: "http://127.0.0.1:${port}"}
storage: {type: sqlite, path: ${dir}/opsdeck.db}
log: {level: info}
environments: [{name: staging}, {name: production, protected: true}]
auth:
  anonymous_read: false
  tokens:
    - {name: it-admin, role: admin, token: "${SECRETS.apiToken}"}
    - {name: rita, role: release-manager, token: "${RM.Authorization.slice(7)}"}
    - {name: dave, role: devops, token: "${DEVOPS.Authorization.slice(7)}"}
    - {name: production-pipeline-gate, role: viewer, token: "${GATE.Authorization.slice(7)}"}
sources:
  generic: {token: "${SECRETS.generic}"}
pipelines:
  - {name: app-staging, environment: staging, kind: deploy, match: {generic: {pipeline: app-staging}}}
  - {name: app-production, environment: production, kind: deploy, match: {generic: {pipeline: app-production}}}
notifications:
  channels:
    - {name: release-log, type: webhook, url: "${receiver.base}/notify", timeout: 2s}
  routes:
    - {events: ["release.*", "window.*", "rollback.*"], channel: release-log}
releases:
  templates:${TEMPLATE}
  windows:
    - {name: release now, kind: allow, from: "${iso(NOW - 3600e3)}", until: "${iso(NOW + 7200e3)}", devops: [alice, bob]}
    - {name: later freeze, kind: deny, from: "${iso(NOW + 86400e3)}", until: "${iso(NOW + 2 * 86400e3)}"}
  rollback:
    production:
      http:
        method: POST
        url: "${receiver.base}/dispatch"
        headers:
          Authorization: "Bearer ${ROLLBACK_SECRET}"
          Accept: application/vnd.github+json
        body: '{"ref":"main","inputs":{"environment":"production","version":"{{version}}"}}'
`;
}

async function api(server, path, { method = 'GET', body, headers = ADMIN } = {}) {
  const r = await fetch(server.url + path, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10000),
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text, headers: r.headers };
}

// Polls `fn` until it returns a truthy value (at most `ms`).
async function until(what, fn, ms = 20000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const codes = (gate) => gate.json.reasons.map((r) => r.code);

describe('releases: checklist by role, window booking, gate, rollback', () => {
  let receiver;
  let server;
  let release;   // as last read
  let occurrence;  // the open window's occurrence
  let deployment;  // production's previous deployment (1.9.0)
  let rollback;

  before(async () => {
    receiver = await startReceiver();
    server = await startServer(config(receiver));
  });
  after(async () => {
    if (server) await server.stop('SIGKILL').catch(() => {});
    if (receiver) await receiver.close();
  });

  const gate = (version = '2.0.0') =>
    api(server, `/api/v1/gate?environment=production&version=${version}`, { headers: GATE });
  const item = (id) => release.items.find((i) => i.id === id);
  const reload = async () => {
    const r = await api(server, `/api/v1/releases/${release.id}`, { headers: RM });
    assert.equal(r.status, 200, r.text);
    release = r.json;
    return release;
  };

  it('has production live at 1.9.0 from an earlier run', async () => {
    const p = { pipeline: 'app-production', version: '1.9.0', commit: '1'.repeat(40) };
    for (const e of [{ ...p, run_id: 'p-0', status: 'running', started_at: iso(NOW - 86400e3) },
      { ...p, run_id: 'p-0', status: 'succeeded', finished_at: iso(NOW - 86000e3) }]) {
      assert.equal((await deliver(server.url, generic(e))).status, 200);
    }
    const d = await api(server, '/api/v1/deployments?environment=production', { headers: DEVOPS });
    assert.equal(d.status, 200, d.text);
    deployment = d.json.items.find((x) => x.version === '1.9.0');
    assert.ok(deployment, d.text);
    assert.equal(typeof deployment.id, 'number');
    assert.equal(deployment.environment, 'production');
  });

  it('lists the open window and the freeze later', async () => {
    const w = await api(server, '/api/v1/windows', { headers: RM });
    assert.equal(w.status, 200, w.text);
    occurrence = w.json.items.find((o) => o.window === 'release now');
    assert.ok(occurrence, w.text);
    assert.equal(occurrence.kind, 'allow');
    assert.equal(occurrence.active, true);
    assert.deepEqual(occurrence.devops, ['alice', 'bob']);
    assert.equal(Date.parse(occurrence.starts_at), NOW - 3600e3);
    const freeze = w.json.items.find((o) => o.window === 'later freeze');
    assert.ok(freeze, w.text);
    assert.equal(freeze.kind, 'deny');
    assert.equal(freeze.active, false);
  });

  it('lets only a release manager create the release, which requests the booking', async () => {
    const body = {
      version: '2.0.0', template: 'production-release', environments: ['production', 'staging'],
      window: 'release now', window_start: occurrence.starts_at,
    };
    const refused = await api(server, '/api/v1/releases', { method: 'POST', body, headers: DEVOPS });
    assert.equal(refused.status, 403, refused.text);
    const bad = await api(server, '/api/v1/releases', { method: 'POST', body: { ...body, template: 'nope' }, headers: RM });
    assert.equal(bad.status, 400, bad.text);
    const r = await api(server, '/api/v1/releases', { method: 'POST', body, headers: RM });
    assert.equal(r.status, 201, r.text);
    release = r.json;
    assert.deepEqual(release.environments, ['staging', 'production'], 'promotion order');
    assert.equal(release.state, 'planned');
    assert.equal(release.created_by, 'token:rita');
    assert.equal(release.items.length, 11);
    assert.deepEqual(release.items.map((i) => i.state), Array(11).fill('open'));
    assert.equal(item('backup').role, 'devops');
    assert.deepEqual(item('go').depends_on, ['scope', 'staging-green', 'backup', 'devops-on-hand']);
    assert.equal(item('staging-green').auto, 'staging_green');
    assert.equal(release.bookings.length, 1);
    assert.equal(release.bookings[0].state, 'requested');
    assert.equal(release.bookings[0].requested_by, 'token:rita');
  });

  it('answers 409 with every reason that applies, to the pipeline token', async () => {
    const g = await gate();
    assert.equal(g.status, 409, g.text);
    assert.equal(g.json.allowed, false);
    assert.deepEqual(codes(g), ['checklist_open', 'previous_not_green', 'no_devops'], g.text);
    for (const r of g.json.reasons) assert.ok(r.message.length > 0);
    const none = await gate('9.9.9');
    assert.equal(none.status, 409);
    assert.ok(codes(none).includes('no_release'), none.text);
    const anonymous = await fetch(`${server.url}/api/v1/gate?environment=production&version=2.0.0`);
    assert.equal(anonymous.status, 401);
  });

  it('refuses a tick from the wrong role with 403, and out of order with 409', async () => {
    let r = await api(server, `/api/v1/releases/${release.id}/items/backup/tick`, { method: 'POST', body: {}, headers: RM });
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.error.code, 'permission_denied');
    r = await api(server, `/api/v1/releases/${release.id}/items/scope/tick`, { method: 'POST', body: {}, headers: DEVOPS });
    assert.equal(r.status, 403, r.text);
    r = await api(server, `/api/v1/releases/${release.id}/items/scope/tick`, { method: 'POST', body: {}, headers: GATE });
    assert.equal(r.status, 403, 'the gate token is a viewer');
    r = await api(server, `/api/v1/releases/${release.id}/items/go/tick`, { method: 'POST', body: {}, headers: RM });
    assert.equal(r.status, 409, r.text);
    await reload();
    assert.equal(item('backup').state, 'open');
    assert.equal(item('scope').state, 'open');
  });

  it('counts devops on hand once devops accepts the booking', async () => {
    const path = `/api/v1/windows/${encodeURIComponent('release now')}/confirm`;
    const body = { start: occurrence.starts_at, accept: true, note: 'alice is on hand' };
    const refused = await api(server, path, { method: 'POST', body, headers: RM });
    assert.equal(refused.status, 403, refused.text);
    const r = await api(server, path, { method: 'POST', body, headers: DEVOPS });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'accepted');
    assert.equal(r.json.decided_by, 'token:dave');
    const g = await gate();
    assert.equal(g.status, 409);
    assert.deepEqual(codes(g), ['checklist_open', 'previous_not_green'], g.text);
    await until('devops-on-hand ticked automatically', async () => (await reload(), item('devops-on-hand').state === 'done'));
    assert.equal(item('devops-on-hand').done_by, 'system:auto');
  });

  it("counts staging green once staging's run for the version succeeds", async () => {
    const s = { pipeline: 'app-staging', run_id: 's-1', version: '2.0.0', commit: '2'.repeat(40) };
    assert.equal((await deliver(server.url, generic({ ...s, status: 'running', started_at: iso(Date.now()) }))).status, 200);
    let g = await gate();
    assert.ok(g.json.reasons.some((r) => r.code === 'previous_not_green' && /running/.test(r.message)), g.text);
    assert.equal((await deliver(server.url, generic({ ...s, status: 'succeeded', finished_at: iso(Date.now()) }))).status, 200);
    g = await gate();
    assert.deepEqual(codes(g), ['checklist_open'], g.text);
    await until('staging-green ticked automatically', async () => (await reload(), item('staging-green').state === 'done'));
    assert.equal(item('staging-green').done_by, 'system:auto');
  });

  it('opens the gate (200) once each role ticked its items before the deploy', async () => {
    const tick = (id, headers, body = {}) =>
      api(server, `/api/v1/releases/${release.id}/items/${id}/tick`, { method: 'POST', body, headers });
    for (const [id, who] of [['scope', RM], ['notes', RM], ['backup', DEVOPS]]) {
      const r = await tick(id, who, { note: `${id} done` });
      assert.equal(r.status, 200, `${id}: ${r.text}`);
    }
    // unticking needs a reason; then tick again
    let r = await api(server, `/api/v1/releases/${release.id}/items/notes/untick`, { method: 'POST', body: {}, headers: RM });
    assert.equal(r.status, 400, r.text);
    assert.match(r.json.error.message, /reason/);
    r = await api(server, `/api/v1/releases/${release.id}/items/notes/untick`, { method: 'POST', body: { reason: 'typo in the notes' }, headers: RM });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.items.find((i) => i.id === 'notes').state, 'open');
    assert.equal((await tick('notes', RM)).status, 200);
    r = await tick('go', RM, { note: 'go' });
    assert.equal(r.status, 200, r.text);
    release = r.json;
    assert.equal(release.state, 'in-progress', 'the first tick by a person starts the release');
    assert.equal(item('backup').done_by, 'token:dave');
    assert.equal(item('scope').done_by, 'token:rita');
    const rm = release.progress.find((p) => p.role === 'release-manager');
    assert.deepEqual([rm.done, rm.total], [3, 5]);
    const g = await gate();
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.json.reasons, []);
    assert.equal(g.json.allowed, true);
    assert.equal(g.headers.get('cache-control'), 'no-store');
  });

  it('records a failed production run', async () => {
    const p = { pipeline: 'app-production', run_id: 'p-1', version: '2.0.0', commit: '2'.repeat(40) };
    assert.equal((await deliver(server.url, generic({ ...p, status: 'running', started_at: iso(Date.now()) }))).status, 200);
    assert.equal((await deliver(server.url, generic({ ...p, status: 'failed', finished_at: iso(Date.now()) }))).status, 200);
    const runs = await api(server, '/api/v1/runs?environment=production&status=failed', { headers: DEVOPS });
    assert.equal(runs.status, 200, runs.text);
    assert.equal(runs.json.items.length, 1);
    assert.equal(runs.json.items[0].version, '2.0.0');
    const d = await api(server, '/api/v1/deployments?environment=production', { headers: DEVOPS });
    assert.equal(d.json.items[0].version, '1.9.0', 'a failed run deploys nothing: 1.9.0 is still live');
  });

  it('lets devops, not the release manager, roll back; the action calls the receiver', async () => {
    const body = { environment: 'production', deployment: deployment.id, release: release.id };
    const refused = await api(server, '/api/v1/rollbacks', { method: 'POST', body, headers: RM });
    assert.equal(refused.status, 403, refused.text);
    const bad = await api(server, '/api/v1/rollbacks', { method: 'POST', body: { environment: 'production' }, headers: DEVOPS });
    assert.equal(bad.status, 400, bad.text);
    const r = await api(server, '/api/v1/rollbacks', { method: 'POST', body, headers: DEVOPS });
    assert.equal(r.status, 202, r.text);
    rollback = r.json;
    assert.equal(r.headers.get('location'), `/api/v1/rollbacks/${rollback.id}`);
    assert.equal(rollback.environment, 'production');
    assert.equal(rollback.version, '1.9.0');
    assert.equal(rollback.deployment_id, deployment.id);
    assert.equal(rollback.release_id, release.id);
    assert.equal(rollback.started_by, 'token:dave');
    assert.equal(rollback.action, 'http');
    assert.ok(['started', 'running'].includes(rollback.status), rollback.status);
    const again = await api(server, '/api/v1/rollbacks', { method: 'POST', body, headers: DEVOPS });
    assert.equal(again.status, 409, `one rollback in flight per environment: ${again.text}`);

    const call = await until('the rollback action to reach the receiver', () => receiver.dispatches[0], 15000);
    assert.equal(receiver.dispatches.length, 1);
    assert.equal(call.method, 'POST');
    assert.deepEqual(JSON.parse(call.body), { ref: 'main', inputs: { environment: 'production', version: '1.9.0' } });
    assert.equal(call.headers.authorization, `Bearer ${ROLLBACK_SECRET}`);
    assert.equal(call.headers.accept, 'application/vnd.github+json');
    rollback = await until('the rollback to follow its run', async () => {
      const g = await api(server, `/api/v1/rollbacks/${rollback.id}`, { headers: RM });
      return g.json.status === 'running' ? g.json : null;
    });
    assert.equal(rollback.action_result, 'HTTP 204');
    assert.equal(rollback.run_id, null);
  });

  it('completes the rollback from the follow-up pipeline events and marks the release rolled back', async () => {
    const p = { pipeline: 'app-production', run_id: 'p-2', version: '1.9.0', commit: '1'.repeat(40) };
    assert.equal((await deliver(server.url, generic({ ...p, status: 'running', started_at: iso(Date.now()) }))).status, 200);
    assert.equal((await deliver(server.url, generic({ ...p, status: 'succeeded', finished_at: iso(Date.now()) }))).status, 200);
    rollback = await until('the rollback to succeed', async () => {
      const g = await api(server, `/api/v1/rollbacks/${rollback.id}`, { headers: RM });
      return g.json.status === 'succeeded' ? g.json : null;
    });
    assert.equal(typeof rollback.run_id, 'number');
    assert.ok(rollback.finished_at);
    const run = await api(server, `/api/v1/runs/${rollback.run_id}`, { headers: RM });
    assert.equal(run.json.version, '1.9.0');
    await until('the release to be rolled back', async () => (await reload()).state === 'rolled-back');
    const list = await api(server, '/api/v1/rollbacks?environment=production&status=succeeded', { headers: GATE });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.items.map((x) => x.id), [rollback.id]);
    const released = await api(server, '/api/v1/releases?state=rolled-back&environment=production', { headers: GATE });
    assert.deepEqual(released.json.items.map((x) => x.id), [release.id]);
  });

  it('shows every step in the audit log with its actor', async () => {
    const a = await api(server, '/api/v1/audit?limit=500');
    assert.equal(a.status, 200, a.text);
    const steps = a.json.items.map((e) => `${e.entity_type} ${e.action} ${e.actor}`);
    const has = (entity, action, actor) => assert.ok(
      steps.includes(`${entity} ${action} ${actor}`),
      `no audit entry "${entity} ${action} ${actor}" in:\n${steps.join('\n')}`);
    has('release', 'create', 'token:rita');
    has('booking', 'request', 'token:rita');
    has('booking', 'accept', 'token:dave');
    has('release', 'tick', 'token:rita');
    has('release', 'tick', 'token:dave');
    has('release', 'tick', 'system:auto');
    has('release', 'untick', 'token:rita');
    has('rollback', 'start', 'token:dave');
    const ticks = a.json.items.filter((e) => e.entity_type === 'release' && e.action === 'tick');
    assert.equal(ticks.length, 7, 'scope, notes twice, backup, go, and the two automatic items');
    const rollbackSteps = a.json.items.filter((e) => e.entity_type === 'rollback' && e.entity_id === String(rollback.id));
    assert.ok(rollbackSteps.length >= 3, `start, action done, run followed: ${JSON.stringify(rollbackSteps.map((e) => e.action))}`);
    for (const e of a.json.items.filter((x) => ['release', 'booking', 'rollback'].includes(x.entity_type))) {
      assert.ok(e.actor && !e.actor.endsWith(':'), `audit entry without an actor: ${JSON.stringify(e)}`);
    }
    const releaseStates = a.json.items.filter((e) => e.entity_type === 'release' && e.entity_id === String(release.id));
    assert.ok(releaseStates.some((e) => JSON.stringify(e.after).includes('rolled-back')), 'the move to rolled-back is audited');
  });

  it('announced each step on the release channel', async () => {
    const wanted = ['release.created', 'window.requested', 'window.accepted', 'release.item_ticked',
      'release.item_unticked', 'rollback.started', 'rollback.succeeded'];
    await until(`announcements ${wanted.join(', ')}`,
      () => wanted.every((k) => receiver.notices.some((n) => n.kind === k)), 15000).catch(() => {});
    const kinds = [...new Set(receiver.notices.map((n) => n.kind))];
    for (const k of wanted) assert.ok(kinds.includes(k), `no ${k} announcement; got ${kinds.join(', ')}`);
    const started = receiver.notices.find((n) => n.kind === 'rollback.started');
    assert.equal(started.environment, 'production');
    assert.equal(started.subject, `rollback:${rollback.id}`);
  });

  it('leaked no secret (API tokens, webhook credentials, the rollback header)', async () => {
    const scan = await assertNoSecretsLeaked(server);
    assert.ok(scan.answers > 20);
    assert.ok(receiver.dispatches.length > 0, 'the secret was used (sent to the receiver)');
  });
});
