// The built-in demo against the real binary:
// 1. `demo:` at a fast pace: within seconds the API shows runs in all three
//    environments (GitHub, GitLab and generic deliveries through the real
//    hooks), deployments, a release planned by the demo, the database going
//    down with an incident (payments linked under it) that resolves when it
//    comes back; nothing is left unmatched; after SIGTERM nothing listens on the demo's ports.
// 2. `opsdeck demo --help`, and `opsdeck demo` (the embedded example config)
//    starting on free ports, posting events, and stopping cleanly with its
//    temporary directory removed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { after, describe, it } from 'node:test';

import { BINARY, Server, freePort, runCli, sleep, sqliteConfig, startServer, tempDir } from './lib.mjs';

const cleanups = [];
after(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}); });

async function getJson(base, path) {
  const r = await fetch(base + path, { signal: AbortSignal.timeout(5000) });
  assert.equal(r.status, 200, `${path}: ${r.status}`);
  return r.json();
}

// Polls `probe` until it returns a truthy value, at most `ms`.
async function eventually(what, probe, ms) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await probe().catch((e) => { last = e; return undefined; });
    if (last) return last;
    await sleep(200);
  }
  throw new Error(`${what}: not seen within ${ms} ms`);
}

function listening(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

const demoPipelines = `
pipelines:
  - {name: shop-ci, environment: development, kind: build, match: {github: {repository: acme/shop, workflow: CI}}}
  - {name: shop-development, environment: development, kind: deploy, match: {github: {repository: acme/shop, workflow: Deploy, branch: main}}}
  - {name: shop-staging, environment: staging, kind: deploy, match: {gitlab: {project: acme/shop, ref: "1.*"}}}
  - {name: shop-production, environment: production, kind: deploy, match: {generic: {pipeline: shop-production}}}
`;

function demoCatalog(targets) {
  const check = (path) => `{type: http, url: "http://127.0.0.1:${targets}${path}", interval: 500ms, timeout: 450ms, failure_threshold: 2, success_threshold: 1}`;
  return `
catalog:
  services:
    - {name: shop-db, environment: production, component: database, checks: [${check('/db/health')}]}
    - {name: shop-payments, environment: production, component: backend, depends_on: [shop-db], checks: [${check('/payments/health')}]}
    - {name: shop-web, environment: production, component: frontend, checks: [${check('/web/health')}]}
releases:
  templates:
    - name: production-release
      items:
        - {id: scope, phase: prepare, role: release-manager, title: "Freeze scope"}
        - {id: notes, phase: prepare, role: release-manager, title: "Write release notes"}
        - {id: go, phase: go-no-go, role: release-manager, title: "Go", depends_on: [scope, notes]}
`;
}

describe('the built-in demo', () => {
  it('shows runs, deployments, an incident opened and resolved, and a release, within seconds', async () => {
    const targets = await freePort();
    const server = await startServer(sqliteConfig(`${demoPipelines}${demoCatalog(targets)}
demo:
  enabled: true
  targets_listen: 127.0.0.1:${targets}
  pace: 400ms
`));
    cleanups.push(() => server.stop());
    const base = server.url;

    // History first: every environment has runs and a live version at once.
    const envs = await eventually('runs in all three environments', async () => {
      const runs = (await getJson(base, '/api/v1/runs?limit=500')).items;
      const seen = new Set(runs.map((r) => r.environment));
      return seen.has('development') && seen.has('staging') && seen.has('production') ? runs : undefined;
    }, 10000);
    assert.ok(envs.length > 0);
    // The history's failed production deploy was re-run: attempt 2.
    await eventually('a re-run production deploy', async () => (await getJson(base, '/api/v1/runs?limit=500')).items
      .some((r) => r.pipeline === 'shop-production' && r.attempt === 2 && r.status === 'succeeded'), 5000);
    const deployments = (await getJson(base, '/api/v1/deployments?limit=500')).items;
    const deployedTo = new Set(deployments.map((d) => d.environment));
    assert.deepEqual([...deployedTo].sort(), ['development', 'production', 'staging']);
    assert.ok(deployments.some((d) => d.environment === 'production' && /^1\.4\.\d$/.test(d.version)));

    // The release the demo planned, with items ticked by the demo.
    const listed = await eventually('a release', async () => (await getJson(base, '/api/v1/releases')).items[0], 5000);
    const release = await getJson(base, `/api/v1/releases/${listed.id}`);
    assert.equal(release.template, 'production-release');
    assert.ok(release.items.filter((i) => i.state === 'done').length >= 1, JSON.stringify(release.items));
    assert.ok(release.items.filter((i) => i.state === 'done').every((i) => i.done_by === 'system:demo'));

    // The database goes down (beats 3-8 at 400 ms): an incident opens, with
    // payments linked under it, and resolves when the database is back.
    const open = await eventually('the database incident', async () => {
      const r = await getJson(base, '/api/v1/incidents?target=shop-db');
      return r.items.at(-1);
    }, 12000);
    assert.equal(open.target, 'shop-db');
    const resolved = await eventually('the incident resolved', async () => {
      const r = await getJson(base, `/api/v1/incidents/${open.id}`);
      return r.state === 'resolved' ? r : undefined;
    }, 15000);
    assert.ok(resolved.ended_at, JSON.stringify(resolved));
    assert.equal(resolved.root_id, null);
    // One alert per root cause: payments' incident is linked to the database's.
    const payments = (await getJson(base, '/api/v1/incidents?target=shop-payments')).items;
    assert.ok(payments.length >= 1, 'payments failed with its database');
    assert.ok(payments.some((p) => p.root_id === open.id), JSON.stringify(payments));
    assert.equal((await getJson(base, '/api/v1/targets/shop-db')).state, 'up');

    // Live runs keep arriving, and every delivery matched a pipeline.
    const before = (await getJson(base, '/api/v1/runs?limit=500')).items.length;
    await eventually('a live run', async () => (await getJson(base, '/api/v1/runs?limit=500')).items.length > before, 8000);
    assert.deepEqual((await getJson(base, '/api/v1/unmatched')).items, []);
    assert.doesNotMatch(server.log, /demo: delivery (failed|refused)/);

    const { code } = await server.stop();
    assert.equal(code, 0);
    assert.match(server.log, /demo: serving simulated targets .*not real systems/);
    assert.doesNotMatch(server.log, /demo: delivery (failed|refused)/);
    assert.equal(await listening(targets), false, 'the demo targets stopped');
    assert.equal(await listening(server.port), false);
  });

  it('opsdeck demo --help describes the command', () => {
    const r = runCli(['demo', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--data/);
    assert.match(r.stdout, /--listen/);
    assert.match(r.stdout, /--pace/);
  });

  it('opsdeck demo serves the built-in config and removes its temp directory', async () => {
    const port = await freePort();
    const targets = await freePort();
    const tmp = tempDir('opsdeck-demo-it-');
    cleanups.push(async () => fs.rmSync(tmp, { recursive: true, force: true }));
    const proc = spawn(BINARY, ['demo', '--listen', `127.0.0.1:${port}`, '--targets-listen', `127.0.0.1:${targets}`,
      '--pace', '500ms'], { env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new Server(proc, port, '', tmp);
    cleanups.push(() => server.stop('SIGKILL').catch(() => {}));
    const runs = await eventually('runs from the built-in demo', async () => {
      if (proc.exitCode !== null) throw new Error(`exited ${proc.exitCode}: ${server.log}`);
      const r = await getJson(server.url, '/api/v1/runs?limit=500');
      return r.items.some((run) => run.pipeline === 'shop-production') ? r.items : undefined;
    }, 15000);
    assert.ok(runs.some((r) => r.pipeline === 'shop-ci'));
    assert.match(server.stdout, /opsdeck demo: .*removed on exit/);
    const dirs = fs.readdirSync(tmp).filter((n) => n.startsWith('opsdeck-demo-'));
    assert.equal(dirs.length, 1);
    assert.ok(fs.existsSync(`${tmp}/${dirs[0]}/opsdeck-demo.yaml`));
    assert.ok(await listening(targets));
    const { code } = await server.stop();
    assert.equal(code, 0);
    assert.equal(fs.readdirSync(tmp).filter((n) => n.startsWith('opsdeck-demo-')).length, 0);
    assert.equal(await listening(targets), false);
    assert.equal(await listening(port), false);
  });
});
