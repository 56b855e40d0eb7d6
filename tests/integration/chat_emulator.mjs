// A loopback emulator of the chat services opsdeck notifies, for integration
// tests: Discord webhooks, Slack incoming webhooks and a generic webhook
// receiver on one node:http server (127.0.0.1, port 0). It enforces the
// contracts in /work/shared/CONTRACTS.md sections 1 and 2 (endpoints, body
// limits, error shapes, rate-limit headers and 429s) and injects faults
// deterministically (seeded): 500, 502, a dropped connection, a hang, or a
// 429 with a small retry_after. A faulted request has no effect on state.
//
//   const emu = await start({
//     faults: 0.3,                       // or {p, kinds: [...] | {500: 4, hang: 1, ...}, maxStreak}
//     seed: 7,
//     discordBucket: {limit: 5, windowMs: 2000},   // per webhook (Discord's shape by default)
//     slackBucket: {limit: 3, windowMs: 3000},     // per Slack URL
//     secrets: {ops: 'hmac key'},                  // generic receivers that verify signatures
//   });
//   emu.discordUrl(id?, token?)  registers a webhook, returns its /api/v10 URL
//   emu.slackUrl(t?, b?, x?)     registers a Slack URL;  emu.genericUrl(name, secret?)
//   emu.messages                 Map webhook id -> Map message id -> {id, webhookId, history: [{method, at, body, message}], current}
//   emu.discordMessages(id?)     the same, flat;  emu.slack: Map "T/B/X" -> [{id, at, body, headers}]
//   emu.deliveries               Map receiver name -> [{at, deliveryId, headers, raw, body}]
//   emu.stats                    {requests, byStatus, faults, rateLimited, requestsDuringRetryAfter,
//                                 unversioned, noUserAgent, badContentType, badJson, limitViolations,
//                                 sigFailures, duplicateDeliveries, missingDeliveryId, abandoned,
//                                 discordCreates, discordEdits, violations}
//   emu.inFlightHangs(kind?)     hung requests open now;  emu.waitForHang(ms, {kind, since})
//   emu.setFaults(p, kinds?);  emu.log (every request);  await emu.close()  (destroys every socket)
//
// Counted contract violations (stats): requests that arrive for a webhook
// while a retry_after the emulator announced for it is still running
// (requestsDuringRetryAfter), an unversioned or non-v10 Discord path
// (unversioned, still served), a Discord request without User-Agent
// (noUserAgent, answered 403 as Cloudflare may), Discord bodies over a
// documented limit or empty (limitViolations, answered 400 50035/50006),
// generic deliveries with a bad or missing signature (sigFailures, 401) or an
// X-Opsdeck-Delivery seen before (duplicateDeliveries, answered 204 and not
// recorded again).
import crypto from 'node:crypto';
import http from 'node:http';

export const FAULT_KINDS = ['500', '502', 'drop', 'hang', '429'];
const DISCORD_EPOCH = 1420070400000n;
const MAX_BODY = 8 * 1024 * 1024;

// Deterministic PRNG (mulberry32): the same seed gives the same fault
// sequence for the same order of arrivals.
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters as Discord counts them here: Unicode code points after trimming
// leading and trailing whitespace (CONTRACTS.md §1, "Embed limits").
export const discordLength = (s) => [...String(s).trim()].length;

// Discord's timestamp format: 2026-03-10T14:41:41.902000+00:00
const discordTime = (ms) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// A fixed-window bucket: `limit` requests per `windowMs`, the window starting
// at the first request after the previous one ended (Discord's shape).
class Bucket {
  constructor(limit, windowMs) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.start = -Infinity;
    this.used = 0;
  }

  roll(now) {
    if (now >= this.start + this.windowMs) {
      this.start = now;
      this.used = 0;
    }
  }

  // {ok, remaining, resetAt}; a refused take does not consume.
  take(now) {
    this.roll(now);
    if (this.used >= this.limit) return { ok: false, remaining: 0, resetAt: this.start + this.windowMs };
    this.used++;
    return { ok: true, remaining: this.limit - this.used, resetAt: this.start + this.windowMs };
  }

  peek(now) {
    this.roll(now);
    return { ok: this.used < this.limit, remaining: Math.max(0, this.limit - this.used), resetAt: this.start + this.windowMs };
  }
}

// The `errors` tree of a 50035 answer: the JSON path with array indexes as
// string keys, leaves {"_errors":[{code, message}]}.
class FormErrors {
  constructor() {
    this.tree = {};
    this.count = 0;
  }

