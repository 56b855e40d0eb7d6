// Monitoring end to end, against the real binary, a loopback HTTP target
// whose answers the test controls, and the chat emulator (Discord):
// 1. A target that goes down yields exactly one incident and one Discord
//    message; recovery resolves both (the message is edited, not reposted);
//    during a maintenance window results are recorded and nothing is sent.
// 2. One alert per root cause: a database and 20 services that depend on it
//    fail together: one message names the database and the 20 services;
//    21 incidents, 20 linked to the database's.
// 3. Heartbeats: the push URL (shown to admins only) keeps a job up; silence
//    past period + grace turns it down; a push brings it back.
// 4. Alertmanager: a firing alert matched by labels turns its target down,
//    the resolved alert brings it up; a wrong token is 401 and changes nothing.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, describe, it } from 'node:test';

import { start as startEmulator } from './chat_emulator.mjs';
import { ADMIN, SECRETS, assertNoSecretsLeaked, sleep, startServer } from './lib.mjs';

// ---- a target server whose status per path the test sets --------------------
async function startTarget() {
  const status = new Map();  // path -> status code (default 200)
  const hits = new Map();    // path -> count
  const server = http.createServer((req, res) => {
    const path = req.url.split('?')[0];
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const code = status.get(path) ?? 200;
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(code < 400 ? '{"status":"ok"}' : '{"status":"broken"}');
  });
  server.keepAliveTimeout = 1000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base, status, hits,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  };
}

const cleanups = [];
after(async () => { for (const c of cleanups.reverse()) await c(); });

async function serve(yamlBody, { env } = {}) {
  const s = await startServer(({ port, dir }) => `
server: {listen: "127.0.0.1:${port}", threads: 2, public_url: "http://127.0.0.1:${port}"}
storage: {type: sqlite, path: ${dir}/opsdeck.db}
log: {level: info}
environments: [{name: development}, {name: staging}, {name: production, protected: true}]
auth:
  anonymous_read: false
  tokens:
    - {name: it-admin, role: admin, token: "${SECRETS.apiToken}"}
    - {name: it-viewer, role: viewer, token: "it-viewer-token-0123456789abcdef"}
${yamlBody}`, { env });
  cleanups.push(() => s.stop('SIGKILL').catch(() => {}));
  return s;
}

