// Notifications end to end, against the real binary and the chat emulator
// (chat_emulator.mjs, loopback only): pipeline runs posted to /hooks/generic
// become chat messages through the durable outbox.
// 1. Acceptance: 1,000 runs, 30% faults, opsdeck SIGKILLed twice while events
//    flow: every run is exactly one Discord message (created, then edited in
//    place), ending in the run's final state, never going backwards; no
//    request during an announced retry_after; nothing failed.
// 2. Hostile sizes: a 10 kB multi-byte title, 100 stages, 300-character
//    version/ref/trigger still make one valid message (no limit broken).
// 3. Slack (a new message per notice) and a signed generic webhook, 100
//    runs, 30% faults, one SIGKILL: every final state posted exactly once,
//    no (run, state) twice, per-run order holds, every signature verifies.
// 4. `opsdeck notify test CHANNEL` posts one message; a webhook Discord
//    does not know (404 10015) is a clear error without the token.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';

import { prng, start as startEmulator } from './chat_emulator.mjs';
import { generic } from './events.mjs';
import { ADMIN, BINARY, SECRETS, assertNoSecretsLeaked, sleep, startServer, tempDir } from './lib.mjs';

const ENVIRONMENTS = ['development', 'staging', 'production'];
const STATE_COLORS = {
  queued: 0x8B949E, running: 0x1F6FEB, succeeded: 0x2DA44E, failed: 0xCF222E, canceled: 0x6E7781, superseded: 0xA0A0A0,
};
const COLOR_STATE = new Map(Object.entries(STATE_COLORS).map(([state, color]) => [color, state]));
const RANK = { queued: 0, running: 1, succeeded: 2, failed: 2, canceled: 2, superseded: 2 };
const STATE_WORDS = /\b(queued|running|succeeded|failed|canceled|superseded)\b/gi;
const CI_URL = /https:\/\/ci\.example\.com\/[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+/;

// The fault mix: 30% of requests, evenly 500, 502, dropped, hung and 429
// (opsdeck waits the 429's precise `retry_after`, not the whole seconds of
// Retry-After). `maxStreak` bounds the faults in a row for one request (a
// retry of the same bytes) so that one unlucky notice cannot sit out minutes
// of backoff (1 s, 2 s, 4 s, ...) and blow the time budget.
const FAULTS = { p: 0.3, kinds: { 500: 1, 502: 1, drop: 1, hang: 1, 429: 1 }, maxStreak: 4 };

const T0 = Date.parse('2026-11-20T10:00:00Z');
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

// What a test started: its servers, emulators and background streams are
// stopped when it ends, also when it fails (and, as a last resort, after
// every test of the file).
class Scope {
  constructor() {
    this.servers = [];
    this.emulators = [];
    this.stopped = false;
  }

  async emulator(opts) {
    const e = await startEmulator(opts);
    this.emulators.push(e);
    return e;
  }

  async serve(yaml, opts) {
    if (this.stopped) throw new Error('the test ended');
    const s = await startServer(yaml, opts);
    this.servers.push(s);
    return s;
  }

  async close() {
    this.stopped = true;
    for (const s of this.servers) {
      if (s.proc.exitCode === null && s.proc.signalCode === null) {
        s.proc.kill('SIGKILL');
        await s.exit;
      }
    }
    for (const e of this.emulators) await e.close();
  }
}
const scopes = [];
after(async () => { for (const sc of scopes) await sc.close(); });

// Runs `body(scope)` and then closes the scope, whatever happened.
async function scoped(body) {
  const scope = new Scope();
  scopes.push(scope);
  try {
    await body(scope);
  } finally {
    await scope.close();
  }
}

function config(notifications, { extra = '' } = {}) {
  return ({ port, dir }) => `
server: {listen: "127.0.0.1:${port}", threads: 2, public_url: "http://127.0.0.1:${port}"}
storage: {type: sqlite, path: ${dir}/opsdeck.db}
log: {level: info}
environments: [{name: development}, {name: staging}, {name: production, protected: true}]
auth:
  anonymous_read: false
  tokens:
    - {name: it-admin, role: admin, token: "${SECRETS.apiToken}"}
sources:
  generic: {token: "${SECRETS.generic}"}
pipelines:
${ENVIRONMENTS.map((env) => `  - {name: web-${env}, environment: ${env}, kind: deploy, match: {generic: {pipeline: web-${env}}}}`).join('\n')}
notifications:
${notifications}
${extra}`;
}

// Runs over the three environments; ~80% succeed, ~20% fail (seeded). Each
// run's CI url is unique: it identifies the run's message on the chat side.
function planRuns(n, seed, prefix) {
  const rand = prng(seed);
  return Array.from({ length: n }, (_, i) => {
    const env = ENVIRONMENTS[i % ENVIRONMENTS.length];
    const pipeline = `web-${env}`;
    const runId = `${prefix}${i}`;
    return { i, env, pipeline, runId, url: `https://ci.example.com/${pipeline}/${runId}`, final: rand() < 0.8 ? 'succeeded' : 'failed' };
  });
}

// `running`, then the terminal state. Built once: a retry reuses the
// delivery's Idempotency-Key.
function runEvents(run) {
  const t = T0 + run.i * 60000;
  const commit = crypto.createHash('sha1').update(run.runId).digest('hex');
  return [
    generic({
      pipeline: run.pipeline, run_id: run.runId, status: 'running', started_at: iso(t), url: run.url,
      version: `1.${run.i}.0`, commit, ref: 'main', trigger: 'push', title: `Change ${run.i}`,
    }),
    generic({ pipeline: run.pipeline, run_id: run.runId, status: run.final, finished_at: iso(t + 90000), url: run.url }),
  ];
}

// POSTs one generic delivery to whichever server is current, retrying
// connection errors and 5xx (the server may be down or restarting).
async function postEvent(scope, current, d, { deadlineMs = 90000 } = {}) {
  const end = Date.now() + deadlineMs;
  let last = '';
  for (;;) {
    if (scope.stopped) throw new Error('the test ended');
    try {
      const r = await fetch(`${current().url}/hooks/generic`, {
        method: 'POST', headers: d.headers, body: d.body, signal: AbortSignal.timeout(10000),
      });
      const text = await r.text();
      if (r.status >= 200 && r.status < 300) {
        const status = JSON.parse(text).status;
        assert.ok(status === 'accepted' || status === 'duplicate', text);
        return status;
      }
      if (r.status < 500 && r.status !== 429) assert.fail(`intake refused the event: HTTP ${r.status}: ${text.slice(0, 300)}`);
      last = `HTTP ${r.status}`;
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      last = e.message;
    }
    if (Date.now() > end) assert.fail(`intake unreachable for ${deadlineMs} ms: ${last}`);
    await sleep(100);
  }
}

// Sends every run's events, `concurrency` runs at a time, run k not before
// k * spacingMs (so the stream lasts long enough to kill the server in it).
async function drive(scope, runs, current, { concurrency = 16, spacingMs = 0, onRunDone = () => {} } = {}) {
  let next = 0;
  let done = 0;
  const t0 = Date.now();
  async function worker() {
    while (next < runs.length && !scope.stopped) {
      const k = next++;
      const wait = t0 + k * spacingMs - Date.now();
      if (wait > 0) await sleep(wait);
      for (const d of runEvents(runs[k])) await postEvent(scope, current, d);
      onRunDone(++done);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function api(server, p) {
  const r = await fetch(server.url + p, { headers: ADMIN, signal: AbortSignal.timeout(10000) });
  const text = await r.text();
  assert.equal(r.status, 200, `GET ${p}: HTTP ${r.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

function emulatorSummary(emu) {
  const { violations, requestsDuringRetryAfterByKey, ...rest } = emu.stats;
  return { ...rest, inFlightHangs: emu.inFlightHangs(), firstViolations: violations.slice(0, 5) };
}

// Waits until GET /api/v1/notifications?state=pending lists nothing.
async function waitDrained(server, emu, deadline) {
  let last = null;
  for (;;) {
    try {
      const page = await api(server, '/api/v1/notifications?state=pending&limit=1');
      assert.ok(Array.isArray(page.items), JSON.stringify(page));
      if (page.items.length === 0) return;
      last = page.items[0];
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      last = e.message;
    }
    if (Date.now() > deadline) {
      assert.fail(`the outbox did not drain in time; newest pending entry: ${JSON.stringify(last)}; emulator: ${JSON.stringify(emulatorSummary(emu))}`);
    }
    await sleep(500);
  }
}

async function allNotifications(server) {
  const items = [];
  let cursor = null;
  do {
    const page = await api(server, `/api/v1/notifications?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return items;
}

async function assertNoFailedEntries(server) {
  const failed = await api(server, '/api/v1/notifications?state=failed&limit=5');
  assert.deepEqual(failed.items.map((i) => `${i.kind} ${i.subject}: ${i.last_error}`), [], 'no notification failed');
}

// The emulator saw only well-formed requests.
function assertCleanTraffic(emu) {
  const s = emu.stats;
  assert.deepEqual(s.violations.slice(0, 5), [], 'contract violations');
  assert.equal(s.requestsDuringRetryAfter, 0, `requests during an announced retry_after: ${JSON.stringify(s.requestsDuringRetryAfterByKey)}`);
  assert.equal(s.unversioned, 0);
  assert.equal(s.noUserAgent, 0);
  assert.equal(s.limitViolations, 0);
  assert.equal(s.badContentType, 0);
  assert.equal(s.badJson, 0);
  for (const status of [400, 401, 403, 404, 405, 413]) assert.equal(s.byStatus[status] ?? 0, 0, `HTTP ${status} answers`);
}

// No log line or stdout of opsdeck, and no answer this process received,
// carries a channel credential.
async function assertNoLeak(list, credentials) {
  for (const s of list) {
    for (const c of credentials) {
      assert.ok(!s.log.includes(c) && !s.stdout.includes(c), `a channel credential leaked into opsdeck's output: ${c.slice(0, 6)}...`);
    }
  }
  await assertNoSecretsLeaked(...list);
}

const discordState = (message) => COLOR_STATE.get(message?.embeds?.[0]?.color);

// SIGTERM and the exit, at most `ms` (then SIGKILL and fail). Unlike
// Server.stop it leaves no timer behind that holds the process for seconds.
async function stopGracefully(server, ms = 15000) {
  if (server.proc.exitCode !== null || server.proc.signalCode !== null) return server.exit;
  server.proc.kill('SIGTERM');
  let timer;
  const r = await Promise.race([server.exit, new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), ms); })]);
  clearTimeout(timer);
  if (r === 'timeout') {
    server.proc.kill('SIGKILL');
    await server.exit;
    assert.fail(`opsdeck did not exit within ${ms} ms of SIGTERM`);
  }
  return r;
}

// SIGKILLs the server (at a moment the caller picked) and starts it again on
// the same data directory. Returns the new server.
async function killAndRestart(scope, server, yaml) {
  server.proc.kill('SIGKILL');
  const exit = await server.exit;
  assert.equal(exit.signal, 'SIGKILL');
  return scope.serve(yaml, { reuseDir: server.dir });
}

describe('notifications', () => {
  it('delivers 1,000 runs as one Discord message each through 30% faults and two SIGKILLs', { timeout: 300000 }, () => scoped(async (scope) => {
    const started = Date.now();
    // Discord's per-webhook bucket shape (a few requests per window, headers
    // on every answer, 429 beyond) at a faster clock: 50 per 250 ms.
    const emu = await scope.emulator({ faults: FAULTS, seed: 20261120, discordBucket: { limit: 50, windowMs: 250 } });
    const hook = emu.discordUrl();
    const webhookId = hook.split('/').at(-2);
    const yaml = config(`
  channels:
    - {name: pipes, type: discord, url: "${hook}", timeout: 300ms}
  routes:
    - {events: ["pipeline.*"], channel: pipes}`);
    const runs = planRuns(1000, 7, 'r');
    const all = [];
    let server = await scope.serve(yaml);
    all.push(server);
    await api(server, '/api/v1/notifications?limit=1');  // fail fast on a build without notifications
    const current = () => server;

    // The kills. Each waits until the emulator holds a Discord request hung
    // (never answered, never processed): opsdeck's one Discord worker is
    // then blocked in that request, so no Discord answer sits between
    // arrival and commit. A crash in that window (answered, not yet
    // committed) is the one documented way to post a message twice; the
    // test avoids it rather than tolerate duplicates.
    // The new process takes the dead one's channel lease over at once (same
    // machine, its pid gone). The kills come after 150 and 600 runs.
    let runsDone = 0;
    const waiters = [];
    const runsReached = (n) => new Promise((resolve) => waiters.push({ n, resolve }));
    const kills = [];
    let streamDone = false;
    const killer = (async () => {
      for (const threshold of [150, 600]) {
        await runsReached(threshold);
        await emu.waitForHang(120000, { kind: 'discord' });
        const at = Date.now() - started;
        server = await killAndRestart(scope, server, yaml);
        all.push(server);
        kills.push({ atMs: at, runsDone, duringStream: !streamDone });
      }
    })();
    const stream = drive(scope, runs, current, {
      concurrency: 16, spacingMs: 50,
      onRunDone: (n) => {
        runsDone = n;
        for (const w of waiters) if (n >= w.n) w.resolve();
      },
    }).then(() => { streamDone = true; });
    await Promise.all([stream, killer]);
    const streamMs = Date.now() - started;  // the events and both kills

    await waitDrained(server, emu, started + 240000);
    emu.setFaults(0);
    const elapsed = Date.now() - started;

    // One message per run (by embed url): none lost, none twice, no strays.
    const messages = emu.discordMessages(webhookId);
    const byUrl = new Map();
    for (const m of messages) {
      const url = m.current.embeds?.[0]?.url;
      if (!byUrl.has(url)) byUrl.set(url, []);
      byUrl.get(url).push(m);
    }
    const lost = runs.filter((r) => !byUrl.has(r.url));
    assert.deepEqual(lost.slice(0, 10).map((r) => r.url), [], `${lost.length} runs have no message`);
    const twice = [...byUrl].filter(([, list]) => list.length > 1);
    assert.deepEqual(twice.slice(0, 10).map(([url, list]) => `${url} x${list.length}`), [], `${twice.length} runs have more than one message`);
    const known = new Set(runs.map((r) => r.url));
    const strays = [...byUrl.keys()].filter((u) => !known.has(u));
    assert.deepEqual(strays.slice(0, 10), [], 'messages that belong to no run');
    assert.equal(messages.length, runs.length);

    // Each message ends in its run's final state and never went backwards.
    const wrong = [];
    const backwards = [];
    for (const run of runs) {
      const [m] = byUrl.get(run.url);
      const state = discordState(m.current);
      const title = m.current.embeds[0].title;
      if (state !== run.final || !new RegExp(`\\b${run.final}$`).test(title)) wrong.push(`${run.url}: ${state} "${title}" (want ${run.final})`);
      let rank = -1;
      const seen = [];
      for (const h of m.history) {
        const s = discordState(h.message);
        seen.push(`${h.method}:${s}`);
        if (s === undefined || RANK[s] < rank || (RANK[s] === 2 && s !== run.final) || h.message.embeds[0].url !== run.url) {
          backwards.push(`${run.url}: ${seen.join(' ')}`);
          break;
        }
        rank = RANK[s];
      }
      if (m.history[0].method !== 'POST' || m.history.slice(1).some((h) => h.method !== 'PATCH')) backwards.push(`${run.url}: not created once then edited`);
    }
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} messages not in their run's final state`);
    assert.deepEqual(backwards.slice(0, 10), [], `${backwards.length} messages went backwards`);

    assertCleanTraffic(emu);
    assert.equal(kills.length, 2);
    assert.ok(kills.every((k) => k.duringStream), 'both kills land while events still flow');
    await assertNoFailedEntries(server);

    // The API's view: every entry pipeline.*, subject run:<id>; each sent
    // one names a message the emulator has.
    const items = await allNotifications(server);
    const ids = new Set(messages.map((m) => m.id));
    assert.ok(items.length >= runs.length, `${items.length} outbox entries`);
    for (const key of ['id', 'channel', 'kind', 'subject', 'state', 'attempts', 'last_error', 'created_at', 'updated_at', 'sent_at', 'message_id']) {
      assert.ok(key in items[0], `notification items have ${key}: ${JSON.stringify(items[0])}`);
    }
    const badItems = items.filter((i) => i.channel !== 'pipes' || !/^pipeline\.(running|succeeded|failed)$/.test(i.kind)
      || !/^run:\d+$/.test(i.subject) || !['sent', 'superseded'].includes(i.state)
      || (i.state === 'sent' && !ids.has(i.message_id)));
    assert.deepEqual(badItems.slice(0, 5), [], `${badItems.length} unexpected outbox entries`);
    const sent = items.filter((i) => i.state === 'sent');
    const attempts = items.reduce((a, i) => a + i.attempts, 0);

    const s = emu.stats;
    console.log(`discord acceptance: ${runs.length} runs (${runs.filter((r) => r.final === 'failed').length} failed), `
      + `${s.requests} Discord requests, ${s.faults.total} faults ${JSON.stringify({ ...s.faults, total: undefined })}, `
      + `${s.rateLimited} bucket 429s, ${s.discordCreates} creates + ${s.discordEdits} edits, `
      + `${items.length} outbox entries (${sent.length} sent, ${items.length - sent.length} superseded), `
      + `${attempts - sent.length} retries, ${s.abandoned} abandoned by opsdeck before processing, `
      + `kills ${JSON.stringify(kills)}, events + kills ${(streamMs / 1000).toFixed(1)} s, `
      + `elapsed ${(elapsed / 1000).toFixed(1)} s`);

    assert.equal((await stopGracefully(server)).code, 0);
    await assertNoLeak(all, [hook.split('/').at(-1)]);
  }));

  it('fits a hostile run (10 kB multi-byte title, 100 stages, 300-character fields) into one valid message', { timeout: 120000 }, () => scoped(async (scope) => {
    const started = Date.now();
    // Discord's 5 requests per 2 s at a 4x clock: a stream of edits spends
    // the bucket, so X-RateLimit-Remaining/Reset-After must be honoured.
    const emu = await scope.emulator({ discordBucket: { limit: 5, windowMs: 500 } });
    const hook = emu.discordUrl();
    const webhookId = hook.split('/').at(-2);
    const yaml = config(`
  channels:
    - {name: pipes, type: discord, url: "${hook}", timeout: 2s}
  routes:
    - {events: ["pipeline.*"], channel: pipes}`);
    const server = await scope.serve(yaml);

    // Astral emoji (2 UTF-16 units, 4 UTF-8 bytes), a ZWJ sequence, a
    // combining accent, CJK and right-to-left text, padded with whitespace.
    const unit = '🚀 déploiement e\u0301 👩‍👩‍👧 漢字テスト مرحبا ';
    let title = '   ';
    while (Buffer.byteLength(title) < 10240) title += unit;
    title += '\nsecond line of the commit message';
    const long = (label) => [...`${label}-${'ü漢🚀x'.repeat(100)}`].slice(0, 300).join('');
    const pipeline = 'web-production';
    const runId = 'hostile-1';
    const url = `https://ci.example.com/${pipeline}/${runId}`;
    const t = T0;
    const post = (ev) => postEvent(scope, () => server, generic({ pipeline, run_id: runId, ...ev }));
    await post({
      status: 'running', started_at: iso(t), url, title, version: long('v'), ref: long('ref'), trigger: long('trigger'),
      commit: 'f'.repeat(40),
    });
    for (let k = 0; k < 100; k++) {
      const name = [...`stage-${String(k).padStart(3, '0')}-${'ß漢🚀'.repeat(70)}`].slice(0, 200).join('');
      await post({ stage: { name, status: k % 3 === 0 ? 'failed' : 'succeeded', started_at: iso(t + k * 1000), finished_at: iso(t + k * 1000 + 900) } });
    }
    await post({ status: 'failed', finished_at: iso(t + 200000), url });

    await waitDrained(server, emu, started + 100000);
    const messages = emu.discordMessages(webhookId);
    assert.equal(messages.length, 1, `one message for the run: ${messages.map((m) => m.current.embeds?.[0]?.url)}`);
    const [m] = messages;
    assert.equal(m.current.embeds[0].url, url);
    assert.equal(discordState(m.current), 'failed');
    assert.match(m.current.embeds[0].title, /\bfailed$/);
    // The commit message is cut, not dropped.
    const head = [...title.trim()].slice(0, 20).join('');
    assert.ok(JSON.stringify(m.current.embeds[0]).includes(JSON.stringify(head).slice(1, -1)), 'the title\'s beginning is in the embed');
    assertCleanTraffic(emu);
    await assertNoFailedEntries(server);
    console.log(`hostile run: ${m.history.length} versions of the message (${emu.stats.discordEdits} edits), `
      + `${emu.stats.rateLimited} bucket 429s, elapsed ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.equal((await stopGracefully(server)).code, 0);
    await assertNoLeak([server], [hook.split('/').at(-1)]);
  }));

  it('posts every final state exactly once to Slack and a signed webhook through 30% faults and a SIGKILL', { timeout: 240000 }, () => scoped(async (scope) => {
    const started = Date.now();
    const hookSecret = 'it-secret-webhook-hmac-Wq3pL';
    // Slack: about one message a second with short bursts, at a faster clock.
    const emu = await scope.emulator({
      faults: FAULTS, seed: 99, slackBucket: { limit: 20, windowMs: 500 }, secrets: { ops: hookSecret },
    });
    const slackUrl = emu.slackUrl('T0IT', 'B0IT', 'it-secret-slack-Lm4');
    const slackKey = 'T0IT/B0IT/it-secret-slack-Lm4';
    const hookUrl = emu.genericUrl('ops');
    const yaml = config(`
  channels:
    - {name: chat, type: slack, url: "${slackUrl}", timeout: 500ms}
    - {name: hook, type: webhook, url: "${hookUrl}", secret: "${hookSecret}", timeout: 500ms}
  routes:
    - {events: ["pipeline.*"], channel: chat}
    - {events: ["pipeline.*"], channel: hook}`);
    const runs = planRuns(100, 11, 's');
    const all = [];
    let server = await scope.serve(yaml);
    all.push(server);
    await api(server, '/api/v1/notifications?limit=1');

    // The kill. Two workers send here (Slack, webhook), each one request at
    // a time, so one hung request is not enough: for a moment every request
    // hangs, and the kill comes when both channels have a hung request open,
    // i.e. each worker has committed every answer it got and waits in a
    // request that will never have an effect. Only hangs younger than half
    // the channel timeout count: an older one may be one opsdeck already
    // gave up on, its close not yet seen here.
    let reached = null;
    const progress = new Promise((resolve) => { reached = resolve; });
    let killedAt = null;
    const killer = (async () => {
      await progress;
      emu.setFaults(1, ['hang']);
      const deadline = Date.now() + 30000;
      const fresh = () => ({ since: Date.now() - 250 });
      while (!(emu.inFlightHangs('slack', fresh()) > 0 && emu.inFlightHangs('generic', fresh()) > 0)) {
        if (Date.now() > deadline || scope.stopped) {
          emu.setFaults(FAULTS.p, FAULTS.kinds);
          assert.fail(`no moment with both channels hung: ${JSON.stringify(emulatorSummary(emu))}`);
        }
        await sleep(2);
      }
      killedAt = Date.now() - started;
      // Synchronously: the faults come back after the SIGKILL, before any I/O.
      const restarted = killAndRestart(scope, server, yaml);
      emu.setFaults(FAULTS.p, FAULTS.kinds);
      server = await restarted;
      all.push(server);
    })();
    await Promise.all([
      drive(scope, runs, () => server, { concurrency: 8, spacingMs: 40, onRunDone: (n) => { if (n >= 30) reached(); } }),
      killer,
    ]);
    await waitDrained(server, emu, started + 200000);
    emu.setFaults(0);

    const byRun = () => new Map(runs.map((r) => [r.url, []]));
    // Slack: every notice is a new message; its text ends the title with the state word.
    const slackRuns = byRun();
    const unreadable = [];
    for (const msg of emu.slack.get(slackKey)) {
      const text = String(msg.body.text ?? '');
      const url = (text.match(CI_URL) || JSON.stringify(msg.body).match(CI_URL) || [])[0];
      const states = [...text.matchAll(STATE_WORDS)].map((x) => x[1].toLowerCase());
      if (!slackRuns.has(url) || states.length === 0) unreadable.push(text.slice(0, 200));
      else slackRuns.get(url).push(states.at(-1));
    }
    assert.deepEqual(unreadable.slice(0, 5), [], 'Slack messages that name no run or state');
    const slackBad = [];
    for (const run of runs) {
      const seq = slackRuns.get(run.url);
      const ranks = seq.map((x) => RANK[x]);
      if (seq.filter((x) => x === run.final).length !== 1 || new Set(seq).size !== seq.length
          || ranks.some((x, k) => k > 0 && x < ranks[k - 1]) || seq.at(-1) !== run.final) {
        slackBad.push(`${run.url}: ${seq.join(' ') || '(nothing)'} (final ${run.final})`);
      }
    }
    assert.deepEqual(slackBad.slice(0, 10), [], `${slackBad.length} runs posted wrongly to Slack`);

    // Webhook: every entry is delivered, in order, signed, once.
    assert.equal(emu.stats.sigFailures, 0);
    assert.equal(emu.stats.duplicateDeliveries, 0);
    assert.equal(emu.stats.missingDeliveryId, 0);
    const hookRuns = byRun();
    const malformed = [];
    for (const d of emu.deliveries.get('ops')) {
      const b = d.body;
      if (!hookRuns.has(b?.url) || !(b.state in RANK) || b.kind !== `pipeline.${b.state}` || !/^run:\d+$/.test(b.subject)
          || d.headers['x-opsdeck-event'] !== b.kind) {
        malformed.push(d.raw.slice(0, 200));
      } else {
        hookRuns.get(b.url).push(b.state);
      }
    }
    assert.deepEqual(malformed.slice(0, 5), [], 'webhook deliveries not about a run');
    const hookBad = runs.filter((r) => hookRuns.get(r.url).join(' ') !== `running ${r.final}`)
      .map((r) => `${r.url}: ${hookRuns.get(r.url).join(' ') || '(nothing)'} (final ${r.final})`);
    assert.deepEqual(hookBad.slice(0, 10), [], `${hookBad.length} runs delivered wrongly to the webhook`);

    assertCleanTraffic(emu);
    await assertNoFailedEntries(server);
    const s = emu.stats;
    console.log(`slack + webhook: ${runs.length} runs, ${s.requests} requests, ${s.faults.total} faults, `
      + `${s.rateLimited} bucket 429s, ${emu.slack.get(slackKey).length} Slack messages, `
      + `${emu.deliveries.get('ops').length} webhook deliveries, killed at ${killedAt} ms, `
      + `elapsed ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.equal((await stopGracefully(server)).code, 0);
    await assertNoLeak(all, ['it-secret-slack-Lm4', hookSecret]);
  }));

  it('sends a test message with `opsdeck notify test`, and names an unknown webhook without its token', { timeout: 60000 }, () => scoped(async (scope) => {
    const emu = await scope.emulator();
    const hook = emu.discordUrl();
    const webhookId = hook.split('/').at(-2);
    const dir = tempDir('opsdeck-notify-cli-');
    const write = (name, url) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, config(`
  channels:
    - {name: pipes, type: discord, url: "${url}", timeout: 2s}
  routes:
    - {events: ["pipeline.*"], channel: pipes}`)({ port: 9, dir }));
      return file;
    };

    let r = await runCliAsync(['notify', 'test', 'pipes', '--config', write('ok.yaml', hook)]);
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
    const messages = emu.discordMessages(webhookId);
    assert.equal(messages.length, 1, 'one test message');
    assert.ok(messages[0].current.embeds.length > 0 || messages[0].current.content.trim() !== '');
    assertCleanTraffic(emu);

    // A webhook Discord does not know (deleted): 404 with code 10015.
    const goneToken = 'it-secret-gone-webhook-Rt5vXq';
    const goneId = '112233445566778899';
    r = await runCliAsync(['notify', 'test', 'pipes', '--config', write('gone.yaml', `${emu.url}/api/v10/webhooks/${goneId}/${goneToken}`)]);
    assert.notEqual(r.code, 0);
    const out = r.stderr + r.stdout;
    assert.match(out, /10015|unknown webhook|404/i, out);
    assert.ok(!out.includes(goneToken), `the token is not printed: ${out}`);
    assert.equal(emu.requestsFor(goneId).length, 1, 'a 404 webhook is not tried again');
    fs.rmSync(dir, { recursive: true, force: true });
  }));
});

// Runs the binary without blocking this process's event loop (the emulator
// answering it lives here too, so spawnSync would deadlock).
function runCliAsync(args, { timeout = 30000 } = {}) {
  return new Promise((resolve) => {
    const proc = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeout);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, stdout, stderr });
    });
  });
}
