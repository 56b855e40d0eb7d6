// Self-test of the chat emulator (chat_emulator.mjs) over real HTTP: the
// Discord webhook contract (create with wait=true, edit, get, every limit
// answered 400 with the documented error shape, 429 + rate-limit headers,
// retry_after violations counted), injected faults that change nothing,
// Slack's "ok" and its errors, the generic receiver's signature check and
// duplicate counting, and a close() that leaves no open handle.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { after, describe, it } from 'node:test';

import { FAULT_KINDS, discordLength, start } from './chat_emulator.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const JSON_HEADERS = { 'Content-Type': 'application/json', 'User-Agent': 'DiscordBot (https://example.com/opsdeck, 1.0)' };

async function call(url, { method = 'POST', body, headers = JSON_HEADERS, timeoutMs = 5000 } = {}) {
  const r = await fetch(url, {
    method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, headers: r.headers, text, json };
}

// A raw request with exactly the given headers (fetch always adds a User-Agent).
function rawRequest(url, { method = 'POST', headers = {}, body = '' } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) }, agent: false }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const emulators = [];
async function emulator(opts) {
  const e = await start(opts);
  emulators.push(e);
  return e;
}
after(async () => { for (const e of emulators) await e.close(); });

const embed = (over = {}) => ({ title: 'deploy running', url: 'https://ci.example.com/a/1', color: 0x1F6FEB, ...over });

