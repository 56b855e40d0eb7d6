// The server over real sockets: health, readiness, metrics, the first page,
// body limit, slow and idle clients, the connection cap, request ids.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { assertNoSecretsLeaked, rawConnect, sleep, sqliteConfig, startServer } from './lib.mjs';

const limits = `
`;

describe('opsdeck serve (SQLite)', () => {
  let server;
  before(async () => {
    server = await startServer(({ port, dir }) => sqliteConfig()({ port, dir }).replace(
      'threads: 2',
      'threads: 2\n  header_timeout: 2s\n  idle_timeout: 3s\n  body_limit: 1MiB\n  max_connections: 20',
    ) + limits);
  });
  after(async () => {
    const { code } = await server.stop();
    assert.equal(code, 0, 'exit code after SIGTERM');
    await assertNoSecretsLeaked(server);
  });

  it('prints its URL on start', () => {
    assert.match(server.stdout, new RegExp(`listening on http://127\\.0\\.0\\.1:${server.port}`));
  });

  it('answers /healthz', async () => {
    const r = await fetch(`${server.url}/healthz`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { status: 'ok' });
    assert.match(r.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
  });

  it('answers /readyz with the storage backend', async () => {
    const r = await fetch(`${server.url}/readyz`);
    assert.equal(r.status, 200);
    const body = await r.json();
    assert.equal(body.status, 'ready');
    assert.equal(body.storage, 'sqlite');
  });

  it('exposes Prometheus metrics by route and status', async () => {
    await fetch(`${server.url}/healthz`);
    await fetch(`${server.url}/no/such/page`);
    const r = await fetch(`${server.url}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    assert.match(text, /^opsdeck_build_info\{version="[^"]+",commit="[^"]+",compiler="[^"]+"\} 1$/m);
    const hz = text.match(/^opsdeck_http_requests_total\{route="\/healthz",code="200"\} (\d+)$/m);
    assert.ok(hz && Number(hz[1]) >= 1, 'healthz counted');
    assert.match(text, /^opsdeck_http_requests_total\{route="unmatched",code="404"\} \d+$/m);
    // Histogram: buckets ascending, +Inf equal to _count.
    const inf = text.match(/^opsdeck_http_request_duration_seconds_bucket\{route="\/healthz",le="\+Inf"\} (\d+)$/m);
    const count = text.match(/^opsdeck_http_request_duration_seconds_count\{route="\/healthz"\} (\d+)$/m);
    assert.ok(inf && count);
    assert.equal(inf[1], count[1]);
    assert.match(text, /^# TYPE opsdeck_http_request_duration_seconds histogram$/m);
    assert.ok(text.endsWith('\n'));
  });

  it('renders the environments in promotion order on /', async () => {
    const r = await fetch(`${server.url}/`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /text\/html/);
    assert.match(r.headers.get('content-security-policy'), /script-src 'self'/);
    const html = await r.text();
    const positions = ['development', 'staging', 'production'].map((n) => html.indexOf(n));
    assert.ok(positions.every((p) => p > 0), 'all environments shown');
    assert.deepEqual([...positions].sort((a, b) => a - b), positions, 'in promotion order');
  });

  it('serves embedded static assets with an ETag and 304', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    const css = html.match(/href="(\/static\/[^"]+\.css)"/);
    assert.ok(css, 'page links a stylesheet');
    const r = await fetch(server.url + css[1]);
    assert.equal(r.status, 200);
    const etag = r.headers.get('etag');
    assert.ok(etag);
    const again = await fetch(server.url + css[1], { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
  });

  it('answers unknown API paths with a JSON error, wrong methods with 405', async () => {
    const r = await fetch(`${server.url}/api/v1/nothing`);
    assert.equal(r.status, 404);
    const body = await r.json();
    assert.equal(body.error.code, 'not_found');
    const m = await fetch(`${server.url}/healthz`, { method: 'DELETE' });
    assert.equal(m.status, 405);
    assert.match(m.headers.get('allow'), /GET/);
  });

  it('keeps a client request id and logs one line per request with it', async () => {
    const r = await fetch(`${server.url}/healthz`, { headers: { 'X-Request-Id': 'it-test-42' } });
    assert.equal(r.headers.get('x-request-id'), 'it-test-42');
    // The log is buffered (flushed every second): wait for it.
    let line;
    for (let i = 0; i < 40 && !line; i++) {
      await sleep(100);
      line = server.log.split('\n').find((l) => l.includes('id=it-test-42'));
    }
    assert.ok(line, 'request logged');
    assert.match(line, /method=GET path=\/healthz status=200/);
  });

  it('refuses a 2 MiB body with 413 and keeps serving', async () => {
    const body = Buffer.alloc(2 * 1024 * 1024, 'a');
    const r = await fetch(`${server.url}/api/v1/config/reload`, { method: 'POST', body });
    assert.equal(r.status, 413);
    assert.equal((await r.json()).error.code, 'payload_too_large');
    // Chunked, no Content-Length: the limit applies while reading.
    const c = await rawConnect(server.port);
    c.socket.write('POST /api/v1/config/reload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = 'a'.repeat(64 * 1024);
    for (let i = 0; i < 40 && !c.socket.destroyed; i++) {
      c.socket.write(`${(chunk.length).toString(16)}\r\n${chunk}\r\n`);
    }
    await Promise.race([c.closed, sleep(5000)]);
    assert.match(c.data(), /^HTTP\/1\.1 413 /);
    const ok = await fetch(`${server.url}/healthz`);
    assert.equal(ok.status, 200);
  });

  it('disconnects a client that sends its head one byte per second', async () => {
    const c = await rawConnect(server.port);
    const start = Date.now();
    const head = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    let i = 0;
    const timer = setInterval(() => {
      if (!c.socket.destroyed && i < head.length) c.socket.write(head[i++]);
    }, 1000);
    await Promise.race([c.closed, sleep(10000)]);
    clearInterval(timer);
    const elapsed = Date.now() - start;
    assert.ok(c.closedAt() !== null, 'connection closed by the server');
    assert.ok(elapsed < 5000, `closed after ${elapsed} ms (header_timeout is 2s)`);
    assert.ok(i < head.length, 'the head never completed');
    assert.equal(c.data(), '', 'no response to an incomplete head');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /^opsdeck_http_requests_rejected_total\{code="408"\} [1-9]/m);
    const ok = await fetch(`${server.url}/healthz`);
    assert.equal(ok.status, 200);
  });

  it('closes an idle keep-alive connection after idle_timeout', async () => {
    const c = await rawConnect(server.port);
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await sleep(300);
    assert.match(c.data(), /^HTTP\/1\.1 200 /);
    const start = Date.now();
    await Promise.race([c.closed, sleep(8000)]);
    const elapsed = Date.now() - start;
    assert.ok(c.closedAt() !== null, 'idle connection closed');
    assert.ok(elapsed > 2000 && elapsed < 6000, `closed after ${elapsed} ms (idle_timeout 3s)`);
  });

  it('answers a malformed request with 400 and stays up', async () => {
    const c = await rawConnect(server.port);
    c.socket.write('GET /healthz HTTP/1.1\r\nHost x no colon\r\n\r\n');
    await Promise.race([c.closed, sleep(3000)]);
    assert.match(c.data(), /^HTTP\/1\.1 400 /);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });

  it('refuses connections beyond server.max_connections with 503', async () => {
    const held = [];
    for (let i = 0; i < 20; i++) held.push(await rawConnect(server.port));
    await sleep(200);
    const extra = await rawConnect(server.port);
    await Promise.race([extra.closed, sleep(3000)]);
    assert.match(extra.data(), /^HTTP\/1\.1 503 /);
    for (const h of held) h.socket.destroy();
    await sleep(300);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /^opsdeck_http_connections_refused_total [1-9]\d*$/m);
  });
});
