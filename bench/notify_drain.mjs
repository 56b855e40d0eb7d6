// The Node half of bench/notify.sh (run it through that script, which starts
// opsdeck and stops everything). It:
//   1. starts the chat emulator (tests/integration/chat_emulator.mjs) on
//      EMU_PORT with Discord's bucket shape (LIMIT requests per WINDOW_MS per
//      webhook), behind a gate that holds every request until released;
//   2. posts N generic pipeline events (each a new run, so exactly one
//      pipeline.* notice for the discord channel) to opsdeck's /hooks/generic,
//      CONCURRENCY at a time, over three pipelines;
//   3. checks through the API that N entries are pending in the outbox (the
//      dispatcher's first request is then held by the gate, not answered);
//   4. opens the gate and times the drain until the emulator holds N messages
//      and GET /api/v1/notifications?state=pending is empty;
//   5. checks every run is exactly one message and N entries are `sent`, and
//      prints the figures and where the time went (from a per-request trace
//      taken at the emulator's socket, high-resolution clock).
// Exit 0 whether the goal passes or misses; 1 when the run is broken (lost
// or duplicate messages, a request during an announced retry_after, failed
// entries, opsdeck gone, a bound exceeded).
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

import { ChatEmulator } from '../tests/integration/chat_emulator.mjs';

const env = (k, d) => (process.env[k] === undefined || process.env[k] === '' ? d : process.env[k]);
const OPS = env('OPS_URL');
const OPS_PID = Number(env('OPS_PID', 0));
const EMU_PORT = Number(env('EMU_PORT'));
const HOOK_ID = env('HOOK_ID');
const HOOK_TOKEN = env('HOOK_TOKEN');
const API = { Authorization: `Bearer ${env('API_TOKEN')}` };
const GENERIC_TOKEN = env('GENERIC_TOKEN');
const N = Number(env('N', 10000));
const LIMIT = Number(env('LIMIT', 5));
const WINDOW_MS = Number(env('WINDOW_MS', 20));
const SCALE = env('SCALE', '');
const CONCURRENCY = Number(env('CONCURRENCY', 32));
const QUEUE_BOUND_MS = Number(env('QUEUE_BOUND_S', 90)) * 1000;
const CHANNEL = env('CHANNEL', 'bench-discord');
const TRACE_OUT = env('TRACE_OUT', '');
const CLK_TCK = Number(env('CLK_TCK', 100));
const PIPELINES = ['bench-a', 'bench-b', 'bench-c'];

const MIN_MS = Math.ceil(N / LIMIT) * WINDOW_MS;
// Generous: the minimum, 3x, plus a minute; the whole bench is bounded.
const DRAIN_BOUND_MS = 3 * MIN_MS + 60000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const out = (s = '') => process.stdout.write(`${s}\n`);
const log = (s) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const broken = [];
const fail = (why) => { broken.push(why); };
const die = (why) => { log(`ERROR: ${why}`); process.exitCode = 1; throw new Error(why); };

