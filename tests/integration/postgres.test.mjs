// opsdeck on PostgreSQL: /readyz follows the database server's availability
// without restarting opsdeck. Starts its own throwaway server (scripts/pg.sh),
// because it stops and restarts it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ROOT, assertNoSecretsLeaked, freePort, secretsBlock, sleep, startServer, tempDir } from './lib.mjs';

const PG = path.join(ROOT, 'scripts', 'pg.sh');

function pg(...args) {
  const r = spawnSync('bash', [PG, ...args], { encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`pg.sh ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
  return r.stdout.trim();
}

async function waitStatus(url, want, ms) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    const t0 = Date.now();
    const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
    last = { status: r.status, body: await r.json(), took: Date.now() - t0 };
    if (last.status === want) return last;
    await sleep(200);
  }
  return last;
}

describe('opsdeck serve (PostgreSQL)', () => {
  let dir;
  let port;
  let dsn;
  let server;
  before(async () => {
    dir = tempDir('opsdeck-pg-');
    fs.chmodSync(dir, 0o755);  // the server runs as the postgres user when we are root
    port = await freePort();
    dsn = pg('start', path.join(dir, 'pg'), String(port)).split('\n').pop();
    server = await startServer(({ port: httpPort, dir: d }) => `
server:
  listen: 127.0.0.1:${httpPort}
storage:
  type: postgres
  dsn: \${OPSDECK_IT_PG_DSN}
  pool_size: 2
environments: [{name: development}, {name: staging}, {name: production, protected: true}]
log: {level: warn}
${secretsBlock()}
# ${d}
`, { env: { OPSDECK_IT_PG_DSN: dsn } });
  });
  after(async () => {
    if (server) {
      assert.equal((await server.stop()).code, 0);
      await assertNoSecretsLeaked(server);
    }
    try { pg('stop', path.join(dir, 'pg')); } catch { /* already stopped */ }
  });

  it('is ready, stores environments, and never shows the DSN', async () => {
    const r = await fetch(`${server.url}/readyz`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { storage: 'postgres', status: 'ready' });
    const envs = await (await fetch(`${server.url}/api/v1/environments`)).json();
    assert.deepEqual(envs.items.map((e) => e.name), ['development', 'staging', 'production']);
  });

  it('answers 503 while the database is down and 200 after it is back', async () => {
    pg('stop', path.join(dir, 'pg'));
    const down = await waitStatus(`${server.url}/readyz`, 503, 10000);
    assert.equal(down.status, 503);
    assert.equal(down.body.status, 'unavailable');
    assert.ok(down.took < 4000, `readyz answered in ${down.took} ms while down`);
    assert.ok(!JSON.stringify(down.body).includes('password'));
    // Liveness is independent of storage.
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);

    pg('start', path.join(dir, 'pg'), String(port));
    const up = await waitStatus(`${server.url}/readyz`, 200, 15000);
    assert.equal(up.status, 200, JSON.stringify(up));
    const envs = await fetch(`${server.url}/api/v1/environments`);
    assert.equal(envs.status, 200);
  });
});