  add(path, code, message) {
    let node = this.tree;
    for (const key of path) node = node[String(key)] ??= {};
    (node._errors ??= []).push({ code, message });
    this.count++;
  }
}

function checkText(errs, path, value, max, { required = false } = {}) {
  if (value === undefined || value === null) {
    if (required) errs.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return 0;
  }
  if (typeof value !== 'string') {
    errs.add(path, 'BASE_TYPE_STRING', 'Could not interpret value as string.');
    return 0;
  }
  const n = discordLength(value);
  if (required && n === 0) errs.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
  if (n > max) errs.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  return n;
}

function checkUrl(errs, path, value) {
  if (value === undefined || value === null) return;
  let ok = typeof value === 'string';
  if (ok) {
    try {
      const u = new URL(value);
      ok = u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'attachment:';
    } catch { ok = false; }
  }
  if (!ok) errs.add(path, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
}

// Every documented limit of an execute or edit body (CONTRACTS.md §1).
// Returns a FormErrors (count 0 when the body is valid).
export function validateDiscordBody(body) {
  const errs = new FormErrors();
  checkText(errs, ['content'], body.content, 2000);
  if (body.username !== undefined && body.username !== null) {
    const n = checkText(errs, ['username'], body.username, 80);
    if (typeof body.username === 'string' && n < 1) errs.add(['username'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 80 in length.');
  }
  checkUrl(errs, ['avatar_url'], body.avatar_url);
  if (body.flags !== undefined && body.flags !== null && !Number.isInteger(body.flags)) {
    errs.add(['flags'], 'NUMBER_TYPE_COERCE', 'Value is not int.');
  }
  if (body.allowed_mentions !== undefined && body.allowed_mentions !== null && !isObject(body.allowed_mentions)) {
    errs.add(['allowed_mentions'], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
  }
  if (body.embeds !== undefined && body.embeds !== null) {
    if (!Array.isArray(body.embeds)) {
      errs.add(['embeds'], 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
      return errs;
    }
    if (body.embeds.length > 10) errs.add(['embeds'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
    let total = 0;
    body.embeds.forEach((e, i) => {
      const p = ['embeds', i];
      if (!isObject(e)) {
        errs.add(p, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
        return;
      }
      total += checkText(errs, [...p, 'title'], e.title, 256);
      total += checkText(errs, [...p, 'description'], e.description, 4096);
      checkUrl(errs, [...p, 'url'], e.url);
      if (e.color !== undefined && e.color !== null) {
        if (!Number.isInteger(e.color)) errs.add([...p, 'color'], 'NUMBER_TYPE_COERCE', 'Value is not int.');
        else if (e.color < 0 || e.color > 0xFFFFFF) errs.add([...p, 'color'], 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 16777215.');
      }
      if (e.timestamp !== undefined && e.timestamp !== null
          && (typeof e.timestamp !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(e.timestamp) || Number.isNaN(Date.parse(e.timestamp)))) {
        errs.add([...p, 'timestamp'], 'DATE_TYPE_PARSE', 'Could not parse timestamp. Should be ISO8601.');
      }
      if (e.footer !== undefined && e.footer !== null) {
        if (!isObject(e.footer)) errs.add([...p, 'footer'], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
        else {
          total += checkText(errs, [...p, 'footer', 'text'], e.footer.text, 2048, { required: true });
          checkUrl(errs, [...p, 'footer', 'icon_url'], e.footer.icon_url);
        }
      }
      if (e.author !== undefined && e.author !== null) {
        if (!isObject(e.author)) errs.add([...p, 'author'], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
        else {
          total += checkText(errs, [...p, 'author', 'name'], e.author.name, 256, { required: true });
          checkUrl(errs, [...p, 'author', 'url'], e.author.url);
          checkUrl(errs, [...p, 'author', 'icon_url'], e.author.icon_url);
        }
      }
      for (const media of ['image', 'thumbnail']) {
        if (e[media] === undefined || e[media] === null) continue;
        if (!isObject(e[media])) errs.add([...p, media], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
        else checkUrl(errs, [...p, media, 'url'], e[media].url);
      }
      if (e.fields !== undefined && e.fields !== null) {
        if (!Array.isArray(e.fields)) {
          errs.add([...p, 'fields'], 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
        } else {
          if (e.fields.length > 25) errs.add([...p, 'fields'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
          e.fields.forEach((f, j) => {
            const fp = [...p, 'fields', j];
            if (!isObject(f)) {
              errs.add(fp, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
              return;
            }
            total += checkText(errs, [...fp, 'name'], f.name, 256, { required: true });
            total += checkText(errs, [...fp, 'value'], f.value, 1024, { required: true });
            if (f.inline !== undefined && f.inline !== null && typeof f.inline !== 'boolean') {
              errs.add([...fp, 'inline'], 'BASE_TYPE_BOOLEAN', 'Must be either true or false.');
            }
          });
        }
      }
    });
    if (total > 6000) errs.add(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
  }
  return errs;
}

const hasContent = (m) => typeof m.content === 'string' && m.content.trim() !== '';
const hasEmbeds = (m) => Array.isArray(m.embeds) && m.embeds.length > 0;
const hasOther = (m) => (Array.isArray(m.components) && m.components.length > 0) || m.poll || m.file
  || (Array.isArray(m.attachments) && m.attachments.length > 0);

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

function decodeJson(buf) {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: e.message };
  }
}

export class ChatEmulator {
  constructor({
    faults = 0, seed = 1, discordBucket = { limit: 5, windowMs: 2000 },
    slackBucket = { limit: 3, windowMs: 3000 }, secrets = {}, logLimit = 100000,
  } = {}) {
    const f = typeof faults === 'number' ? { p: faults } : faults;
    this.rand = prng(seed);
    this.setFaults(f.p ?? 0, f.kinds ?? FAULT_KINDS);
    // At most this many faults in a row for the same request (method, path
    // and body bytes: a client's retry of it), so that a test's drain time
    // stays bounded by the client's backoff for that many failures.
    this.maxFaultStreak = f.maxStreak ?? Infinity;
    this.streaks = new Map();
    this.discordBucket = discordBucket;
    this.slackBucket = slackBucket;
    this.secrets = { ...secrets };
    this.logLimit = logLimit;

    this.webhooks = new Map();      // discord webhook id -> {id, token, name, channelId, guildId}
    this.messages = new Map();      // discord webhook id -> Map(message id -> {id, webhookId, history, current})
    this.slackHooks = new Set();    // "T/B/X"
    this.slack = new Map();         // "T/B/X" -> [{id, at, body, headers}]
    this.deliveries = new Map();    // generic name -> [{at, deliveryId, headers, raw, body}]
    this.duplicates = [];           // generic deliveries whose X-Opsdeck-Delivery was seen before
    this.seenDeliveries = new Set();
    this.buckets = new Map();       // rate key -> Bucket
    this.blockedUntil = new Map();  // rate key -> epoch ms until which a retry_after we announced runs
    this.hangs = new Set();         // {kind, key, at, socket}
    this.hangWaiters = new Set();
    this.sockets = new Set();
    this.log = [];                  // {at, method, path, kind, key, outcome}
    this.faultLog = [];             // the fault kind ('' for none) of every request, in the order their bodies completed
    this.snowflakeSeq = 0n;
    this.slackSeq = 0;
    this.closed = false;
    this.stats = {
      requests: 0,
      byStatus: {},
      faults: { total: 0, 500: 0, 502: 0, drop: 0, hang: 0, 429: 0 },
      rateLimited: 0,                // real bucket 429s (not injected)
      requestsDuringRetryAfter: 0,
      requestsDuringRetryAfterByKey: {},
      unversioned: 0,
      noUserAgent: 0,
      badContentType: 0,
      badJson: 0,
      limitViolations: 0,
      sigFailures: 0,
      duplicateDeliveries: 0,
      missingDeliveryId: 0,
      abandoned: 0,                  // requests whose client left before they were processed
      discordCreates: 0,
      discordEdits: 0,
      violations: [],                // first 100: {at, path, what}
    };
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
    this.server.requestTimeout = 0;  // hung requests are held until the client gives up or close()
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async listen() {
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.port = this.server.address().port;
    this.url = `http://127.0.0.1:${this.port}`;
    return this;
  }

  // ---- configuration ------------------------------------------------------

  snowflake() {
    const v = ((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | (this.snowflakeSeq++ & 0x3FFFFFn);
    return v.toString();
  }

  // Registers a Discord webhook and returns its v10 execute URL.
  discordUrl(id = this.snowflake(), token = crypto.randomBytes(34).toString('base64url'), { name = 'opsdeck-it' } = {}) {
    id = String(id);
    this.webhooks.set(id, { id, token, name, channelId: this.snowflake(), guildId: this.snowflake() });
    if (!this.messages.has(id)) this.messages.set(id, new Map());
    return `${this.url}/api/v10/webhooks/${id}/${token}`;
  }

  // The webhook was deleted on Discord: from now on 404 10015.
  removeDiscordWebhook(id) { this.webhooks.delete(String(id)); }

  // Registers a Slack incoming webhook and returns its URL.
  slackUrl(t = 'T0001', b = 'B0001', x = crypto.randomBytes(12).toString('hex')) {
    const key = `${t}/${b}/${x}`;
    this.slackHooks.add(key);
    if (!this.slack.has(key)) this.slack.set(key, []);
    return `${this.url}/services/${key}`;
  }

  // The generic receiver's URL for `name`; a `secret` makes it verify
  // X-Opsdeck-Signature (also settable at start({secrets})).
  genericUrl(name, secret) {
    if (secret !== undefined) this.secrets[name] = secret;
    if (!this.deliveries.has(name)) this.deliveries.set(name, []);
    return `${this.url}/generic/${encodeURIComponent(name)}`;
  }

  // A fraction `p` of requests is faulted; `kinds` is a list of FAULT_KINDS
  // (equally likely) or an object of weights, e.g. {500: 4, hang: 4, 429: 1}.
  setFaults(p, kinds = this.faultKinds) {
    const weights = Array.isArray(kinds) ? Object.fromEntries(kinds.map((k) => [k, 1])) : { ...kinds };
    for (const k of Object.keys(weights)) if (!FAULT_KINDS.includes(k)) throw new Error(`unknown fault kind ${k}`);
    this.faultP = p;
    this.faultKinds = kinds;
    this.faultTable = Object.entries(weights).filter(([, w]) => w > 0);
    this.faultTotal = this.faultTable.reduce((a, [, w]) => a + w, 0);
  }

  pickFault() {
    let x = this.rand() * this.faultTotal;
    for (const [k, w] of this.faultTable) {
      if (x < w) return k;
      x -= w;
    }
    return this.faultTable.at(-1)[0];
  }

  // Every Discord message, flat: [{id, webhookId, history, current}].
  discordMessages(webhookId) {
    const maps = webhookId === undefined ? [...this.messages.values()] : [this.messages.get(String(webhookId)) ?? new Map()];
    return maps.flatMap((m) => [...m.values()]);
  }

  // Requests whose path contains `part` (e.g. a webhook id), from the log.
  requestsFor(part) { return this.log.filter((l) => l.path.includes(part)); }

  // ---- hangs ----------------------------------------------------------------

  // Hung requests open now (of `kind`: discord | slack | generic, or all;
  // that arrived at or after `since`, if given).
  inFlightHangs(kind, { since = -Infinity } = {}) {
    let n = 0;
    for (const h of this.hangs) if ((!kind || h.kind === kind) && h.at >= since) n++;
    return n;
  }

  // Resolves with {kind, key, at} when a hung request (of `kind`, if given)
  // that arrived at or after `since` (default: now, i.e. a new one) is open;
  // rejects after timeoutMs.
  waitForHang(timeoutMs = 10000, { kind, since = Date.now() } = {}) {
    const match = (h) => (!kind || h.kind === kind) && h.at >= since;
    for (const h of this.hangs) if (match(h)) return Promise.resolve({ kind: h.kind, key: h.key, at: h.at });
    return new Promise((resolve, reject) => {
      const w = {
        match,
        resolve: (h) => { clearTimeout(w.timer); this.hangWaiters.delete(w); resolve({ kind: h.kind, key: h.key, at: h.at }); },
        reject: (e) => { clearTimeout(w.timer); this.hangWaiters.delete(w); reject(e); },
      };
      w.timer = setTimeout(() => w.reject(new Error(`no hung ${kind || ''} request within ${timeoutMs} ms`)), timeoutMs);
      this.hangWaiters.add(w);
    });
  }

  // ---- request handling -------------------------------------------------------

  route(path) {
    let m = /^\/api(?:\/v(\d+))?\/webhooks\/([^/]+)\/([^/]+)(?:\/messages\/([^/]+))?\/?$/.exec(path);
    if (m) return { kind: 'discord', version: m[1], id: m[2], token: m[3], mid: m[4], key: `discord:${m[2]}` };
    m = /^\/services\/([^/]+)\/([^/]+)\/([^/]+)\/?$/.exec(path);
    if (m) return { kind: 'slack', hook: `${m[1]}/${m[2]}/${m[3]}`, key: `slack:${m[1]}/${m[2]}/${m[3]}` };
    m = /^\/generic\/([^/]+)\/?$/.exec(path);
    if (m) return { kind: 'generic', name: decodeURIComponent(m[1]), key: null };
    return { kind: 'other', key: null };
  }

  violation(path, what) {
    if (this.stats.violations.length < 100) this.stats.violations.push({ at: Date.now(), path, what });
  }

  bucketFor(key, kind) {
    let b = this.buckets.get(key);
    if (!b) {
      const shape = kind === 'slack' ? this.slackBucket : this.discordBucket;
      b = new Bucket(shape.limit, shape.windowMs);
      this.buckets.set(key, b);
    }
    return b;
  }

  block(key, untilMs) {
    this.blockedUntil.set(key, Math.max(this.blockedUntil.get(key) ?? 0, untilMs));
  }

  send(res, entry, status, headers, body) {
    this.stats.byStatus[status] = (this.stats.byStatus[status] || 0) + 1;
    entry.outcome = status;
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, headers);
    res.end(body);
  }

  sendJson(res, entry, status, obj, headers = {}) {
    const body = obj === undefined ? undefined : JSON.stringify(obj);
    const h = { ...headers };
    if (body !== undefined) h['Content-Type'] = 'application/json';
    this.send(res, entry, status, h, body);
  }

  discordRateHeaders(key, info, now) {
    const b = this.bucketFor(key, 'discord');
    return {
      'X-RateLimit-Limit': String(b.limit),
      'X-RateLimit-Remaining': String(info.remaining),
      'X-RateLimit-Reset': ((info.resetAt) / 1000).toFixed(3),
      'X-RateLimit-Reset-After': (Math.max(0, info.resetAt - now) / 1000).toFixed(3),
      'X-RateLimit-Bucket': crypto.createHash('sha1').update(key).digest('hex').slice(0, 32),
    };
  }

  handle(req, res) {
    const now = Date.now();
    const url = new URL(req.url, 'http://x');
    const r = this.route(url.pathname);
    this.stats.requests++;
    const entry = { at: now, method: req.method, path: url.pathname, kind: r.kind, key: r.key, outcome: null };
    if (this.log.length < this.logLimit) this.log.push(entry);

    // A request for a webhook whose announced retry_after still runs.
    if (r.key && (this.blockedUntil.get(r.key) ?? 0) > now) {
      this.stats.requestsDuringRetryAfter++;
      this.stats.requestsDuringRetryAfterByKey[r.key] = (this.stats.requestsDuringRetryAfterByKey[r.key] || 0) + 1;
      entry.duringRetryAfter = true;
    }

    // The body is read first (reading is not processing): a fault is then
    // decided and, if any, the request has no effect.
    readBody(req).then((buf) => {
      // The client gave up before the request could be processed (e.g. this
      // process stalled past the client's timeout): no effect, as if it had
      // hung, rather than a late create the client cannot know about.
      if (req.socket.destroyed) {
        this.stats.abandoned++;
        entry.outcome = 'abandoned';
        return;
      }
      let fault = '';
      if (this.faultP > 0 && this.faultTotal > 0 && this.rand() < this.faultP) fault = this.pickFault();
      const streakKey = `${req.method} ${url.pathname} ${crypto.createHash('sha1').update(buf ?? '').digest('hex')}`;
      if (fault && (this.streaks.get(streakKey) ?? 0) >= this.maxFaultStreak) fault = '';
      if (fault) this.streaks.set(streakKey, (this.streaks.get(streakKey) ?? 0) + 1);
      else this.streaks.delete(streakKey);
      if (this.faultLog.length < this.logLimit) this.faultLog.push(fault);
      if (fault) {
        this.stats.faults.total++;
        this.stats.faults[fault]++;
        entry.fault = fault;
        this.fault(fault, req, res, r, entry);
        return;
      }
      if (buf === null) {
        if (r.kind === 'discord') this.sendJson(res, entry, 413, { code: 40005, message: 'Request entity too large' });
        else this.send(res, entry, 413, { 'Content-Type': 'text/plain' }, 'too_large');
        return;
      }
      if (r.kind === 'discord') this.discord(req, res, r, url, buf, entry, Date.now());
      else if (r.kind === 'slack') this.slackHandle(req, res, r, buf, entry, Date.now());
      else if (r.kind === 'generic') this.generic(req, res, r, buf, entry);
      else this.send(res, entry, 404, { 'Content-Type': 'text/plain' }, 'not found');
    }, () => { entry.outcome = 'aborted'; });
  }

  fault(kind, req, res, r, entry) {
    if (kind === 'drop') {
      // Before processing: the request has no effect.
      entry.outcome = 'drop';
      req.socket.destroy();
      return;
    }
    if (kind === 'hang') {
      // Never answered, never processed: held until the client gives up or close().
      entry.outcome = 'hang';
      const h = { kind: r.kind, key: r.key, at: Date.now(), socket: req.socket };
      if (req.socket.destroyed) return;  // the client already gave up
      this.hangs.add(h);
      req.socket.once('close', () => this.hangs.delete(h));
      for (const w of [...this.hangWaiters]) if (w.match(h)) w.resolve(h);
      return;
    }
    {
      if (kind === '500') {
        if (r.kind === 'slack') this.send(res, entry, 500, { 'Content-Type': 'text/plain' }, 'rollup_error');
        else this.sendJson(res, entry, 500, { message: '500: Internal Server Error', code: 0 });
      } else if (kind === '502') {
        this.send(res, entry, 502, { 'Content-Type': 'text/html' }, '<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>');
      } else {
        // An injected 429 with a small retry_after; it blocks the webhook like a real one.
        const t = Date.now();
        if (r.kind === 'discord') {
          const ms = 20 + Math.floor(this.rand() * 130);
          if (r.key) this.block(r.key, t + ms);
          const headers = {
            ...this.discordRateHeaders(r.key ?? 'none', { remaining: 0, resetAt: t + ms }, t),
            'Retry-After': String(Math.ceil(ms / 1000)), 'X-RateLimit-Scope': 'user',
          };
          this.sendJson(res, entry, 429, { message: 'You are being rate limited.', retry_after: ms / 1000, global: false }, headers);
        } else {
          // Slack (and the generic receiver) say Retry-After in whole seconds.
          if (r.key) this.block(r.key, t + 1000);
          this.send(res, entry, 429, { 'Content-Type': 'text/plain', 'Retry-After': '1' }, 'rate_limited');
        }
      }
    }
  }

  // ---- Discord ----------------------------------------------------------------

  discord(req, res, r, url, buf, entry, now) {
    if (r.version !== '10') {
      this.stats.unversioned++;
      this.violation(entry.path.replace(r.token, '<token>'), `Discord API path without v10 (${r.version ? `v${r.version}` : 'unversioned'})`);
    }
    const bucket = this.bucketFor(r.key, 'discord');
    if (!req.headers['user-agent']) {
      this.stats.noUserAgent++;
      this.violation(entry.path.replace(r.token, '<token>'), 'Discord request without User-Agent');
      this.sendJson(res, entry, 403, { message: 'Missing User-Agent', code: 0 }, this.discordRateHeaders(r.key, bucket.peek(now), now));
      return;
    }
    const taken = bucket.take(now);
    const rateHeaders = this.discordRateHeaders(r.key, taken, now);
    if (!taken.ok) {
      const ms = Math.max(1, taken.resetAt - now);
      this.block(r.key, now + ms);
      this.stats.rateLimited++;
      this.sendJson(res, entry, 429, { message: 'You are being rate limited.', retry_after: ms / 1000, global: false },
        { ...rateHeaders, 'Retry-After': String(Math.ceil(ms / 1000)), 'X-RateLimit-Scope': 'user' });
      return;
    }
    const hook = this.webhooks.get(r.id);
    if (!hook || hook.token !== r.token) {
      this.sendJson(res, entry, 404, { message: 'Unknown Webhook', code: 10015 }, rateHeaders);
      return;
    }
    const store = this.messages.get(r.id);
    const method = req.method;
    if (!r.mid) {
      if (method === 'GET') {
        this.sendJson(res, entry, 200, {
          type: 1, id: hook.id, name: hook.name, avatar: null, channel_id: hook.channelId, guild_id: hook.guildId,
          application_id: null, token: hook.token,
        }, rateHeaders);
        return;
      }
      if (method !== 'POST') {
        this.sendJson(res, entry, 405, { message: '405: Method Not Allowed', code: 0 }, rateHeaders);
        return;
      }
    } else {
      const msg = store.get(r.mid);
      if (method === 'GET' || method === 'PATCH' || method === 'DELETE') {
        if (!msg) {
          this.sendJson(res, entry, 404, { message: 'Unknown Message', code: 10008 }, rateHeaders);
          return;
        }
        if (method === 'GET') {
          this.sendJson(res, entry, 200, msg.current, rateHeaders);
          return;
        }
        if (method === 'DELETE') {
          store.delete(r.mid);
          this.sendJson(res, entry, 204, undefined, rateHeaders);
          return;
        }
      } else {
        this.sendJson(res, entry, 405, { message: '405: Method Not Allowed', code: 0 }, rateHeaders);
        return;
      }
    }

    // POST (execute) or PATCH (edit): a JSON body within every limit.
    const ct = String(req.headers['content-type'] || '').toLowerCase();
    if (!/^application\/json\s*(;|$)/.test(ct)) {
      this.stats.badContentType++;
      this.violation(entry.path.replace(r.token, '<token>'), `Content-Type ${ct || '(none)'}`);
      this.sendJson(res, entry, 400, {
        code: 50035, message: 'Invalid Form Body',
        errors: { _errors: [{ code: 'CONTENT_TYPE_INVALID', message: 'Expected "Content-Type" header to be one of {\'application/json\', \'multipart/form-data\'}.' }] },
      }, rateHeaders);
      return;
    }
    const parsed = decodeJson(buf);
    if (!parsed.ok || !isObject(parsed.value)) {
      this.stats.badJson++;
      this.violation(entry.path.replace(r.token, '<token>'), `invalid JSON body: ${parsed.error || 'not an object'}`);
      this.sendJson(res, entry, 400, { code: 50109, message: 'The request body contains invalid JSON.' }, rateHeaders);
      return;
    }
    const body = parsed.value;
    const errs = validateDiscordBody(body);
    if (errs.count > 0) {
      this.stats.limitViolations++;
      this.violation(entry.path.replace(r.token, '<token>'), `50035 ${JSON.stringify(errs.tree).slice(0, 500)}`);
      this.sendJson(res, entry, 400, { code: 50035, errors: errs.tree, message: 'Invalid Form Body' }, rateHeaders);
      return;
    }
    const at = Date.now();
    if (method === 'POST') {
      if (!hasContent(body) && !hasEmbeds(body) && !hasOther(body)) {
        this.stats.limitViolations++;
        this.violation(entry.path.replace(r.token, '<token>'), '50006 empty message');
        this.sendJson(res, entry, 400, { code: 50006, message: 'Cannot send an empty message' }, rateHeaders);
        return;
      }
      const id = this.snowflake();
      const current = {
        type: 0, id, channel_id: hook.channelId, webhook_id: hook.id,
        content: body.content ?? '',
        embeds: (body.embeds ?? []).map((e) => ({ type: 'rich', ...e })),
        attachments: [], components: body.components ?? [], mentions: [], mention_roles: [],
        mention_everyone: false, pinned: false, tts: Boolean(body.tts),
        timestamp: discordTime(at), edited_timestamp: null, flags: body.flags ?? 0,
        author: { bot: true, id: hook.id, username: body.username || hook.name, avatar: null, discriminator: '0000' },
      };
      const msg = { id, webhookId: hook.id, history: [{ method: 'POST', at, body, message: structuredClone(current) }], current };
      store.set(id, msg);
      this.stats.discordCreates++;
      const wait = /^(true|1)$/i.test(url.searchParams.get('wait') || '');
      if (wait) this.sendJson(res, entry, 200, current, rateHeaders);
      else this.sendJson(res, entry, 204, undefined, rateHeaders);
      return;
    }
    // PATCH; username/avatar_url are ignored on edit.
    const msg = store.get(r.mid);
    const next = structuredClone(msg.current);
    if ('content' in body) next.content = body.content ?? '';
    if ('embeds' in body) next.embeds = (body.embeds ?? []).map((e) => ({ type: 'rich', ...e }));
    if ('components' in body) next.components = body.components ?? [];
    if ('flags' in body && body.flags !== null) next.flags = body.flags;
    if ('attachments' in body) next.attachments = body.attachments ?? [];
    if (!hasContent(next) && !hasEmbeds(next) && !hasOther(next)) {
      this.stats.limitViolations++;
      this.violation(entry.path.replace(r.token, '<token>'), '50006 edit leaves an empty message');
      this.sendJson(res, entry, 400, { code: 50006, message: 'Cannot send an empty message' }, rateHeaders);
      return;
    }
    next.edited_timestamp = discordTime(at);
    msg.current = next;
    msg.history.push({ method: 'PATCH', at, body, message: structuredClone(next) });
    this.stats.discordEdits++;
    this.sendJson(res, entry, 200, next, rateHeaders);
  }

  // ---- Slack ------------------------------------------------------------------

  slackHandle(req, res, r, buf, entry, now) {
    const text = (status, body, headers = {}) => this.send(res, entry, status, { 'Content-Type': 'text/plain', ...headers }, body);
    if (req.method !== 'POST') return text(405, 'invalid_method');
    if (!this.slackHooks.has(r.hook)) return text(404, 'no_service');
    const bucket = this.bucketFor(r.key, 'slack');
    const taken = bucket.take(now);
    if (!taken.ok) {
      // Slack only says whole seconds.
      const secs = Math.max(1, Math.ceil((taken.resetAt - now) / 1000));
      this.block(r.key, now + secs * 1000);
      this.stats.rateLimited++;
      return text(429, 'rate_limited', { 'Retry-After': String(secs) });
    }
    const ct = String(req.headers['content-type'] || '').toLowerCase();
    let parsed;
    if (ct.startsWith('application/x-www-form-urlencoded')) {
      const payload = new URLSearchParams(buf.toString('utf8')).get('payload');
      parsed = payload === null ? { ok: false } : decodeJson(Buffer.from(payload));
    } else {
      parsed = decodeJson(buf);
    }
    if (!parsed.ok || !isObject(parsed.value)) {
      this.stats.badJson++;
      this.violation(entry.path, 'Slack: invalid_payload');
      return text(400, 'invalid_payload');
    }
    const body = parsed.value;
    const hasText = typeof body.text === 'string' && body.text.trim() !== '';
    const hasBlocks = Array.isArray(body.blocks) && body.blocks.length > 0;
    if (body.blocks !== undefined && !Array.isArray(body.blocks)) {
      this.violation(entry.path, 'Slack: blocks is not an array');
      return text(400, 'invalid_blocks');
    }
    if (hasBlocks && body.blocks.length > 50) {
      this.stats.limitViolations++;
      this.violation(entry.path, 'Slack: more than 50 blocks');
      return text(400, 'invalid_blocks');
    }
    if (!hasText && !hasBlocks) {
      this.violation(entry.path, 'Slack: no_text');
      return text(400, 'no_text');
    }
    this.slack.get(r.hook).push({ id: ++this.slackSeq, at: Date.now(), body, headers: { ...req.headers } });
    return text(200, 'ok');
  }

  // ---- generic webhook receiver -------------------------------------------------

  generic(req, res, r, buf, entry) {
    if (req.method !== 'POST') return this.sendJson(res, entry, 405, { error: 'method not allowed' });
    const secret = this.secrets[r.name];
    if (secret !== undefined) {
      const want = `sha256=${crypto.createHmac('sha256', secret).update(buf).digest('hex')}`;
      const got = String(req.headers['x-opsdeck-signature'] || '');
      const ok = got.length === want.length && crypto.timingSafeEqual(Buffer.from(got), Buffer.from(want));
      if (!ok) {
        this.stats.sigFailures++;
        this.violation(entry.path, got ? 'generic: bad X-Opsdeck-Signature' : 'generic: no X-Opsdeck-Signature');
        return this.sendJson(res, entry, 401, { error: 'bad signature' });
      }
    }
    const deliveryId = req.headers['x-opsdeck-delivery'];
    if (!deliveryId) {
      this.stats.missingDeliveryId++;
      this.violation(entry.path, 'generic: no X-Opsdeck-Delivery');
    } else if (this.seenDeliveries.has(`${r.name}\n${deliveryId}`)) {
      this.stats.duplicateDeliveries++;
      this.duplicates.push({ at: Date.now(), name: r.name, deliveryId, raw: buf.toString('utf8') });
      return this.send(res, entry, 204, {});
    }
    const parsed = decodeJson(buf);
    if (!parsed.ok) {
      this.stats.badJson++;
      this.violation(entry.path, `generic: invalid JSON: ${parsed.error}`);
      return this.sendJson(res, entry, 400, { error: 'invalid JSON' });
    }
    if (deliveryId) this.seenDeliveries.add(`${r.name}\n${deliveryId}`);
    if (!this.deliveries.has(r.name)) this.deliveries.set(r.name, []);
    this.deliveries.get(r.name).push({ at: Date.now(), deliveryId, headers: { ...req.headers }, raw: buf.toString('utf8'), body: parsed.value });
    return this.send(res, entry, 204, {});
  }

  // ---- shutdown ----------------------------------------------------------------

  // Stops listening and destroys every socket it holds (hung ones too).
  async close() {
    if (this.closed) return;
    this.closed = true;
    for (const w of [...this.hangWaiters]) w.reject(new Error('emulator closed'));
    const done = new Promise((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.server.closeAllConnections?.();
    this.hangs.clear();
    await done;
  }
}

export async function start(options = {}) {
  return new ChatEmulator(options).listen();
}
