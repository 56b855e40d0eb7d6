// Pipelines over real HTTP against the real binary: a recorded sequence of
// GitHub, GitLab and generic events for three environments ends in the same
// runs, stages and deployments whether it arrives in order or shuffled with
// duplicates; bad signatures store nothing; malformed JSON is a 400 naming
// the problem; an event for no pipeline is a 202 listed at /api/v1/unmatched;
// `opsdeck event` sends the generic format.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { PIPELINES, deliver, generic, gitlabPipeline, workflowJob, workflowRun } from './events.mjs';
import { ADMIN, SECRETS, assertNoSecretsLeaked, runCli, secretsBlock, startServer } from './lib.mjs';

function config({ port, dir }) {
  return `
server: {listen: "127.0.0.1:${port}", threads: 2}
storage: {type: sqlite, path: ${dir}/opsdeck.db}
log: {level: info}
environments: [{name: development}, {name: staging}, {name: production, protected: true}]
${secretsBlock()}
${PIPELINES}`;
}

const T0 = Date.parse('2026-11-20T10:00:00Z');
const at = (minutes) => new Date(T0 + minutes * 60000).toISOString().replace('.000Z', 'Z');

// The recorded sequence, in the order things happened.
function recorded() {
  const d = [];
  const dev = { workflow: 'Deploy', branch: 'develop' };
  // development: run 101 deploys 1.4.0 (jobs build, deploy); run 102 fails in
  // test; run 103 fails, is re-run (attempt 2) and deploys 1.4.1.
  d.push(workflowRun({ ...dev, id: 101, status: 'requested', at: at(0), sha: '1'.repeat(40), title: 'Release 1.4.0' }));
  d.push(workflowRun({ ...dev, id: 101, status: 'in_progress', at: at(1), startedAt: at(0), sha: '1'.repeat(40), title: 'Release 1.4.0' }));
  d.push(workflowJob({ ...dev, runId: 101, jobId: 9011, name: 'build', status: 'in_progress', startedAt: at(1) }));
  d.push(workflowJob({ ...dev, runId: 101, jobId: 9011, name: 'build', status: 'completed', conclusion: 'success', startedAt: at(1), completedAt: at(3) }));
  d.push(workflowJob({ ...dev, runId: 101, jobId: 9012, name: 'deploy', status: 'in_progress', startedAt: at(3) }));
  d.push(workflowJob({ ...dev, runId: 101, jobId: 9012, name: 'deploy', status: 'completed', conclusion: 'success', startedAt: at(3), completedAt: at(5) }));
  d.push(workflowRun({ ...dev, id: 101, status: 'completed', conclusion: 'success', at: at(5), startedAt: at(0), sha: '1'.repeat(40), title: 'Release 1.4.0' }));
  d.push(workflowRun({ ...dev, id: 102, status: 'in_progress', at: at(10), startedAt: at(10), sha: '2'.repeat(40) }));
  d.push(workflowJob({ ...dev, runId: 102, jobId: 9021, name: 'test', status: 'completed', conclusion: 'failure', startedAt: at(10), completedAt: at(12) }));
  d.push(workflowRun({ ...dev, id: 102, status: 'completed', conclusion: 'failure', at: at(12), startedAt: at(10), sha: '2'.repeat(40) }));
  d.push(workflowRun({ ...dev, id: 103, status: 'completed', conclusion: 'failure', at: at(22), startedAt: at(20), sha: '3'.repeat(40) }));
  d.push(workflowRun({ ...dev, id: 103, attempt: 2, status: 'in_progress', at: at(25), startedAt: at(25), sha: '3'.repeat(40) }));
  d.push(workflowJob({ ...dev, runId: 103, attempt: 2, jobId: 9031, name: 'deploy', status: 'completed', conclusion: 'success', startedAt: at(25), completedAt: at(27) }));
  d.push(workflowRun({ ...dev, id: 103, attempt: 2, status: 'completed', conclusion: 'success', at: at(27), startedAt: at(25), sha: '3'.repeat(40) }));
  // a build pipeline: runs, never deploys
  d.push(workflowRun({ id: 201, status: 'in_progress', branch: 'feature/x', at: at(2), startedAt: at(2) }));
  d.push(workflowRun({ id: 201, status: 'completed', conclusion: 'success', branch: 'feature/x', at: at(4), startedAt: at(2) }));
  // staging (GitLab): 501 succeeds with builds, 502 fails, 503 is canceled
  const b = (stage, name, status, s, f) => ({ stage, name, status, startedAt: s, finishedAt: f });
  d.push(gitlabPipeline({ id: 501, status: 'pending', createdAt: at(30), builds: [b('build', 'compile', 'pending'), b('deploy', 'rollout', 'created')] }));
  d.push(gitlabPipeline({ id: 501, status: 'running', createdAt: at(30), builds: [b('build', 'compile', 'running', at(31)), b('deploy', 'rollout', 'created')] }));
  d.push(gitlabPipeline({ id: 501, status: 'success', createdAt: at(30), finishedAt: at(36), builds: [b('build', 'compile', 'success', at(31), at(33)), b('deploy', 'rollout', 'success', at(33), at(36))] }));
  d.push(gitlabPipeline({ id: 502, status: 'running', createdAt: at(40), builds: [b('build', 'compile', 'running', at(40))] }));
  d.push(gitlabPipeline({ id: 502, status: 'failed', createdAt: at(40), finishedAt: at(42), builds: [b('build', 'compile', 'failed', at(40), at(42))] }));
  d.push(gitlabPipeline({ id: 503, status: 'canceled', createdAt: at(44), finishedAt: at(45), builds: [] }));
  // production (generic): p-1 deploys 1.4.0 with stages; p-2 fails
  const p = { pipeline: 'dashboard-production' };
  d.push(generic({ ...p, run_id: 'p-1', status: 'queued', occurred_at: at(50), version: '1.4.0', commit: '1'.repeat(40) }));
  d.push(generic({ ...p, run_id: 'p-1', status: 'running', started_at: at(51), version: '1.4.0', commit: '1'.repeat(40), url: 'https://ci.example.com/p/1' }));
  d.push(generic({ ...p, run_id: 'p-1', stage: { name: 'migrate', status: 'succeeded', started_at: at(51), finished_at: at(52) } }));
  d.push(generic({ ...p, run_id: 'p-1', stage: { name: 'rollout', status: 'running', started_at: at(52) } }));
  d.push(generic({ ...p, run_id: 'p-1', stage: { name: 'rollout', status: 'succeeded', started_at: at(52), finished_at: at(55) } }));
  d.push(generic({ ...p, run_id: 'p-1', status: 'succeeded', finished_at: at(55), version: '1.4.0', commit: '1'.repeat(40) }));
  d.push(generic({ ...p, run_id: 'p-2', status: 'running', started_at: at(60), version: '1.4.1' }));
  d.push(generic({ ...p, run_id: 'p-2', status: 'failed', finished_at: at(61), version: '1.4.1' }));
  return d;
}

