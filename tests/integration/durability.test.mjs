// Zero acknowledged events lost to kill -9 (PRODUCT.md, quality bars): a
// stream of 10,000 generic events, 32 in flight, is cut by SIGKILL once a
// third of it has been acknowledged; after a restart on the same database
// every event that got a 2xx is stored. On SQLite and on a throwaway
// PostgreSQL (scripts/pg.sh, as postgres.test.mjs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';

import { generic } from './events.mjs';
import { ADMIN, ROOT, freePort, secretsBlock, startServer, tempDir } from './lib.mjs';

const TOTAL = 10000;
const IN_FLIGHT = 32;
const KILL_AFTER = 3300;

const PIPELINES = `
pipelines:
  - {name: stream, environment: production, kind: deploy, match: {generic: {pipeline: stream}}}`;

function yaml(storage) {
  return ({ port, dir }) => `
server: {listen: "127.0.0.1:${port}", threads: 2}
storage: ${storage(dir)}
log: {level: warn}
environments: [{name: development}, {name: staging}, {name: production, protected: true}]
${secretsBlock()}
${PIPELINES}`;
}

// Sends the stream; SIGKILLs the server once KILL_AFTER events were
// acknowledged. Resolves with the run ids that got a 2xx.
async function streamAndKill(server) {
  const acked = [];
  let next = 0;
  let killed = false;
  let refused = 0;
  async function worker() {
    while (next < TOTAL) {
      const i = next++;
      const d = generic({ pipeline: 'stream', run_id: `run-${i}`, status: 'succeeded', version: `v${i}`,
        finished_at: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString() });
      try {
        const r = await fetch(`${server.url}/hooks/generic`, { method: 'POST', headers: d.headers, body: d.body });
        await r.text();
        if (r.status >= 200 && r.status < 300) acked.push(i);
        else refused++;
      } catch {
        refused++;  // the connection died with the server: not acknowledged
      }
      if (!killed && acked.length >= KILL_AFTER) {
        killed = true;
        server.proc.kill('SIGKILL');
      }
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const exit = await server.exit;
  return { acked, refused, exit };
}

async function storedRunIds(server) {
  const ids = new Set();
  let cursor = null;
  do {
    const q = `pipeline=stream&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await fetch(`${server.url}/api/v1/runs?${q}`, { headers: ADMIN });
    assert.equal(r.status, 200);
    const page = await r.json();
    for (const run of page.items) {
      assert.equal(run.status, 'succeeded');
      ids.add(Number(run.external_id.slice(4)));
    }
    cursor = page.next;
  } while (cursor);
  return ids;
}

async function check(storage, env = {}) {
  const first = await startServer(yaml(storage), { env });
  const { acked, exit } = await streamAndKill(first);
  assert.equal(exit.signal, 'SIGKILL');
  assert.ok(acked.length >= KILL_AFTER && acked.length < TOTAL, `acknowledged ${acked.length}`);
  const second = await startServer(yaml(storage), { env, reuseDir: first.dir });
  try {
    const stored = await storedRunIds(second);
    const lost = acked.filter((i) => !stored.has(i));
    assert.deepEqual(lost.slice(0, 10), [], `${lost.length} of ${acked.length} acknowledged events lost`);
    // Each acknowledged success of a deploy run is a deployment too.
    const dep = await (await fetch(`${second.url}/api/v1/deployments?pipeline=stream&limit=1`, { headers: ADMIN })).json();
    assert.equal(dep.items.length, 1);
    return { acked: acked.length, stored: stored.size };
  } finally {
    assert.equal((await second.stop()).code, 0);
  }
}

describe('kill -9 during intake', { timeout: 240000 }, () => {
  const cleanups = [];
  after(() => { for (const c of cleanups) c(); });

  it('keeps every acknowledged event on SQLite', async () => {
    const r = await check((dir) => `{type: sqlite, path: ${dir}/opsdeck.db}`);
    console.log(`sqlite: ${r.acked} acknowledged before SIGKILL, ${r.stored} stored after restart`);
  });

  it('keeps every acknowledged event on PostgreSQL', async () => {
    const dir = tempDir('opsdeck-pgkill-');
    fs.chmodSync(dir, 0o755);
    const port = await freePort();
    const pg = (...args) => spawnSync('bash', [path.join(ROOT, 'scripts', 'pg.sh'), ...args], { encoding: 'utf8', timeout: 60000 });
    const started = pg('start', path.join(dir, 'pg'), String(port));
    assert.equal(started.status, 0, started.stderr);
    cleanups.push(() => pg('stop', path.join(dir, 'pg')));
    const dsn = started.stdout.trim().split('\n').pop();
    const r = await check(() => '{type: postgres, dsn: "${OPSDECK_IT_PG_DSN}", pool_size: 8}', { OPSDECK_IT_PG_DSN: dsn });
    console.log(`postgres: ${r.acked} acknowledged before SIGKILL, ${r.stored} stored after restart`);
  });
});
