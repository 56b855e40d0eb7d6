// Reload (SIGHUP and the API), graceful shutdown under load, JSON logs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { describe, it } from 'node:test';

import { ADMIN, assertNoSecretsLeaked, sleep, sqliteConfig, startServer } from './lib.mjs';

async function envNames(server) {
  const r = await fetch(`${server.url}/api/v1/environments`);
  assert.equal(r.status, 200);
  return (await r.json()).items.map((e) => e.name);
}

describe('config reload', () => {
  it('swaps in a valid config on SIGHUP and refuses an invalid one via the API', async () => {
    const server = await startServer(sqliteConfig());
    try {
      assert.deepEqual(await envNames(server), ['development', 'staging', 'production']);

      // A second staging is a config change.
      const text = fs.readFileSync(server.configPath, 'utf8');
      fs.writeFileSync(server.configPath,
        text.replace('  - name: staging\n', '  - name: staging\n  - name: staging-2\n'));
      server.proc.kill('SIGHUP');
      let names = [];
      for (let i = 0; i < 50; i++) {
        names = await envNames(server);
        if (names.includes('staging-2')) break;
        await sleep(100);
      }
      assert.deepEqual(names, ['development', 'staging', 'staging-2', 'production']);
      // The store has the new environment before the running config is
      // swapped (the reload then syncs the catalog): the page follows the
      // running config, so wait for the reload to have finished.
      let reloaded = false;
      for (let i = 0; i < 50 && !reloaded; i++) {
        const metrics = await (await fetch(`${server.url}/metrics`)).text();
        reloaded = /^opsdeck_config_reloads_total\{result="success"\} 1$/m.test(metrics);
        if (!reloaded) await sleep(100);
      }
      assert.ok(reloaded, 'reload finished');
      const page = await (await fetch(`${server.url}/`)).text();
      assert.ok(page.indexOf('staging-2') > page.indexOf('>staging<') || page.includes('staging-2'));

      // The change is audited: actor, entity, action, before/after.
      const audit = await (await fetch(`${server.url}/api/v1/audit?entity_type=environment&entity_id=staging-2`)).json();
      assert.ok(audit.items.length >= 1, 'audit event for staging-2');
      const ev = audit.items[0];
      assert.equal(ev.entity_id, 'staging-2');
      assert.match(ev.actor, /^system:/);
      assert.equal(ev.before, null);
      assert.equal(ev.after.name, 'staging-2');

      const reloads = await (await fetch(`${server.url}/api/v1/audit?entity_type=config`)).json();
      assert.equal(reloads.items.length, 1);
      assert.equal(reloads.items[0].action, 'reload');
      assert.equal(reloads.items[0].actor, 'system:sighup');
      assert.equal(reloads.items[0].before.environments.length, 3);
      assert.equal(reloads.items[0].after.environments.length, 4);

      // An invalid file is refused with all its errors; the running config stays.
      fs.writeFileSync(server.configPath, `${fs.readFileSync(server.configPath, 'utf8')}\nbogus_key: 1\nserver2: {}\n`);
      const r = await fetch(`${server.url}/api/v1/config/reload`, { method: 'POST', headers: ADMIN });
      assert.equal(r.status, 400);
      const err = (await r.json()).error;
      assert.equal(err.code, 'invalid_argument');
      assert.equal(err.details.length, 2, JSON.stringify(err.details));
      assert.match(err.details[0], /opsdeck\.yaml:\d+:\d+: /);
      assert.deepEqual(await envNames(server), ['development', 'staging', 'staging-2', 'production']);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /opsdeck_config_reloads_total\{result="failure"\} 1/);
      assert.match(metrics, /opsdeck_config_reloads_total\{result="success"\} 1/);
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    } finally {
      const { code } = await server.stop();
      assert.equal(code, 0);
      await assertNoSecretsLeaked(server);
    }
  });
});

describe('logging', () => {
  it('writes one JSON object per line when log.format is json', async () => {
    const server = await startServer(({ port, dir }) =>
      sqliteConfig()({ port, dir }).replace('level: info', 'level: info\n  format: json'));
    try {
      await fetch(`${server.url}/healthz?token=secret-value`, { headers: { 'X-Request-Id': 'json-1' } });
      await sleep(100);
    } finally {
      await server.stop();
    }
    await assertNoSecretsLeaked(server);
    const lines = server.log.split('\n').filter(Boolean);
    assert.ok(lines.length > 3);
    for (const l of lines) JSON.parse(l);
    const req = lines.map((l) => JSON.parse(l)).find((o) => o.id === 'json-1');
    assert.equal(req.msg, 'request');
    assert.equal(req.status, 200);
    assert.equal(req.path, '/healthz');
    assert.ok(!server.log.includes('secret-value'), 'query strings are not logged');
  });
});

// Many keep-alive requests on raw sockets; counts responses that were cut.
function hammer(port, untilPromise) {
  return new Promise((resolve) => {
    let complete = 0;
    let cut = 0;
    let stopped = false;
    untilPromise.then(() => { stopped = true; });
    const open = () => {
      if (stopped) return;
      const s = net.connect({ host: '127.0.0.1', port });
      let buf = Buffer.alloc(0);
      let inflight = false;
      const send = () => {
        if (stopped) { s.end(); return; }
        inflight = true;
        s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      };
      s.on('connect', send);
      s.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        for (;;) {
          const headEnd = buf.indexOf('\r\n\r\n');
          if (headEnd < 0) return;
          const head = buf.subarray(0, headEnd).toString();
          const len = Number((head.match(/content-length: (\d+)/i) || [])[1] || 0);
          if (buf.length < headEnd + 4 + len) return;
          buf = buf.subarray(headEnd + 4 + len);
          complete++;
          inflight = false;
          if (/connection: close/i.test(head)) { s.end(); return; }
          send();
        }
      });
      s.on('error', () => {});
      s.on('close', () => {
        // Bytes of a started response that never completed = a cut response.
        if (buf.length > 0) cut++;
        void inflight;
        if (!stopped) setTimeout(open, 5);
      });
    };
    for (let i = 0; i < 8; i++) open();
    untilPromise.then(() => setTimeout(() => resolve({ complete, cut }), 200));
  });
}

describe('graceful shutdown', () => {
  it('exits 0 on SIGTERM during a wrk load without cutting a response', async () => {
    const server = await startServer(({ port, dir }) =>
      sqliteConfig()({ port, dir }).replace('level: info', 'level: warn'));
    const wrk = spawn('wrk', ['-t2', '-c32', '-d6s', `${server.url}/healthz`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let wrkOut = '';
    wrk.stdout.on('data', (d) => { wrkOut += d; });
    const wrkDone = new Promise((r) => wrk.on('exit', r));
    const exited = server.exit;
    const tally = hammer(server.port, exited);
    await sleep(2000);
    const t0 = Date.now();
    const { code, signal } = await server.stop('SIGTERM', 15000);
    const took = Date.now() - t0;
    const { complete, cut } = await tally;
    wrk.kill('SIGINT');
    await wrkDone;
    assert.equal(signal, null);
    assert.equal(code, 0, `exit code; log:\n${server.log.slice(-2000)}`);
    assert.ok(took < 11000, `stopped in ${took} ms`);
    assert.ok(complete > 100, `raw clients got ${complete} responses`);
    assert.equal(cut, 0, 'no response cut in half');
    const reqs = wrkOut.match(/(\d+) requests in/);
    assert.ok(reqs && Number(reqs[1]) > 1000, `wrk made requests:\n${wrkOut}`);
    await assertNoSecretsLeaked(server);
  });
});