function shuffle(list, seed) {
  const out = [...list];
  let s = seed;
  const rand = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

async function getJson(server, path) {
  const r = await fetch(server.url + path, { headers: ADMIN });
  assert.equal(r.status, 200, `${path}: ${r.status}`);
  return r.json();
}

// Everything the API says about runs and deployments, without store ids.
async function snapshot(server) {
  const runs = (await getJson(server, '/api/v1/runs?limit=500')).items;
  const detailed = [];
  for (const r of runs) {
    const full = await getJson(server, `/api/v1/runs/${r.id}`);
    delete full.id;
    detailed.push(full);
  }
  const cmp = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
  detailed.sort((a, b) => cmp(`${a.pipeline}/${a.external_id}`, `${b.pipeline}/${b.external_id}`));
  const deployments = (await getJson(server, '/api/v1/deployments?limit=500')).items
    .map(({ id, run_id: runId, ...rest }) => rest)
    .sort((a, b) => cmp(`${a.pipeline}/${a.external_id}/${a.attempt}`, `${b.pipeline}/${b.external_id}/${b.attempt}`));
  const envs = (await getJson(server, '/api/v1/environments')).items.map((e) => ({
    name: e.name, live: e.live && e.live.version,
    pipelines: e.pipelines.map((p) => `${p.name}:${p.status}`),
  }));
  return { runs: detailed, deployments, envs };
}

describe('pipelines over HTTP', () => {
  const servers = [];
  let inOrder;
  let shuffled;
  const events = recorded();

  before(async () => {
    inOrder = await startServer(config);
    shuffled = await startServer(config);
    servers.push(inOrder, shuffled);
  });
  after(async () => {
    for (const s of servers) assert.equal((await s.stop()).code, 0);
    await assertNoSecretsLeaked(...servers);
  });

  it('ends in the same runs and deployments in order and shuffled with duplicates', async () => {
    for (const d of events) {
      const r = await deliver(inOrder.url, d);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'accepted', r.text);
    }
    // Every event twice (a redelivery keeps its delivery id), shuffled, 4 at a time.
    const mixed = shuffle([...events, ...events], 20261129);
    const answers = [];
    for (let i = 0; i < mixed.length; i += 4) {
      answers.push(...await Promise.all(mixed.slice(i, i + 4).map((d) => deliver(shuffled.url, d))));
    }
    for (const a of answers) assert.equal(a.status, 200, a.text);
    assert.equal(answers.filter((a) => a.json.status === 'duplicate').length, events.length);

    const a = await snapshot(inOrder);
    const b = await snapshot(shuffled);
    assert.deepEqual(b, a);

    // And what they agree on is right.
    assert.equal(a.runs.length, 9);
    const run = (pipeline, id) => a.runs.find((r) => r.pipeline === pipeline && r.external_id === id);
    const r101 = run('dashboard-development', '101');
    assert.equal(r101.status, 'succeeded');
    assert.equal(r101.source_status, 'completed/success');
    assert.deepEqual(r101.stages.map((s) => `${s.name}:${s.status}`), ['build:succeeded', 'deploy:succeeded']);
    assert.equal(r101.duration_ms, 5 * 60000);
    const r103 = run('dashboard-development', '103');
    assert.equal(r103.attempt, 2);
    assert.equal(r103.status, 'succeeded');
    assert.equal(run('dashboard-development', '102').status, 'failed');
    assert.equal(run('dashboard-ci', '201').status, 'succeeded');
    const r501 = run('dashboard-staging', '501');
    assert.equal(r501.status, 'succeeded');
    assert.deepEqual(r501.stages.map((s) => `${s.name}:${s.status}`), ['compile:succeeded', 'rollout:succeeded']);
    assert.equal(run('dashboard-staging', '502').status, 'failed');
    assert.equal(run('dashboard-staging', '503').status, 'canceled');
    const p1 = run('dashboard-production', 'p-1');
    assert.equal(p1.status, 'succeeded');
    assert.deepEqual(p1.stages.map((s) => `${s.name}:${s.status}`), ['migrate:succeeded', 'rollout:succeeded']);
    assert.equal(run('dashboard-production', 'p-2').status, 'failed');

    // Deployments: dev 101 and both attempts of 103 that reported success
    // (attempt 1 failed: none); staging 501; production p-1. The build
    // pipeline records none.
    assert.deepEqual(a.deployments.map((x) => `${x.pipeline}/${x.external_id}/${x.attempt}`), [
      'dashboard-development/101/1', 'dashboard-development/103/2',
      'dashboard-production/p-1/1', 'dashboard-staging/501/1',
    ]);
    const prod = a.envs.find((e) => e.name === 'production');
    assert.equal(prod.live, '1.4.0');
    assert.deepEqual(prod.pipelines, ['dashboard-production:failed']);
  });

  it('filters and pages runs', async () => {
    const failed = await getJson(inOrder, '/api/v1/runs?status=failed');
    assert.deepEqual(failed.items.map((r) => r.external_id).sort(), ['102', '502', 'p-2']);
    const staging = await getJson(inOrder, '/api/v1/runs?environment=staging');
    assert.deepEqual(staging.items.map((r) => r.external_id), ['503', '502', '501']);
    const seen = [];
    let cursor = null;
    do {
      const page = await getJson(inOrder, `/api/v1/runs?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((r) => r.id));
      cursor = page.next;
    } while (cursor);
    assert.equal(seen.length, 9);
    assert.equal(new Set(seen).size, 9);
    const window = await getJson(inOrder, `/api/v1/runs?from=${at(30)}&to=${at(50)}`);
    assert.deepEqual(window.items.map((r) => r.external_id), ['503', '502', '501']);
    const bad = await fetch(`${inOrder.url}/api/v1/runs?status=green`, { headers: ADMIN });
    assert.equal(bad.status, 400);
    const missing = await fetch(`${inOrder.url}/api/v1/runs/999999`, { headers: ADMIN });
    assert.equal(missing.status, 404);
    const pipelines = await getJson(inOrder, '/api/v1/pipelines');
    const prod = pipelines.items.find((p) => p.name === 'dashboard-production');
    assert.equal(prod.owner, 'ezops');
    assert.equal(prod.source, 'generic');
    assert.equal(prod.last_run.external_id, 'p-2');
  });

  it('refuses a bad signature with 401 and stores nothing', async () => {
    const server = await startServer(config);
    servers.push(server);
    const good = workflowRun({ workflow: 'Deploy', branch: 'develop', id: 777, status: 'in_progress', at: at(0) });
    const forged = { ...good, headers: { ...good.headers, 'X-Hub-Signature-256': `sha256=${'0'.repeat(64)}` } };
    const tampered = { ...good, body: good.body.replace('"in_progress"', '"completed"') };
    const wrongToken = generic({ pipeline: 'dashboard-production', run_id: 'x', status: 'running' });
    wrongToken.headers.Authorization = 'Bearer nope';
    const gitlabBad = gitlabPipeline({ id: 9, status: 'running', createdAt: at(0) });
    gitlabBad.headers['X-Gitlab-Token'] = 'nope';
    for (const d of [forged, tampered, wrongToken, gitlabBad]) {
      const r = await deliver(server.url, d);
      assert.equal(r.status, 401, r.text);
      assert.equal(r.json.error.code, 'unauthenticated');
    }
    assert.equal((await getJson(server, '/api/v1/runs')).items.length, 0);
    assert.equal((await getJson(server, '/api/v1/unmatched')).items.length, 0);
    // The genuine delivery after the forged ones is new, not a duplicate.
    const r = await deliver(server.url, good);
    assert.equal(r.json.status, 'accepted');
  });

  it('answers malformed JSON with 400 naming the problem, and stores nothing', async () => {
    const server = await startServer(config);
    servers.push(server);
    const truncated = generic({ pipeline: 'dashboard-production', run_id: 'x', status: 'running' });
    truncated.body = truncated.body.slice(0, 20);
    let r = await deliver(server.url, truncated);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.code, 'invalid_argument');
    const badType = generic({ pipeline: 'dashboard-production', run_id: 'x', status: 5 });
    r = await deliver(server.url, badType);
    assert.equal(r.status, 400);
    assert.equal(r.json.error.pointer, '/status');
    const badRun = workflowRun({ workflow: 'Deploy', branch: 'develop', id: 1, status: 'in_progress', at: at(0) });
    const payload = JSON.parse(badRun.body);
    payload.workflow_run.run_attempt = 'two';
    const resigned = workflowRun({ workflow: 'Deploy', branch: 'develop', id: 1, status: 'in_progress', at: at(0) });
    resigned.body = JSON.stringify(payload);
    const crypto = await import('node:crypto');
    resigned.headers['X-Hub-Signature-256'] = `sha256=${crypto.createHmac('sha256', SECRETS.github).update(resigned.body).digest('hex')}`;
    r = await deliver(server.url, resigned);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.pointer, '/workflow_run/run_attempt');
    assert.equal((await getJson(server, '/api/v1/runs')).items.length, 0);
  });

  it('stores an event for no pipeline as unmatched (202) and lists it', async () => {
    const server = await startServer(config);
    servers.push(server);
    const stray = workflowRun({ repo: 'acme/other', workflow: 'Nightly', branch: 'main', id: 4242, status: 'completed', conclusion: 'success', at: at(0) });
    const r = await deliver(server.url, stray);
    assert.equal(r.status, 202, r.text);
    assert.equal(r.json.status, 'unmatched');
    assert.match(r.json.reason, /acme\/other/);
    const again = await deliver(server.url, stray);
    assert.equal(again.json.status, 'duplicate');
    const list = await getJson(server, '/api/v1/unmatched');
    assert.equal(list.items.length, 1);
    const [u] = list.items;
    assert.equal(u.source, 'github');
    assert.equal(u.event_type, 'workflow_run');
    assert.equal(u.external_id, '4242');
    assert.deepEqual(u.keys, { repository: 'acme/other', workflow: 'Nightly', branch: 'main' });
    assert.equal((await getJson(server, '/api/v1/runs')).items.length, 0);
    // An unused GitHub event kind is 202 "ignored", and not stored.
    const push = workflowRun({ id: 1, status: 'in_progress', at: at(0) });
    push.headers['X-GitHub-Event'] = 'push';
    const ignored = await deliver(server.url, push);
    assert.equal(ignored.status, 202, ignored.text);
    assert.equal(ignored.json.status, 'ignored');
    assert.equal((await getJson(server, '/api/v1/unmatched')).items.length, 1);
  });

  it('sends the generic format with `opsdeck event`, retry-safe', async () => {
    const server = await startServer(config);
    servers.push(server);
    const env = { OPSDECK_URL: server.url, OPSDECK_EVENT_TOKEN: SECRETS.generic };
    const args = ['event', '--pipeline', 'dashboard-production', '--run-id', 'cli-1', '--status', 'running', '--version', '2.0.0'];
    let r = runCli(args, { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).status, 'accepted');
    r = runCli(args, { env });  // the same command again: same key, a duplicate
    assert.equal(JSON.parse(r.stdout).status, 'duplicate');
    r = runCli(['event', '--pipeline', 'dashboard-production', '--run-id', 'cli-1', '--stage', 'rollout', '--stage-status', 'succeeded'], { env });
    assert.equal(r.code, 0, r.stderr);
    r = runCli(['event', '--pipeline', 'dashboard-production', '--run-id', 'cli-1', '--status', 'succeeded'], { env });
    assert.equal(r.code, 0, r.stderr);
    const runs = (await getJson(server, '/api/v1/runs?pipeline=dashboard-production')).items;
    assert.equal(runs.length, 1);
    const run = await getJson(server, `/api/v1/runs/${runs[0].id}`);
    assert.equal(run.status, 'succeeded');
    assert.equal(run.version, '2.0.0');
    assert.deepEqual(run.stages.map((s) => s.name), ['rollout']);
    const live = (await getJson(server, '/api/v1/environments')).items.find((e) => e.name === 'production').live;
    assert.equal(live.version, '2.0.0');

    r = runCli(['event', '--pipeline', 'dashboard-production', '--run-id', 'x', '--status', 'green'], { env });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--status must be one of/);
    r = runCli(['event', '--pipeline', 'p', '--run-id', 'x', '--status', 'running'], { env: { ...env, OPSDECK_EVENT_TOKEN: 'wrong' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /HTTP 401/);
    assert.doesNotMatch(r.stderr + r.stdout, new RegExp(SECRETS.generic));
    const unmatched = runCli(['event', '--pipeline', 'nobody', '--run-id', 'x', '--status', 'running'], { env });
    assert.equal(unmatched.code, 0);
    assert.match(unmatched.stderr, /not used/);
  });
});