async function api(server, path, { method = 'GET', body, headers = ADMIN } = {}) {
  const r = await fetch(server.url + path, {
    method,
    headers: { ...headers, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text };
}

async function waitFor(what, fn, ms = 15000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const stateOf = async (server, name) => (await api(server, `/api/v1/targets/${encodeURIComponent(name)}`)).json?.state;
const waitState = (server, name, state, ms) =>
  waitFor(`${name} to be ${state}`, async () => (await stateOf(server, name)) === state, ms);
const messageText = (m) => JSON.stringify(m.current);
// The announcement in its final state: green, and the title says so.
const RESOLVED_COLOR = 0x2DA44E;
const isResolved = (m) => m?.current?.embeds?.[0]?.color === RESOLVED_COLOR &&
  /recovered|resolved/i.test(m.current.embeds[0].title);

describe('monitoring end to end', { timeout: 180000 }, () => {
  it('a target down: one incident, one message; recovery resolves both; maintenance records and stays quiet', async () => {
    const target = await startTarget();
    cleanups.push(target.close);
    const emu = await startEmulator({});
    cleanups.push(() => emu.close());
    const hook = emu.discordUrl();
    const server = await serve(`
catalog:
  defaults: {interval: 1s, timeout: 500ms, failure_threshold: 2, success_threshold: 1}
  services:
    - name: api
      environment: production
      component: backend
      checks:
        - {type: http, url: "${target.base}/api/health", conditions: ["status == 200", "json.status == \\"ok\\""]}
notifications:
  channels:
    - {name: devops, type: discord, url: "${hook}", timeout: 2s}
  routes:
    - {events: ["incident.*"], channel: devops}
`);
    await waitState(server, 'api', 'up');
    assert.equal(emu.stats.requests, 0, 'nothing is announced while healthy');

    // Down: exactly one incident, one message.
    target.status.set('/api/health', 503);
    await waitState(server, 'api', 'down');
    const open = await waitFor('the open incident', async () => {
      const r = await api(server, '/api/v1/incidents?state=open');
      return r.json?.items?.length === 1 ? r.json.items : null;
    });
    assert.equal(open[0].target, 'api');
    assert.match(open[0].cause, /status == 200 failed: got 503/);
    await waitFor('the Discord message', async () => emu.discordMessages().length === 1);
    await sleep(2500);  // more failing probes: still one message, one incident
    assert.equal(emu.discordMessages().length, 1);
    assert.equal((await api(server, '/api/v1/incidents?state=open')).json.items.length, 1);
    const message = emu.discordMessages()[0];
    assert.match(messageText(message), /api/);

    // Recovery: the incident ends, the same message is edited to resolved.
    target.status.set('/api/health', 200);
    await waitState(server, 'api', 'up');
    const resolved = await waitFor('the resolved incident', async () => {
      const r = await api(server, `/api/v1/incidents/${open[0].id}`);
      return r.json?.ended_at ? r.json : null;
    });
    assert.ok(Date.parse(resolved.ended_at) >= Date.parse(resolved.started_at));
    await waitFor('the edit to resolved', async () => isResolved(emu.discordMessages()[0]));
    assert.equal(emu.discordMessages().length, 1, 'recovery edits the message, it does not post another');
    assert.ok(emu.discordMessages()[0].history.length >= 2);

    // Maintenance: results recorded, state `maintenance`, nothing sent.
    const now = Date.now();
    const m = await api(server, '/api/v1/maintenance', {
      method: 'POST',
      body: { name: 'db upgrade', targets: ['api'], starts_at: new Date(now - 1000).toISOString(),
        ends_at: new Date(now + 3600000).toISOString() },
    });
    assert.equal(m.status, 201, m.text);
    await waitState(server, 'api', 'maintenance', 20000);
    const requestsBefore = emu.stats.requests;
    const failuresBefore = (await api(server, '/api/v1/targets/api/results?status=failed&limit=500')).json.items.length;
    target.status.set('/api/health', 500);
    await sleep(4000);
    const failures = (await api(server, '/api/v1/targets/api/results?status=failed&limit=500')).json.items;
    assert.ok(failures.length >= failuresBefore + 2, `failures are recorded during maintenance (${failures.length})`);
    assert.match(failures[0].error, /got 500/);
    assert.equal(await stateOf(server, 'api'), 'maintenance');
    assert.equal(emu.stats.requests, requestsBefore, 'nothing is sent during maintenance');
    assert.equal((await api(server, '/api/v1/incidents?state=open')).json.items.length, 0);

    // A viewer may read but not set maintenance.
    const viewer = { Authorization: 'Bearer it-viewer-token-0123456789abcdef' };
    assert.equal((await api(server, '/api/v1/targets', { headers: viewer })).status, 200);
    assert.equal((await api(server, '/api/v1/maintenance', {
      method: 'POST', headers: viewer,
      body: { name: 'x', targets: ['api'], starts_at: new Date().toISOString(), ends_at: new Date(Date.now() + 60000).toISOString() },
    })).status, 403);
    await assertNoSecretsLeaked(server);
  });

  it('a database with 20 dependent services goes down: one announcement names all 21', async () => {
    const target = await startTarget();
    cleanups.push(target.close);
    const emu = await startEmulator({});
    cleanups.push(() => emu.close());
    const hook = emu.discordUrl();
    const services = Array.from({ length: 20 }, (_, i) => `svc-${String(i + 1).padStart(2, '0')}`);
    const server = await serve(`
catalog:
  defaults: {interval: 1s, timeout: 500ms, failure_threshold: 2, success_threshold: 1}
  services:
    - {name: dashboard-db, environment: production, component: database, checks: [{type: http, url: "${target.base}/db"}]}
${services.map((s) => `    - {name: ${s}, environment: production, component: backend, depends_on: [dashboard-db], checks: [{type: http, url: "${target.base}/${s}"}]}`).join('\n')}
notifications:
  channels:
    - {name: devops, type: discord, url: "${hook}", timeout: 2s}
  routes:
    - {events: ["incident.*"], channel: devops}
`);
    for (const name of ['dashboard-db', ...services]) await waitState(server, name, 'up');

    target.status.set('/db', 503);
    for (const s of services) target.status.set(`/${s}`, 503);
    for (const name of ['dashboard-db', ...services]) await waitState(server, name, 'down');
    const incidents = await waitFor('21 incidents', async () => {
      const r = await api(server, '/api/v1/incidents?state=open&limit=100');
      return r.json?.items?.length === 21 ? r.json.items : null;
    });
    const root = incidents.find((i) => i.target === 'dashboard-db');
    assert.ok(root && !root.root_target, 'the database is the root');
    for (const i of incidents.filter((x) => x.target !== 'dashboard-db')) {
      assert.equal(i.root_target, 'dashboard-db', `${i.target} is linked to the database`);
    }
    // Let the dispatcher send everything, then count.
    await waitFor('the announcement to list all 20 services', async () => {
      const all = emu.discordMessages();
      return all.length >= 1 && services.every((s) => messageText(all[0]).includes(s));
    }, 20000);
    await sleep(2000);
    const messages = emu.discordMessages();
    assert.equal(messages.length, 1, `one message, not ${messages.length}`);
    assert.match(messageText(messages[0]), /dashboard-db/);

    // Recovery resolves the one message.
    target.status.clear();
    for (const name of ['dashboard-db', ...services]) await waitState(server, name, 'up');
    await waitFor('resolved', async () => isResolved(emu.discordMessages()[0]), 20000);
    assert.equal(emu.discordMessages().length, 1);
  });

  it('a mass outage of 1,000 targets: one message, the schedule holds, state changes stored in batches', async () => {
    let failing = false;
    const target = http.createServer((req, res) => {
      res.writeHead(failing ? 503 : 200, { 'Content-Type': 'application/json' });
      res.end(failing ? '{"status":"broken"}' : '{"status":"ok"}');
    });
    await new Promise((r) => target.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => { target.closeAllConnections(); target.close(r); }));
    const base = `http://127.0.0.1:${target.address().port}`;
    const emu = await startEmulator({});
    cleanups.push(() => emu.close());
    const N = 1000;
    const names = Array.from({ length: N }, (_, i) => `mass-${String(i).padStart(4, '0')}`);
    const server = await serve(`
catalog:
  defaults: {interval: 2s, timeout: 1s, failure_threshold: 1, success_threshold: 1}
  services:
${names.map((n) => `    - {name: ${n}, environment: production, component: backend, checks: [{type: http, url: "${base}/${n}"}]}`).join('\n')}
notifications:
  channels:
    - {name: devops, type: discord, url: "${emu.discordUrl()}", timeout: 2s}
  routes:
    - {events: ["incident.*"], channel: devops}
`);
    const metric = async (name) => {
      const text = (await api(server, '/metrics')).text;
      const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
      return line ? Number(line.split(' ').pop()) : NaN;
    };
    const openIncidents = async () => {
      let count = 0;
      let cursor = null;
      do {
        const r = await api(server, `/api/v1/incidents?state=open&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        count += r.json.items.length;
        cursor = r.json.next;
      } while (cursor);
      return count;
    };
    await waitFor(`${N} state changes to up`, async () => (await metric('opsdeck_monitor_state_changes_total')) >= N, 30000);
    const commitsBefore = await metric('opsdeck_store_commits_total');

    failing = true;
    await waitFor(`${N} open incidents`, async () => (await openIncidents()) === N, 30000);
    const commitsDown = (await metric('opsdeck_store_commits_total')) - commitsBefore;
    await waitFor('one message saying all are down', async () => {
      const all = emu.discordMessages();
      return all.length === 1 && all[0].current.embeds[0].title === `${N} targets down in production`;
    }, 30000);
    await sleep(1500);
    assert.equal(emu.discordMessages().length, 1, 'one message for the whole outage');
    // Each change of the one group message is rebuilt from all its members;
    // that has to stay cheap enough for the schedule to hold.
    const lag = await metric('opsdeck_monitor_lag_max_seconds');
    assert.ok(lag < 1, `probes started at most ${lag} s late`);

    failing = false;
    await waitFor('no open incident', async () => (await openIncidents()) === 0, 30000);
    await waitFor('the message resolved', async () => isResolved(emu.discordMessages()[0]), 30000);
    assert.equal(emu.discordMessages()[0].current.embeds[0].title, `${N} targets recovered in production`);
    assert.equal(emu.discordMessages().length, 1);
    // 1,000 state changes one transaction each would be 1,000 commits; they are
    // planned together when they come within 100 ms (plus the results flushed
    // once a second and the outbox's own writes).
    console.log(`mass outage: ${commitsDown} commits while ${N} targets went down, lag max ${lag} s`);
    assert.ok(commitsDown < 300, `${commitsDown} commits while ${N} targets went down`);
    assert.ok((await metric('opsdeck_monitor_lag_max_seconds')) < 1);
  });

  it('results written in groups are still read at once: the API shows every folded result', async () => {
    const target = await startTarget();
    cleanups.push(target.close);
    const server = await serve(`
catalog:
  defaults: {interval: 1s, timeout: 500ms}
  services:
    - {name: api, environment: production, checks: [{type: http, url: "${target.base}/api/health"}]}
`);
    const metric = async (name) => {
      const text = (await api(server, '/metrics')).text;
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line ? Number(line.split(' ').pop()) : NaN;
    };
    await waitState(server, 'api', 'up');
    // The change to up wrote its result; the next ones wait for a group of six.
    await waitFor('2 to 4 held results', async () => {
      const held = await metric('opsdeck_monitor_results_held');
      return held >= 2 && held <= 4;
    }, 10000);
    const folded = await metric('opsdeck_monitor_results_total');
    assert.ok(await metric('opsdeck_monitor_results_written_total') <= folded - 2, 'some are held');
    const items = (await api(server, '/api/v1/targets/api/results?limit=500')).json.items;
    assert.ok(items.length >= folded, `${items.length} results listed, ${folded} folded before the read`);
    const latest = (await api(server, '/api/v1/targets/api')).json.checks[0].latest;
    assert.ok(Date.now() - Date.parse(latest.at) < 2500, `the latest result is fresh (${latest.at})`);
    const page = await fetch(`${server.url}/targets/api`, { headers: ADMIN });
    assert.equal(page.status, 200);
  });

  it('heartbeats: pushes keep a job up, silence turns it down, a push brings it back', async () => {
    const server = await serve(`
catalog:
  services:
    - {name: nightly-backup, environment: production, component: database, checks: [{type: heartbeat, period: 2s, grace: 1s}]}
`);
    const detail = (await api(server, '/api/v1/targets/nightly-backup')).json;
    const check = detail.checks.find((c) => c.type === 'heartbeat');
    assert.ok(check.push_url, 'an admin sees the push URL');
    const viewer = { Authorization: 'Bearer it-viewer-token-0123456789abcdef' };
    const seen = (await api(server, '/api/v1/targets/nightly-backup', { headers: viewer })).json;
    assert.ok(!seen.checks.find((c) => c.type === 'heartbeat').push_url, 'a viewer does not');
    const pushPath = new URL(check.push_url).pathname;

    assert.equal((await fetch(server.url + pushPath, { method: 'POST' })).status, 200);
    await waitState(server, 'nightly-backup', 'up');
    await waitState(server, 'nightly-backup', 'down', 10000);  // no push for 2 s + 1 s
    const results = (await api(server, '/api/v1/targets/nightly-backup/results?status=failed')).json.items;
    assert.match(results[0].error, /no heartbeat/);
    assert.equal((await fetch(server.url + pushPath, { method: 'POST' })).status, 200);
    await waitState(server, 'nightly-backup', 'up');
    assert.equal((await fetch(`${server.url}/hooks/heartbeat/not-a-token`, { method: 'POST' })).status, 404);
    assert.ok(!server.log.includes(pushPath.split('/').pop()), 'the push token is never logged');
  });

  it('alertmanager: firing turns the mapped target down, resolved brings it up', async () => {
    const server = await serve(`
sources:
  alertmanager: {token: "it-alertmanager-token-0123"}
catalog:
  services:
    - {name: api, environment: staging, component: backend}
  external:
    - {type: alertmanager, match: {service: api}, target: api}
`);
    const alert = (status) => ({
      version: '4', groupKey: '{}:{alertname="HighErrorRate"}', truncatedAlerts: 0, status, receiver: 'opsdeck',
      groupLabels: { alertname: 'HighErrorRate' }, commonLabels: { alertname: 'HighErrorRate', service: 'api' },
      commonAnnotations: {}, externalURL: 'http://alertmanager.example:9093',
      alerts: [{
        status, labels: { alertname: 'HighErrorRate', service: 'api', severity: 'critical' },
        annotations: { summary: '5xx above 5%' }, startsAt: '2026-11-29T10:00:00.000Z',
        endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-11-29T10:05:00.000Z',
        generatorURL: 'http://prometheus.example:9090/graph', fingerprint: 'c4b1e8a1d0f3a2b7',
      }],
    });
    const post = (body, token = 'it-alertmanager-token-0123') => fetch(`${server.url}/hooks/alertmanager`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    assert.equal((await post(alert('firing'), 'wrong-token')).status, 401);
    assert.equal(await stateOf(server, 'api'), 'unknown');
    assert.equal((await post(alert('firing'))).status, 200);
    await waitState(server, 'api', 'down');
    assert.equal((await post(alert('resolved'))).status, 200);
    await waitState(server, 'api', 'up');
  });
});