// ---- /proc ---------------------------------------------------------------------
function ticksOf(statText) {
  const f = statText.slice(statText.lastIndexOf(') ') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);  // utime + stime
}
function procTicks(pid) {
  try { return ticksOf(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return NaN; }
}
function threadTicks(pid) {  // Map tid -> {comm, ticks}
  const m = new Map();
  let tids = [];
  try { tids = fs.readdirSync(`/proc/${pid}/task`); } catch { return m; }
  for (const tid of tids) {
    try {
      const s = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      m.set(tid, { comm: s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')), ticks: ticksOf(s) });
    } catch { /* thread gone */ }
  }
  return m;
}
function boxBusy() {  // busy ticks of all CPUs
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return f[1] + f[2] + f[3] + f[6] + f[7] + f[8];
}
const alive = (pid) => {
  try { return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').slice(-200).match(/\) Z /); } catch { return false; }
};

// ---- opsdeck's API --------------------------------------------------------------
async function api(path, { timeout = 10000 } = {}) {
  const r = await fetch(OPS + path, { headers: API, signal: AbortSignal.timeout(timeout) });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}
async function countNotifications(state) {  // pages of 500 through the cursor
  let n = 0;
  let cursor = null;
  for (let pages = 0; pages < 1000; pages++) {
    const q = `/api/v1/notifications?channel=${CHANNEL}&limit=500${state ? `&state=${state}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await api(q, { timeout: 30000 });
    n += page.items.length;
    cursor = page.next;
    if (!cursor) return n;
  }
  throw new Error('too many pages');
}
async function metrics() {  // Map name{labels} -> value, opsdeck_notifications_* and opsdeck_store_*
  const r = await fetch(`${OPS}/metrics`, { headers: API, signal: AbortSignal.timeout(10000) });
  const m = new Map();
  for (const line of (await r.text()).split('\n')) {
    if (!/^opsdeck_(notifications|store)_/.test(line)) continue;
    const i = line.lastIndexOf(' ');
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}

// ---- the events ------------------------------------------------------------------
const T0 = Date.parse('2026-11-20T10:00:00Z');
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
const runUrl = (i) => `https://ci.example.com/${PIPELINES[i % 3]}/n${i}`;
function event(i) {
  const t = T0 + i * 60000;
  return JSON.stringify({
    pipeline: PIPELINES[i % 3], run_id: `n${i}`, status: i % 5 === 4 ? 'failed' : 'succeeded',
    started_at: iso(t), finished_at: iso(t + 90000), url: runUrl(i), version: `1.${i}.0`,
    commit: (i.toString(16).padStart(8, '0')).repeat(5), ref: 'main', trigger: 'push', title: `Change ${i}`,
  });
}
const nonce = `${process.pid}-${Date.now()}`;
async function post(i) {
  const body = event(i);
  let last = '';
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const r = await fetch(`${OPS}/hooks/generic`, {
        method: 'POST', body, signal: AbortSignal.timeout(15000),
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${GENERIC_TOKEN}`, 'Idempotency-Key': `bench-${nonce}-${i}` },
      });
      const text = await r.text();
      if (r.status >= 200 && r.status < 300) {
        const status = JSON.parse(text).status;
        if (status === 'accepted' || status === 'duplicate') return;
        die(`unexpected intake answer: ${text.slice(0, 200)}`);
      }
      if (r.status < 500 && r.status !== 429) die(`intake refused event ${i}: HTTP ${r.status}: ${text.slice(0, 200)}`);
      last = `HTTP ${r.status}`;
    } catch (e) {
      if (process.exitCode) throw e;
      last = e.message;
    }
    await sleep(100);
  }
  die(`event ${i} not accepted after 20 tries: ${last}`);
}

// ---- the emulator, its gate and the trace ----------------------------------------
const emu = new ChatEmulator({ discordBucket: { limit: LIMIT, windowMs: WINDOW_MS }, logLimit: 10 * N + 1000 });
const trace = [];  // per request: {arr, end, method, status, remaining, resetAfter} (performance.now() ms)
let gateOpen = false;
const held = [];
let createsDone = 0;
let lastCreateAt = 0;
let firstCreateDone = null;
// When the emulator's Discord handler runs (the body read): its bucket's clock.
const recOf = new WeakMap();
const discord = emu.discord.bind(emu);
emu.discord = (req, ...rest) => {
  const rec = recOf.get(req);
  if (rec) rec.proc = performance.now();
  return discord(req, ...rest);
};
emu.server.removeAllListeners('request');
emu.server.on('request', (req, res) => {
  const rec = { arr: performance.now(), proc: NaN, end: NaN, method: req.method, status: 0, remaining: '', resetAfter: NaN, gated: !gateOpen };
  trace.push(rec);
  recOf.set(req, rec);
  const writeHead = res.writeHead;
  res.writeHead = function (status, headers) {
    rec.status = status;
    if (headers && typeof headers === 'object') {
      rec.remaining = headers['X-RateLimit-Remaining'] ?? '';
      rec.resetAfter = Number(headers['X-RateLimit-Reset-After']) * 1000;
    }
    return writeHead.apply(this, arguments);
  };
  res.on('finish', () => {
    rec.end = performance.now();
    if (rec.method === 'POST' && rec.status === 200) {
      createsDone++;
      lastCreateAt = rec.end;
    }
  });
  if (gateOpen) emu.handle(req, res);
  else held.push([req, res]);
});
await new Promise((resolve, reject) => {
  emu.server.once('error', reject);
  emu.server.listen(EMU_PORT, '127.0.0.1', resolve);
});
emu.port = EMU_PORT;
emu.url = `http://127.0.0.1:${EMU_PORT}`;
emu.discordUrl(HOOK_ID, HOOK_TOKEN);

async function main() {
  if (!alive(OPS_PID)) die('opsdeck is not running');
  await api(`/api/v1/notifications?limit=1`);  // a build with notifications, the token works

  // ---- queue --------------------------------------------------------------------
  const q0 = performance.now();
  let next = 0;
  let posted = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < N) {
      const i = next++;
      await post(i);
      posted++;
      if (performance.now() - q0 > QUEUE_BOUND_MS) die(`queueing took over ${QUEUE_BOUND_MS / 1000} s (the held request would time out)`);
    }
  }));
  const queueMs = performance.now() - q0;
  log(`queued ${posted} events in ${(queueMs / 1000).toFixed(1)} s (${Math.round(posted / (queueMs / 1000))}/s); checking the outbox`);
  // The notice is written in the intake's transaction, so it is there once
  // the 2xx came; the dispatcher holds the oldest in a request at the gate.
  const deadline = performance.now() + 20000;
  let pending = 0;
  for (;;) {
    pending = await countNotifications('pending');
    if (pending === N && held.length === 1) break;
    if (performance.now() > deadline) die(`after queueing: ${pending} pending (want ${N}), ${held.length} requests held at the gate (want 1)`);
    await sleep(200);
  }
  const total0 = await countNotifications('');
  if (total0 !== N) die(`${total0} outbox entries for the channel, want ${N}`);
  if (trace.some((r) => !r.gated)) die('a request passed the gate before it opened');
  log(`outbox: ${pending} pending (${N - 1} waiting + 1 in flight, held at the gate); releasing`);

  // ---- drain --------------------------------------------------------------------
  const m0 = await metrics();
  const cpu0 = procTicks(OPS_PID);
  const th0 = threadTicks(OPS_PID);
  const box0 = boxBusy();
  const node0 = process.cpuUsage();
  const t0 = performance.now();
  gateOpen = true;
  // The held request counts from the release (it arrived before the clock).
  for (const r of trace) if (r.gated) r.arr = t0;
  for (const [req, res] of held.splice(0)) emu.handle(req, res);

  // Progress and the end: the emulator's count (exact, on this event loop),
  // then the outbox through the API, polled every 5 ms once every message is in.
  let lastPoll = t0;
  let emptyAt = NaN;
  for (;;) {
    const now = performance.now();
    if (now - t0 > DRAIN_BOUND_MS) die(`not drained after ${(DRAIN_BOUND_MS / 1000).toFixed(0)} s: ${createsDone}/${N} messages`);
    if (createsDone >= N) {
      const page = await api(`/api/v1/notifications?channel=${CHANNEL}&state=pending&limit=1`);
      if (page.items.length === 0) { emptyAt = performance.now(); break; }
      await sleep(5);
      continue;
    }
    if (now - lastPoll > 10000) {
      lastPoll = now;
      if (!alive(OPS_PID)) die('opsdeck died during the drain');
      log(`drain: ${createsDone}/${N} messages after ${((now - t0) / 1000).toFixed(1)} s`);
    }
    await sleep(createsDone >= N - 5 * LIMIT ? 2 : 50);
  }
  const cpu1 = procTicks(OPS_PID);
  const th1 = threadTicks(OPS_PID);
  const box1 = boxBusy();
  const node1 = process.cpuUsage(node0);
  const m1 = await metrics();
  const drainMs = emptyAt - t0;
  const lastMsgMs = lastCreateAt - t0;

  // ---- checks ---------------------------------------------------------------------
  const messages = emu.discordMessages(HOOK_ID);
  const byUrl = new Map();
  for (const m of messages) {
    const u = m.current.embeds?.[0]?.url;
    byUrl.set(u, (byUrl.get(u) ?? 0) + 1);
  }
  let lost = 0;
  for (let i = 0; i < N; i++) if (!byUrl.has(runUrl(i))) lost++;
  const dup = [...byUrl.values()].filter((c) => c > 1).length;
  const strays = [...byUrl.keys()].filter((u) => !/^https:\/\/ci\.example\.com\/bench-[abc]\/n\d+$/.test(u)).length;
  if (lost) fail(`${lost} runs have no message`);
  if (dup) fail(`${dup} runs have more than one message`);
  if (strays) fail(`${strays} messages belong to no run`);
  if (messages.length !== N) fail(`${messages.length} messages, want ${N}`);
  const s = emu.stats;
  if (s.requestsDuringRetryAfter !== 0) fail(`${s.requestsDuringRetryAfter} requests during an announced retry_after`);
  if (s.violations.length) fail(`contract violations: ${JSON.stringify(s.violations.slice(0, 3))}`);
  const sent = await countNotifications('sent');
  const failedN = await countNotifications('failed');
  const pendingN = await countNotifications('pending');
  if (sent !== N) fail(`${sent} outbox entries sent, want ${N}`);
  if (failedN) fail(`${failedN} outbox entries failed`);
  if (pendingN) fail(`${pendingN} outbox entries still pending`);
  if (!alive(OPS_PID)) fail('opsdeck died');

  // ---- where the time went: the trace at the emulator's socket ---------------------
  const drain = trace.filter((r) => !r.gated || r.status !== 0).filter((r) => Number.isFinite(r.end));
  drain.sort((a, b) => a.arr - b.arr);
  const byStatus = {};
  for (const r of drain) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const stat = (xs) => {
    if (!xs.length) return { n: 0, mean: NaN, p50: NaN, p90: NaN, p99: NaN, max: NaN, sum: 0 };
    const v = [...xs].sort((a, b) => a - b);
    const q = (p) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
    const sum = v.reduce((a, b) => a + b, 0);
    return { n: v.length, mean: sum / v.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), max: v.at(-1), sum };
  };
  // Emulator time (arrival of the request head to the last byte of the answer).
  const service = stat(drain.map((r) => r.end - r.arr));
  // opsdeck's time between an answer and its next request, by what the answer said.
  const gapsSend = [];     // the bucket had room: the whole per-send overhead
  const gapsAfterWait = []; // the bucket was empty: gap minus the announced Reset-After
  const gapsAfter429 = [];
  for (let k = 0; k + 1 < drain.length; k++) {
    const r = drain[k];
    const gap = drain[k + 1].arr - r.end;
    if (r.status === 429) gapsAfter429.push(gap);
    else if (r.remaining === '0') gapsAfterWait.push(gap - r.resetAfter);
    else gapsSend.push(gap);
  }
  // Windows: a 2xx with Remaining = LIMIT-1 opened a new window.
  const openers = drain.filter((r) => r.status >= 200 && r.status < 300 && r.remaining === String(LIMIT - 1));
  const starts = openers.map((r) => r.arr);
  const periods = [];
  const procPeriods = [];  // the same between the bucket's takes (the emulator's clock)
  const spans = [];  // first arrival to the LIMIT-th answer in a full window
  for (let k = 0; k + 1 < starts.length; k++) {
    periods.push(starts[k + 1] - starts[k]);
    procPeriods.push(openers[k + 1].proc - openers[k].proc);
  }
  const headToProc = stat(drain.map((r) => r.proc - r.arr).filter(Number.isFinite));
  for (const r of drain) {
    if (r.remaining !== '0' || r.status === 429) continue;
    const a = starts.findLast((x) => x <= r.arr);
    if (a !== undefined) spans.push(r.end - a);
  }
  const per = stat(periods);
  const span = stat(spans);
  const late = stat(periods.map((p) => p - WINDOW_MS));
  const sendG = stat(gapsSend);
  const waitG = stat(gapsAfterWait);
  const g429 = stat(gapsAfter429);

  if (TRACE_OUT) {
    const lines = ['arr_ms,end_ms,method,status,remaining,reset_after_ms'];
    for (const r of drain) lines.push([(r.arr - t0).toFixed(3), (r.end - t0).toFixed(3), r.method, r.status, r.remaining, Number.isFinite(r.resetAfter) ? r.resetAfter.toFixed(0) : ''].join(','));
    fs.writeFileSync(TRACE_OUT, `${lines.join('\n')}\n`);
  }

  // ---- report ---------------------------------------------------------------------
  const sec = (ms) => (ms / 1000).toFixed(2);
  const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const ratio = drainMs / MIN_MS;
  const opsCpu = (cpu1 - cpu0) / CLK_TCK;
  const boxCores = (box1 - box0) / CLK_TCK / (drainMs / 1000);
  const delta = (name) => {
    let d = 0;
    let any = false;
    for (const [k, v] of m1) {
      if (k === name || k.startsWith(`${name}{`)) {
        if (k.includes('channel=') && !k.includes(`"${CHANNEL}"`)) continue;
        d += v - (m0.get(k) ?? 0);
        any = true;
      }
    }
    return any ? d : NaN;
  };
  const scaleNote = SCALE ? ` (Discord's 5 per 2000 ms on a ${SCALE}x clock)` : '';
  out('');
  out(`notifications drained:   N = ${N} pipeline notices, one Discord channel, one webhook`);
  out(`bucket:                  ${LIMIT} requests per ${WINDOW_MS} ms per webhook${scaleNote}`);
  out(`minimum at that rate:    ceil(${N}/${LIMIT}) x ${WINDOW_MS} ms = ${sec(MIN_MS)} s`);
  out(`  (strictly, the last window need not run out: the floor is ${sec(MIN_MS - WINDOW_MS)} s + the last window's sends;`
    + ` measured/that floor: ${MIN_MS > WINDOW_MS ? (drainMs / (MIN_MS - WINDOW_MS)).toFixed(3) : 'n/a'})`);
  out(`measured drain:          ${sec(drainMs)} s (gate opened -> outbox empty; last message created at ${sec(lastMsgMs)} s)`);
  out(`ratio measured/minimum:  ${ratio.toFixed(3)}   goal <= 1.10: ${ratio <= 1.10 ? 'PASS' : 'MISS'}`);
  out(`sends per second:        ${f(N / (drainMs / 1000), 1)} (the rate allows ${f(LIMIT * 1000 / WINDOW_MS, 1)})`);
  out('');
  out(`requests sent:           ${drain.length} (by status ${JSON.stringify(byStatus)})`);
  out(`429s received:           ${s.rateLimited}`);
  out(`requests in retry_after: ${s.requestsDuringRetryAfter} (must be 0)`);
  out(`messages created:        ${s.discordCreates} (edits ${s.discordEdits}); distinct runs ${byUrl.size}, lost ${lost}, duplicated ${dup}`);
  out(`outbox after the drain:  ${sent} sent, ${failedN} failed, ${pendingN} pending`);
  out(`queueing (not timed):    ${N} events in ${sec(queueMs)} s, ${CONCURRENCY} at a time`);
  out('');
  out(`opsdeck CPU in the drain: ${opsCpu.toFixed(2)} s = ${f(opsCpu * 1e6 / N, 0)} us per notification, ${f(opsCpu / (drainMs / 1000), 2)} cores`);
  const threads = [];
  for (const [tid, v] of th1) {
    const d = v.ticks - (th0.get(tid)?.ticks ?? 0);
    if (d > 0) threads.push([d, `${v.comm}/${tid}`]);
  }
  threads.sort((a, b) => b[0] - a[0]);
  out(`  by thread (s):          ${threads.slice(0, 8).map(([d, n]) => `${n}=${(d / CLK_TCK).toFixed(2)}`).join(' ')}`);
  const nodeCpu = (node1.user + node1.system) / 1e6;
  const cores = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm).length;
  const others = boxCores - (opsCpu + nodeCpu) / (drainMs / 1000);
  out(`this runner (emulator + gate + polls) CPU: ${nodeCpu.toFixed(2)} s; whole box busy: ${f(boxCores)} of ${cores} cores, `
    + `${f(Math.max(0, others))} of them other processes${others > 0.5 ? ' (CONTENDED: figures are not clean)' : ''}`);
  out(`opsdeck /metrics in the drain: sent +${delta('opsdeck_notifications_sent_total')}, retries +${delta('opsdeck_notifications_retries_total')}, `
    + `rate_limited +${delta('opsdeck_notifications_rate_limited_total')}, failed +${delta('opsdeck_notifications_failed_total')}, `
    + `superseded +${delta('opsdeck_notifications_superseded_total')}; store write jobs +${delta('opsdeck_store_write_jobs_total')}, `
    + `commits +${delta('opsdeck_store_commits_total')}`);
  out('');
  out('where the time went (trace at the emulator socket, ms: mean / p50 / p90 / p99 / max):');
  const row = (name, x, note = '') => out(`  ${name.padEnd(44)} ${x.n ? `${f(x.mean, 3)} / ${f(x.p50, 3)} / ${f(x.p90, 3)} / ${f(x.p99, 3)} / ${f(x.max, 2)}` : 'none'}  (n=${x.n})${note}`);
  row('window period (window start to next)', per, `  ideal ${WINDOW_MS}`);
  row('  lateness: period - window', late, `  sum ${sec(late.sum)} s`);
  row(`  window's ${LIMIT} sends: 1st arrival to ${LIMIT}th answer`, span);
  row('  lateness at the bucket (processing to processing)', stat(procPeriods.map((p) => p - WINDOW_MS)));
  row('emulator: request head to answer sent', service);
  row('emulator: request head to bucket take (body read)', headToProc);
  row('opsdeck: answer -> next request (bucket had room)', sendG, '  = its own per-send overhead');
  row('opsdeck: answer -> next request - Reset-After', waitG, '  = late after an empty bucket');
  row('opsdeck: 429 -> next request', g429);
  const overheadPerWindow = late.n ? late.mean : NaN;
  out(`  per window: ${f(overheadPerWindow, 2)} ms over the ${WINDOW_MS} ms window = ${f(100 * overheadPerWindow / WINDOW_MS, 1)}%`
    + ` (goal needs <= ${f(WINDOW_MS * 0.1, 1)} ms); ${LIMIT} sends need ${f(span.mean, 2)} ms of the window`);

  if (broken.length) {
    out('');
    out(`BROKEN RUN: ${broken.join('; ')}`);
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (e) {
  if (!process.exitCode) log(`ERROR: ${e.stack || e.message}`);
  process.exitCode = 1;
} finally {
  await emu.close();
}
