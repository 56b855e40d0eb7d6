// server.tls: HTTPS on the listener for installs without a reverse proxy.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { assertNoSecretsLeaked, rawConnect, recordReceived, runCli, secretsBlock, sleep, startServer } from './lib.mjs';

function get(url, { ca, method = 'GET', headers = {}, body, minVersion } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca, minVersion, maxVersion: minVersion, timeout: 5000 }, (res) => {
      let data = '';
      res.on('data', (d) => { data += d; });
      res.on('end', () => { recordReceived(JSON.stringify(res.headers) + data); resolve({ status: res.statusCode, headers: res.headers, body: data }); });
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

describe('TLS listener', () => {
  let server;
  let ca;
  before(async () => {
    server = await startServer(({ port, dir }) => {
      const key = path.join(dir, 'key.pem');
      const cert = path.join(dir, 'cert.pem');
      const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
        '-nodes', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-days', '1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      ca = fs.readFileSync(cert);
      return `
server: {listen: "127.0.0.1:${port}", tls: {cert_file: ${cert}, key_file: ${key}}}
storage: {type: sqlite, path: ${dir}/opsdeck.db}
environments: [{name: development}, {name: production}]
${secretsBlock({ anonymousRead: false })}`;
    }, {
      readyPath: null,
      setup: ({ configPath }) => {
        const u = runCli(['user', 'add', 'alice', '--role', 'admin', '--config', configPath], { input: 'it-password-0123\n' });
        assert.equal(u.code, 0, u.stderr);
      },
    });
    for (let i = 0; i < 50; i++) {
      try { if ((await get(`https://127.0.0.1:${server.port}/healthz`, { ca })).status === 200) break; } catch { await sleep(100); }
    }
  });
  after(async () => {
    assert.equal((await server.stop()).code, 0);
    await assertNoSecretsLeaked(server);
  });

  it('announces and serves HTTPS with the configured certificate', async () => {
    assert.match(server.stdout, new RegExp(`listening on https://127\\.0\\.0\\.1:${server.port}`));
    const r = await get(`https://127.0.0.1:${server.port}/healthz`, { ca });
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"status":"ok"}\n');
    // A client that does not trust the certificate refuses it.
    await assert.rejects(get(`https://127.0.0.1:${server.port}/healthz`), /self[- ]signed|certificate/i);
  });

  it('marks the session cookie Secure', async () => {
    const r = await get(`https://127.0.0.1:${server.port}/login`, {
      ca, method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'username=alice&password=it-password-0123&next=%2F',
    });
    assert.equal(r.status, 303);
    const cookie = [].concat(r.headers['set-cookie'])[0];
    assert.match(cookie, /; Secure/);
    assert.match(cookie, /HttpOnly/);
  });

  it('refuses plain HTTP and TLS 1.1, and keeps serving', async () => {
    const c = await rawConnect(server.port);
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await Promise.race([c.closed, sleep(5000)]);
    assert.ok(!c.data().startsWith('HTTP/1.1 200'), 'no plain answer');
    await assert.rejects(get(`https://127.0.0.1:${server.port}/healthz`, { ca, minVersion: 'TLSv1.1' }));
    assert.equal((await get(`https://127.0.0.1:${server.port}/healthz`, { ca })).status, 200);
  });
});