describe('Discord webhooks', () => {
  it('creates with wait=true, edits, gets; 204 without wait; unknown ids are 404', async () => {
    const emu = await emulator({ discordBucket: { limit: 100, windowMs: 1000 } });
    const hook = emu.discordUrl();
    const webhookId = hook.split('/').at(-2);
    const created = await call(`${hook}?wait=true`, { body: { content: 'hi', embeds: [embed()] } });
    assert.equal(created.status, 200, created.text);
    const m = created.json;
    assert.equal(typeof m.id, 'string');
    assert.match(m.id, /^\d{17,20}$/);
    assert.equal(m.webhook_id, webhookId);
    assert.equal(typeof m.channel_id, 'string');
    assert.equal(m.content, 'hi');
    assert.equal(m.embeds[0].type, 'rich');
    assert.equal(m.embeds[0].title, 'deploy running');
    assert.match(m.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    assert.equal(m.edited_timestamp, null);
    assert.equal(m.type, 0);
    assert.equal(m.flags, 0);
    assert.equal(m.author.id, webhookId);
    assert.equal(m.author.bot, true);

    const edited = await call(`${hook}/messages/${m.id}`, { method: 'PATCH', body: { embeds: [embed({ title: 'deploy succeeded', color: 0x2DA44E })], username: 'ignored' } });
    assert.equal(edited.status, 200, edited.text);
    assert.equal(edited.json.id, m.id);
    assert.equal(edited.json.embeds[0].title, 'deploy succeeded');
    assert.equal(edited.json.content, 'hi');
    assert.notEqual(edited.json.edited_timestamp, null);

    const got = await call(`${hook}/messages/${m.id}`, { method: 'GET' });
    assert.equal(got.status, 200);
    assert.deepEqual(got.json, edited.json);

    const rec = emu.messages.get(webhookId).get(m.id);
    assert.deepEqual(rec.history.map((h) => h.method), ['POST', 'PATCH']);
    assert.equal(rec.current.embeds[0].color, 0x2DA44E);
    assert.equal(rec.history[0].message.embeds[0].color, 0x1F6FEB);

    // Two creates give two distinct snowflakes.
    const second = await call(`${hook}?wait=1`, { body: { content: 'again' } });
    assert.notEqual(second.json.id, m.id);

    const noWait = await call(hook, { body: { content: 'fire and forget' } });
    assert.equal(noWait.status, 204);
    assert.equal(noWait.text, '');
    assert.equal(emu.discordMessages(webhookId).length, 3);

    const unknownMsg = await call(`${hook}/messages/123456789012345678`, { method: 'PATCH', body: { content: 'x' } });
    assert.equal(unknownMsg.status, 404);
    assert.deepEqual(unknownMsg.json, { message: 'Unknown Message', code: 10008 });

    const unknownHook = await call(`${emu.url}/api/v10/webhooks/1/nope`, { body: { content: 'x' } });
    assert.equal(unknownHook.status, 404);
    assert.equal(unknownHook.json.code, 10015);
    const wrongToken = await call(`${hook.replace(/[^/]+$/, 'wrong-token')}`, { body: { content: 'x' } });
    assert.equal(wrongToken.status, 404);
    assert.equal(wrongToken.json.code, 10015);

    // Served, but counted: opsdeck must send v10.
    assert.equal(emu.stats.unversioned, 0);
    const unversioned = await call(`${hook.replace('/api/v10/', '/api/')}?wait=true`, { body: { content: 'old' } });
    assert.equal(unversioned.status, 200);
    assert.equal(emu.stats.unversioned, 1);
    assert.equal(emu.stats.discordCreates, 4);
    assert.equal(emu.stats.discordEdits, 1);

    // A User-Agent is required.
    const noUa = await rawRequest(`${hook}?wait=true`, { headers: { 'Content-Type': 'application/json' }, body: '{"content":"x"}' });
    assert.equal(noUa.status, 403);
    assert.equal(emu.stats.noUserAgent, 1);
  });

  it('answers every limit with 400 and the documented error shape', async () => {
    const emu = await emulator({ discordBucket: { limit: 1000, windowMs: 1000 } });
    const hook = `${emu.discordUrl()}?wait=true`;
    const leaf = (json, path) => path.reduce((n, k) => n?.[k], json.errors)?._errors?.[0];
    const expect400 = async (body, path, code = 'BASE_TYPE_MAX_LENGTH') => {
      const r = await call(hook, { body });
      assert.equal(r.status, 400, `${JSON.stringify(path)}: ${r.text}`);
      assert.equal(r.json.code, 50035);
      assert.equal(r.json.message, 'Invalid Form Body');
      const l = leaf(r.json, path);
      assert.ok(l, `no error at ${path.join('.')}: ${r.text}`);
      assert.equal(l.code, code);
      assert.equal(typeof l.message, 'string');
      assert.equal(r.headers.get('x-ratelimit-limit'), '1000', 'rate-limit headers on every answer');
    };
    const expectOk = async (body) => {
      const r = await call(hook, { body });
      assert.equal(r.status, 200, r.text);
    };
    const x = (n, ch = 'a') => ch.repeat(n);
    const emoji = (n) => '🚀'.repeat(n);  // one code point, two UTF-16 units, four UTF-8 bytes

    await expectOk({ content: x(2000) });
    await expect400({ content: x(2001) }, ['content']);
    // Code points after trimming whitespace, not bytes or UTF-16 units.
    await expectOk({ content: `  ${emoji(2000)}\n ` });
    assert.equal(discordLength(`  ${emoji(3)} `), 3);

    await expectOk({ embeds: Array.from({ length: 10 }, (_, i) => embed({ url: `https://ci.example.com/a/${i}` })) });
    await expect400({ embeds: Array.from({ length: 11 }, () => embed()) }, ['embeds']);
    await expectOk({ embeds: [embed({ title: emoji(256) })] });
    await expect400({ embeds: [embed({ title: emoji(257) })] }, ['embeds', '0', 'title']);
    await expect400({ embeds: [embed({ description: x(4097) })] }, ['embeds', '0', 'description']);
    await expectOk({ embeds: [embed({ description: x(4096) })] });
    const field = (i) => ({ name: `f${i}`, value: 'v', inline: true });
    await expectOk({ embeds: [embed({ fields: Array.from({ length: 25 }, (_, i) => field(i)) })] });
    await expect400({ embeds: [embed({ fields: Array.from({ length: 26 }, (_, i) => field(i)) })] }, ['embeds', '0', 'fields']);
    await expect400({ embeds: [embed({ fields: [{ name: x(257), value: 'v' }] })] }, ['embeds', '0', 'fields', '0', 'name']);
    await expect400({ embeds: [embed({ fields: [field(0), { name: 'n', value: x(1025) }] })] }, ['embeds', '0', 'fields', '1', 'value']);
    await expect400({ embeds: [embed({ fields: [{ name: '   ', value: 'v' }] })] }, ['embeds', '0', 'fields', '0', 'name'], 'BASE_TYPE_REQUIRED');
    await expect400({ embeds: [embed({ fields: [{ name: 'n', value: '' }] })] }, ['embeds', '0', 'fields', '0', 'value'], 'BASE_TYPE_REQUIRED');
    await expect400({ embeds: [embed({ fields: [{ name: 'n' }] })] }, ['embeds', '0', 'fields', '0', 'value'], 'BASE_TYPE_REQUIRED');
    await expect400({ embeds: [embed({ footer: { text: x(2049) } })] }, ['embeds', '0', 'footer', 'text']);
    await expectOk({ embeds: [embed({ footer: { text: x(2048) } })] });
    await expect400({ embeds: [embed({ author: { name: x(257) } })] }, ['embeds', '0', 'author', 'name']);
    // The 6000 total across embeds: two embeds of 3001 each, each within its own limits.
    const big = (i) => embed({ title: '', url: `https://ci.example.com/b/${i}`, description: x(3001) });
    await expect400({ embeds: [big(0), big(1)] }, ['embeds'], 'MAX_EMBED_SIZE_EXCEEDED');
    await expectOk({ embeds: [embed({ title: x(200), description: x(4000), fields: [{ name: x(200), value: x(1000) }], footer: { text: x(300) }, author: { name: x(250) } })] });
    await expect400({ embeds: [embed({ url: 'ftp://ci.example.com/x' })] }, ['embeds', '0', 'url'], 'URL_TYPE_INVALID_URL');
    await expect400({ embeds: [embed({ color: 0x1000000 })] }, ['embeds', '0', 'color'], 'NUMBER_TYPE_MAX');
    await expect400({ embeds: [embed({ title: 5 })] }, ['embeds', '0', 'title'], 'BASE_TYPE_STRING');
    const limitViolations = emu.stats.limitViolations;
    assert.equal(limitViolations, 16);

    // The same limits on edit.
    const created = await call(hook, { body: { embeds: [embed()] } });
    const edit = await call(`${hook.replace('?wait=true', '')}/messages/${created.json.id}`, { method: 'PATCH', body: { embeds: [embed({ title: x(257) })] } });
    assert.equal(edit.status, 400);
    assert.ok(leaf(edit.json, ['embeds', '0', 'title']));
    const emptied = await call(`${hook.replace('?wait=true', '')}/messages/${created.json.id}`, { method: 'PATCH', body: { embeds: [] } });
    assert.equal(emptied.status, 400);
    assert.equal(emptied.json.code, 50006);

    // Empty message, wrong Content-Type, invalid JSON, invalid UTF-8.
    for (const body of [{}, { content: '   ' }, { embeds: [] }]) {
      const r = await call(hook, { body });
      assert.equal(r.status, 400);
      assert.deepEqual(r.json, { code: 50006, message: 'Cannot send an empty message' });
    }
    const ct = await call(hook, { body: '{"content":"x"}', headers: { ...JSON_HEADERS, 'Content-Type': 'text/plain' } });
    assert.equal(ct.status, 400);
    assert.equal(ct.json.code, 50035);
    assert.equal(ct.json.message, 'Invalid Form Body');
    assert.equal(emu.stats.badContentType, 1);
    const bad = await call(hook, { body: '{"content": "x"' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.code, 50109);
    const badUtf8 = await fetch(hook, { method: 'POST', headers: JSON_HEADERS, body: Buffer.from([0x7B, 0x22, 0x63, 0x22, 0x3A, 0x22, 0xC3, 0x22, 0x7D]) });
    assert.equal(badUtf8.status, 400);
    assert.equal((await badUtf8.json()).code, 50109);
    assert.equal(emu.stats.badJson, 2);
    assert.ok(emu.stats.violations.length > 0);
    assert.ok(emu.stats.violations.every((v) => !v.path.includes(hook.split('/').at(-1).split('?')[0])), 'violations never show the token');
  });

  it('answers 429 with headers once the bucket is spent, and counts requests during retry_after', async () => {
    const emu = await emulator({ discordBucket: { limit: 3, windowMs: 400 } });
    const hook = `${emu.discordUrl()}?wait=true`;
    const t0 = Date.now();
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      const r = await call(hook, { body: { content: `m${i}` } });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-ratelimit-limit'), '3');
      remaining.push(r.headers.get('x-ratelimit-remaining'));
      assert.match(r.headers.get('x-ratelimit-reset'), /^\d+\.\d+$/);
      assert.ok(Math.abs(Number(r.headers.get('x-ratelimit-reset')) * 1000 - (t0 + 400)) < 100);
      assert.match(r.headers.get('x-ratelimit-reset-after'), /^\d+\.\d+$/);
      assert.ok(Number(r.headers.get('x-ratelimit-reset-after')) <= 0.4);
      assert.match(r.headers.get('x-ratelimit-bucket'), /^[0-9a-f]+$/);
    }
    assert.deepEqual(remaining, ['2', '1', '0']);
    const limited = await call(hook, { body: { content: 'too many' } });
    assert.equal(limited.status, 429);
    assert.equal(limited.json.message, 'You are being rate limited.');
    assert.equal(limited.json.global, false);
    assert.equal(typeof limited.json.retry_after, 'number');
    assert.ok(limited.json.retry_after > 0 && limited.json.retry_after <= 0.4, String(limited.json.retry_after));
    assert.equal(limited.headers.get('retry-after'), String(Math.ceil(limited.json.retry_after)));
    assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
    assert.ok(limited.headers.get('x-ratelimit-bucket'));
    assert.equal(emu.stats.rateLimited, 1);
    assert.equal(emu.stats.requestsDuringRetryAfter, 0);

    // Not waiting: counted (and refused again).
    const early = await call(hook, { body: { content: 'early' } });
    assert.equal(early.status, 429);
    assert.equal(emu.stats.requestsDuringRetryAfter, 1);

    // Waiting retry_after: served, not counted.
    await sleep(early.json.retry_after * 1000 + 5);
    const later = await call(hook, { body: { content: 'later' } });
    assert.equal(later.status, 200, later.text);
    assert.equal(later.headers.get('x-ratelimit-remaining'), '2');
    assert.equal(emu.stats.requestsDuringRetryAfter, 1);
    // Another webhook has its own bucket.
    const other = await call(`${emu.discordUrl()}?wait=true`, { body: { content: 'x' } });
    assert.equal(other.status, 200);
    assert.equal(emu.discordMessages().length, 5);
  });
});

describe('fault injection', () => {
  it('makes faulted requests change nothing: 500, 502, drop, hang, 429', async () => {
    const emu = await emulator({ discordBucket: { limit: 100, windowMs: 1000 } });
    const hook = emu.discordUrl();
    const webhookId = hook.split('/').at(-2);
    const created = await call(`${hook}?wait=true`, { body: { content: 'before' } });
    const mid = created.json.id;
    const slack = emu.slackUrl();
    const gen = emu.genericUrl('plain');
    const snapshot = () => JSON.stringify([emu.discordMessages(), [...emu.slack.values()], [...emu.deliveries.values()]]);
    const before = snapshot();

    const attempts = async () => {
      const results = [];
      results.push(await call(`${hook}?wait=true`, { body: { content: 'new' }, timeoutMs: 300 }).catch((e) => e));
      results.push(await call(`${hook}/messages/${mid}`, { method: 'PATCH', body: { content: 'edited' }, timeoutMs: 300 }).catch((e) => e));
      results.push(await call(slack, { body: { text: 'hello' }, timeoutMs: 300 }).catch((e) => e));
      results.push(await call(gen, { body: { a: 1 }, headers: { 'Content-Type': 'application/json', 'X-Opsdeck-Delivery': 'd-1' }, timeoutMs: 300 }).catch((e) => e));
      return results;
    };

    emu.setFaults(1, ['500']);
    for (const r of await attempts()) assert.equal(r.status, 500);
    emu.setFaults(1, ['502']);
    for (const r of await attempts()) assert.equal(r.status, 502);
    emu.setFaults(1, ['drop']);
    for (const r of await attempts()) assert.ok(r instanceof Error, `dropped, got ${r.status}`);

    emu.setFaults(1, ['hang']);
    const since = Date.now();
    const seen = emu.waitForHang(2000, { kind: 'discord', since });
    const pending = call(`${hook}?wait=true`, { body: { content: 'hung' }, timeoutMs: 400 }).catch((e) => e);
    const h = await seen;
    assert.equal(h.kind, 'discord');
    assert.equal(emu.inFlightHangs(), 1);
    assert.equal(emu.inFlightHangs('discord'), 1);
    assert.equal(emu.inFlightHangs('slack'), 0);
    assert.ok((await pending) instanceof Error);  // the client gave up
    for (let i = 0; i < 50 && emu.inFlightHangs() > 0; i++) await sleep(10);
    assert.equal(emu.inFlightHangs(), 0);
    for (const r of await attempts()) assert.ok(r instanceof Error, 'hung requests time out');
    for (let i = 0; i < 50 && emu.inFlightHangs() > 0; i++) await sleep(10);
    await assert.rejects(emu.waitForHang(50, { kind: 'slack' }), /no hung slack request/);

    emu.setFaults(1, ['429']);
    const t429 = Date.now();
    const limited = await call(`${hook}?wait=true`, { body: { content: 'x' } });
    assert.equal(limited.status, 429);
    assert.ok(limited.json.retry_after > 0 && limited.json.retry_after < 0.2, String(limited.json.retry_after));
    assert.equal(limited.headers.get('retry-after'), '1');
    // The emulator records "blocked until" = answer time + retry_after.
    const blocked = emu.blockedUntil.get(`discord:${webhookId}`);
    assert.ok(blocked >= t429 + limited.json.retry_after * 1000 && blocked <= Date.now() + limited.json.retry_after * 1000, String(blocked - t429));
    const slackLimited = await call(slack, { body: { text: 'x' } });
    assert.equal(slackLimited.status, 429);
    assert.equal(slackLimited.headers.get('retry-after'), '1');

    emu.setFaults(0);
    assert.equal(snapshot(), before, 'no faulted request changed anything');
    assert.equal(emu.stats.discordCreates, 1);
    assert.equal(emu.stats.discordEdits, 0);
    assert.equal(emu.stats.faults.total, emu.stats.faults[500] + emu.stats.faults[502] + emu.stats.faults.drop + emu.stats.faults.hang + emu.stats.faults[429]);
    assert.equal(emu.stats.faults[500], 4);
    assert.equal(emu.stats.faults.drop, 4);
    assert.equal(emu.stats.faults.hang, 5);

    // Right after the injected 429 a request is a violation even if served.
    const r = await call(`${hook}?wait=true`, { body: { content: 'served' } });
    assert.equal(r.status, 200);
    assert.ok(emu.stats.requestsDuringRetryAfter >= 1);
  });

  it('is deterministic for a seed and near the configured fraction', async () => {
    const run = async (seed) => {
      const emu = await emulator({ faults: { p: 0.3, kinds: ['500', '502', '429'] }, seed, discordBucket: { limit: 1000, windowMs: 1000 } });
      const hook = `${emu.discordUrl('111111111111111111', 'tok')}?wait=true`;
      for (let i = 0; i < 200; i++) await call(hook, { body: { content: `m${i}` } });
      await emu.close();
      return emu;
    };
    const a = await run(42);
    const b = await run(42);
    const c = await run(43);
    assert.deepEqual(a.faultLog, b.faultLog);
    assert.notDeepEqual(a.faultLog, c.faultLog);
    assert.ok(a.stats.faults.total > 30 && a.stats.faults.total < 90, String(a.stats.faults.total));
    assert.equal(a.discordMessages().length, 200 - a.stats.faults.total);
    assert.deepEqual(FAULT_KINDS, ['500', '502', 'drop', 'hang', '429']);
  });

  it('takes weights per kind and caps the faults in a row for the same request', async () => {
    const emu = await emulator({ faults: { p: 1, kinds: { 500: 3, 502: 1, hang: 0 }, maxStreak: 2 }, discordBucket: { limit: 1000, windowMs: 1000 } });
    const hook = `${emu.discordUrl()}?wait=true`;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(hook, { body: { content: 'same' } })).status);
    assert.deepEqual(statuses.map((s) => s >= 500), [true, true, false]);
    assert.equal(statuses[2], 200);
    // Another body is another request; the streak of the first starts again after its success.
    assert.ok((await call(hook, { body: { content: 'other' } })).status >= 500);
    assert.ok((await call(hook, { body: { content: 'same' } })).status >= 500);
    for (let i = 0; i < 40; i++) await call(hook, { body: { content: `m${i}` } });
    assert.equal(emu.stats.faults.hang, 0);
    assert.ok(emu.stats.faults[500] > emu.stats.faults[502], JSON.stringify(emu.stats.faults));
    assert.throws(() => emu.setFaults(0.5, ['timeout']), /unknown fault kind/);
  });
});

describe('Slack incoming webhooks', () => {
  it('answers ok, invalid_payload, no_text, no_service and 429 with Retry-After', async () => {
    const emu = await emulator({ slackBucket: { limit: 2, windowMs: 300 } });
    const url = emu.slackUrl('T01', 'B02', 'xyz');
    assert.equal(url, `${emu.url}/services/T01/B02/xyz`);
    let r = await call(url, { body: { text: 'deploy failed' } });
    assert.equal(r.status, 200);
    assert.equal(r.text, 'ok');
    assert.match(r.headers.get('content-type'), /^text\/plain/);
    r = await call(url, { body: { blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*x*' } }] } });
    assert.equal(r.text, 'ok');
    r = await call(url, { body: { text: 'third' } });
    assert.equal(r.status, 429);
    assert.match(r.headers.get('retry-after'), /^\d+$/);
    assert.equal(emu.stats.requestsDuringRetryAfter, 0);
    r = await call(url, { body: { text: 'too early' } });
    assert.equal(r.status, 429);
    assert.equal(emu.stats.requestsDuringRetryAfter, 1);
    assert.equal(emu.slack.get('T01/B02/xyz').length, 2);

    const errors = await emulator({ slackBucket: { limit: 100, windowMs: 1000 } });
    const other = errors.slackUrl();
    r = await call(other, { body: '{"text": ' });
    assert.equal(r.status, 400);
    assert.equal(r.text, 'invalid_payload');
    r = await call(other, { body: { text: '  ' } });
    assert.equal(r.status, 400);
    assert.equal(r.text, 'no_text');
    r = await call(other, { body: { attachments: [] } });
    assert.equal(r.text, 'no_text');
    r = await call(`${errors.url}/services/T0/B0/unknown`, { body: { text: 'x' } });
    assert.equal(r.status, 404);
    assert.equal(r.text, 'no_service');
    assert.equal(errors.slack.get(other.split('/services/')[1]).length, 0);
  });
});

describe('generic webhook receiver', () => {
  it('verifies X-Opsdeck-Signature, records deliveries and counts duplicates', async () => {
    const secret = 'it-secret-hook-Yt6';
    const emu = await emulator({ secrets: { signed: secret } });
    const url = emu.genericUrl('signed');
    const sign = (raw) => `sha256=${crypto.createHmac('sha256', secret).update(raw).digest('hex')}`;
    const post = (raw, headers) => call(url, { body: raw, headers: { 'Content-Type': 'application/json', ...headers } });

    const raw = JSON.stringify({ kind: 'pipeline.failed', subject: 'run:1', text: 'ünïcödé 🚀' });
    let r = await post(raw, { 'X-Opsdeck-Signature': sign(raw), 'X-Opsdeck-Delivery': 'd-1' });
    assert.equal(r.status, 204);
    const [d] = emu.deliveries.get('signed');
    assert.equal(d.raw, raw);
    assert.equal(d.deliveryId, 'd-1');
    assert.equal(d.body.subject, 'run:1');
    assert.equal(d.headers['x-opsdeck-signature'], sign(raw));

    r = await post(raw, { 'X-Opsdeck-Signature': sign(`${raw} `), 'X-Opsdeck-Delivery': 'd-2' });
    assert.equal(r.status, 401);
    r = await post(raw, { 'X-Opsdeck-Delivery': 'd-3' });
    assert.equal(r.status, 401);
    r = await post(raw, { 'X-Opsdeck-Signature': sign(raw).toUpperCase(), 'X-Opsdeck-Delivery': 'd-4' });
    assert.equal(r.status, 401);
    assert.equal(emu.stats.sigFailures, 3);

    // A redelivery with the same id is acknowledged, counted, not recorded again.
    r = await post(raw, { 'X-Opsdeck-Signature': sign(raw), 'X-Opsdeck-Delivery': 'd-1' });
    assert.equal(r.status, 204);
    assert.equal(emu.stats.duplicateDeliveries, 1);
    assert.equal(emu.deliveries.get('signed').length, 1);

    // No secret configured for the name: no check.
    const open = emu.genericUrl('open');
    r = await call(open, { body: { a: 1 }, headers: { 'Content-Type': 'application/json', 'X-Opsdeck-Delivery': 'o-1' } });
    assert.equal(r.status, 204);
    assert.equal(emu.deliveries.get('open').length, 1);
    // The same delivery id on another receiver is not a duplicate.
    r = await call(open, { body: { a: 1 }, headers: { 'Content-Type': 'application/json', 'X-Opsdeck-Delivery': 'd-1' } });
    assert.equal(emu.stats.duplicateDeliveries, 1);
    r = await call(open, { body: { a: 1 }, headers: { 'Content-Type': 'application/json' } });
    assert.equal(emu.stats.missingDeliveryId, 1);
  });
});

describe('close()', () => {
  it('destroys every socket it holds, hung ones too, and stops listening', async () => {
    const emu = await start({ faults: { p: 1, kinds: ['hang'] } });
    const hook = emu.discordUrl();
    const hung = rawRequest(`${hook}?wait=true`, { headers: { 'Content-Type': 'application/json', 'User-Agent': 'x' }, body: '{"content":"x"}' })
      .then(() => 'answered', (e) => e.code || 'error');
    await emu.waitForHang(2000, { since: 0 });
    const waiting = emu.waitForHang(60000, { kind: 'slack' }).catch((e) => e);
    await emu.close();
    assert.equal(await hung, 'ECONNRESET');
    assert.match((await waiting).message, /emulator closed/);
    await assert.rejects(fetch(`${emu.url}/`, { signal: AbortSignal.timeout(1000) }));
    await emu.close();  // twice is fine
    const servers = process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap');
    assert.equal(servers.length, emulators.filter((e) => !e.closed).length, 'no listening socket of a closed emulator remains');
  });
});
