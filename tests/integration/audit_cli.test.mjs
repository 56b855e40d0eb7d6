// `opsdeck audit docs` against the real binary: exit codes (0 pass, 1 a
// failing gap, 2 usage, config or export errors), the JSON shape documented
// in docs/docs-audit.md, AWS exports from tests/fixtures/aws-cli, link
// checks against a loopback server, and no secret in any output.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { BINARY, ROOT, SECRETS, runCli, secretsBlock, tempDir } from './lib.mjs';

const AWS = path.join(ROOT, 'tests', 'fixtures', 'aws-cli');

// spawnSync would block the loopback server below; this one does not.
function runAsync(args, timeout = 30000) {
  return new Promise((resolve, reject) => {
    const child = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timed out: ${args.join(' ')}`)); }, timeout);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

function writeConfig(body, { secrets = true } = {}) {
  const dir = tempDir('opsdeck-audit-');
  const file = path.join(dir, 'opsdeck.yaml');
  fs.writeFileSync(file, `storage: {path: ${dir}/db.sqlite}\n${secrets ? secretsBlock() : ''}\n${body}`);
  return file;
}

const GAPPY = `
pipelines:
  - {name: api-deploy, environment: production, kind: deploy, owner: devops,
     docs: "https://wiki.example.com/pipelines/api", match: {codepipeline: {name: dashboard-production}}}
  - {name: api-ci, environment: development, kind: build, match: {github: {repository: acme/api}}}
catalog:
  services:
    - {name: api, environment: production, owner: core, docs: "https://wiki.example.com/api",
       runbook: "https://wiki.example.com/runbooks/api", component: backend}
    - {name: billing, environment: production, component: backend}
  servers:
    - {name: backend-production-1, environment: production, owner: devops,
       docs: "https://wiki.example.com/servers", aws: {instance_id: i-0a1b2c3d4e5f60001}}
docs_audit:
  check_links: false
  rules:
    - {kinds: [service, server, pipeline], require: [owner, docs]}
    - {kinds: [service], environments: [production], require: [runbook], severity: critical}
    - {kinds: [server], require: [tags], severity: info}
`;

function assertNoSecrets(...texts) {
  for (const text of texts) {
    for (const secret of Object.values(SECRETS)) assert.ok(!text.includes(secret), `leaked ${secret}`);
  }
}

describe('opsdeck audit docs', () => {
  it('has --help', () => {
    for (const args of [['audit', '--help'], ['audit', 'docs', '--help']]) {
      const r = runCli(args);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /Usage|usage|USAGE/);
    }
    const help = runCli(['audit', 'docs', '--help']).stdout;
    for (const option of ['--config', '--aws', '--format', '--no-links']) assert.ok(help.includes(option), option);
    assert.equal(runCli(['audit']).code, 2, 'audit needs a subcommand');
  });

  it('exits 1 with every gap in JSON, the same on every run', () => {
    const file = writeConfig(GAPPY);
    const r = runCli(['audit', 'docs', '--config', file, '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.result, 'fail');
    assert.equal(out.fail_on, 'warning');
    assert.deepEqual(out.gaps.map((g) => g.fingerprint), [
      'missing_field:pipeline:api-ci:development:owner',
      'missing_field:pipeline:api-ci:development:docs',
      'missing_field:service:billing:production:owner',
      'missing_field:service:billing:production:docs',
      'missing_field:service:billing:production:runbook',
      'missing_field:server:backend-production-1:production:tags',
    ]);
    assert.equal(out.failing_gaps, 5);
    for (const gap of out.gaps) {
      assert.deepEqual(Object.keys(gap).sort(), ['description', 'detail', 'environment', 'fails', 'fingerprint',
        'kind', 'severity', 'subject', 'subject_kind', 'summary']);
    }
    const runbook = out.gaps.find((g) => g.detail === 'runbook');
    assert.equal(runbook.severity, 'critical');
    assert.equal(runbook.fails, true);
    assert.equal(runbook.summary, 'Document the runbook of service billing (production)');
    assert.match(runbook.description, /docs_audit\.rules\[1\]/);
    assert.equal(out.gaps.at(-1).severity, 'info');
    assert.equal(out.gaps.at(-1).fails, false);
    assert.deepEqual(out.coverage.overall, { items: 5, documented: 2, percent: 40 });
    assert.deepEqual(Object.keys(out.coverage.environments), ['development', 'staging', 'production']);
    assert.deepEqual(out.coverage.environments.production, { items: 4, documented: 2, percent: 50 });
    assert.deepEqual(out.coverage.environments.staging, { items: 0, documented: 0, percent: null });
    assert.deepEqual(out.coverage.kinds.pipeline, { items: 2, documented: 1, percent: 50 });
    assert.deepEqual(out.counts, { missing_field: 6, broken_link: 0, undocumented_resource: 0, missing_resource: 0 });
    assert.deepEqual(out.links, { checked: false, urls: 0, broken: 0 }, 'check_links: false');
    assert.equal(out.aws, null);
    assert.deepEqual(out.warnings, []);
    assert.equal(runCli(['audit', 'docs', '--config', file, '--format', 'json']).stdout, r.stdout,
      'the same config gives the same report');
    assertNoSecrets(r.stdout, r.stderr);
  });

  it('prints text grouped by kind and environment, ending with the verdict', () => {
    const file = writeConfig(GAPPY);
    const r = runCli(['audit', 'docs', '--config', file]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^Documentation coverage: 2 of 5 items fully documented \(40%\)\n/);
    assert.match(r.stdout, /\nMissing fields \(6\)\n {2}development\n {4}warning {3}Document the owner of pipeline api-ci \(development\)\n/);
    assert.match(r.stdout, /\n {4}critical {2}Document the runbook of service billing \(production\)\n/);
    assert.match(r.stdout, /\nFAIL: 6 gap\(s\), 5 at warning or above\n$/);
  });

  it('exits 0 when only info gaps remain, or none', () => {
    const info = writeConfig(`
catalog:
  servers:
    - {name: web-1, environment: production, owner: devops}
docs_audit:
  check_links: false
  rules:
    - {kinds: [server], require: [owner]}
    - {kinds: [server], require: [tags], severity: info}
`);
    const r = runCli(['audit', 'docs', '--config', info, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.result, 'pass');
    assert.equal(out.failing_gaps, 0);
    assert.equal(out.gaps.length, 1);
    const none = writeConfig('catalog:\n  services:\n    - {name: a, environment: production}\n');
    const t = runCli(['audit', 'docs', '--config', none]);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /\nPASS: no gaps\n$/);
  });

  it('exits 2 on a bad command line or an invalid config', () => {
    const good = writeConfig(GAPPY);
    const format = runCli(['audit', 'docs', '--config', good, '--format', 'xml']);
    assert.equal(format.code, 2);
    assert.equal(format.stdout, '');
    const dir = tempDir('opsdeck-audit-');
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'docs_audit:\n  rules:\n    - {kinds: [pipeline], require: [runbook]}\n');
    const r = runCli(['audit', 'docs', '--config', bad]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /bad\.yaml:3:\d+: docs_audit\.rules.*pipelines have no runbook/);
    assert.equal(runCli(['audit', 'docs', '--config', path.join(dir, 'missing.yaml')]).code, 2);
  });

  it('finds undocumented and missing AWS resources in CLI exports', () => {
    const file = writeConfig(GAPPY.replace('docs_audit:', `\
    - {name: gone-server, environment: production, owner: devops, docs: "https://wiki.example.com/servers",
       tags: [old], aws: {instance_id: i-0ffff00000000009}}
docs_audit:`));
    const r = runCli(['audit', 'docs', '--config', file, '--format', 'json',
      '--aws', path.join(AWS, 'ec2-describe-instances.json'),
      '--aws', path.join(AWS, 'ec2-paginated-max-items.json'),
      '--aws', path.join(AWS, 'codepipeline-list-pipelines.json')]);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.aws.exports, ['aws ec2 describe-instances', 'aws codepipeline list-pipelines']);
    assert.equal(out.aws.files.length, 3);
    assert.equal(out.aws.resources, 4 + 4, 'four live instances (paged ones merged), four pipelines');
    const drift = out.gaps.filter((g) => g.kind.endsWith('_resource')).map((g) => g.fingerprint).sort();
    assert.deepEqual(drift, [
      'missing_resource:server:gone-server:production:aws.instance_id=i-0ffff00000000009',
      'undocumented_resource:aws:codepipeline-pipeline:dashboard-development',
      'undocumented_resource:aws:codepipeline-pipeline:dashboard-staging',
      'undocumented_resource:aws:codepipeline-pipeline:legacy-importer',
      'undocumented_resource:aws:ec2-instance:i-0a1b2c3d4e5f60002',
      'undocumented_resource:aws:ec2-instance:i-0bad0000000000005',
      'undocumented_resource:aws:ec2-instance:i-0c0ffee0000000003',
    ]);
    const unnamed = out.gaps.find((g) => g.subject === 'i-0c0ffee0000000003');
    assert.equal(unnamed.subject_kind, 'ec2-instance');
    assert.equal(unnamed.environment, 'staging', 'from its Environment tag, "Staging"');
    assert.equal(out.gaps.find((g) => g.subject === 'i-0bad0000000000005').environment, null);
    assert.equal(unnamed.fails, true);
    assert.deepEqual(out.counts, { missing_field: 6, broken_link: 0, undocumented_resource: 6, missing_resource: 1 });
  });

  it('refuses an export it cannot read, naming the file, and imports nothing', () => {
    const file = writeConfig(GAPPY);
    for (const [name, pattern] of [
      ['bad-unknown-shape.json', /bad-unknown-shape\.json: not a known aws CLI export \(top-level keys: Buckets, Owner\)/],
      ['bad-table-output.json', /bad-table-output\.json: not valid JSON at line 1/],
      ['bad-query-array.json', /was --query used\?/],
    ]) {
      const r = runCli(['audit', 'docs', '--config', file, '--format', 'json',
        '--aws', path.join(AWS, 'ec2-describe-instances.json'), '--aws', path.join(AWS, name)]);
      assert.equal(r.code, 2, name);
      assert.equal(r.stdout, '', 'no half report');
      assert.match(r.stderr, pattern);
      assert.match(r.stderr, /nothing was imported/);
    }
    const missing = runCli(['audit', 'docs', '--config', file, '--aws', path.join(AWS, 'no-such.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no-such\.json: cannot read/);
  });

  describe('link checks', () => {
    let server;
    let base;
    const asked = [];
    before(async () => {
      server = http.createServer((req, res) => {
        asked.push(`${req.method} ${req.url}`);
        if (req.url === '/ok') return res.writeHead(200).end('ok');
        if (req.url === '/nohead') return res.writeHead(req.method === 'HEAD' ? 405 : 200).end('ok');
        if (req.url === '/to-http') return res.writeHead(302, { Location: `${base}/ok` }).end();
        return res.writeHead(404).end('missing');
      });
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${server.address().port}`;
    });
    after(() => new Promise((r) => server.close(r)));

    function linkConfig(extra = '') {
      return writeConfig(`
catalog:
  services:
    - {name: good, environment: production, owner: a, docs: "${base}/ok", runbook: "${base}/nohead"}
    - {name: bad, environment: staging, owner: a, docs: "${base}/missing"}
    - {name: moved, environment: staging, owner: a, docs: "${base}/to-http"}
docs_audit:
${extra}  rules:
    - {kinds: [service], require: [owner, docs]}
`);
    }

    it('reports links that do not answer as broken, each asked once', async () => {
      asked.length = 0;
      const r = await runAsync(['audit', 'docs', '--config', linkConfig(), '--format', 'json']);
      assert.equal(r.code, 1, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.deepEqual(out.links, { checked: true, urls: 4, broken: 2 });
      const broken = out.gaps.filter((g) => g.kind === 'broken_link');
      assert.deepEqual(broken.map((g) => [g.fingerprint, g.detail]), [
        ['broken_link:service:bad:staging:docs', `${base}/missing: HTTP 404`],
        ['broken_link:service:moved:staging:docs', `${base}/to-http: refused a redirect to a URL that is not https`],
      ]);
      assert.deepEqual(out.coverage.overall, { items: 3, documented: 1, percent: 33 });
      assert.deepEqual(asked.filter((a) => a.endsWith('/ok')), ['HEAD /ok'], 'HEAD, once; the http redirect not followed');
      assert.deepEqual(asked.filter((a) => a.endsWith('/nohead')), ['HEAD /nohead', 'GET /nohead']);
    });

    it('checks nothing with --no-links or check_links: false', async () => {
      asked.length = 0;
      const flag = await runAsync(['audit', 'docs', '--config', linkConfig(), '--format', 'json', '--no-links']);
      assert.equal(flag.code, 0, flag.stderr);
      assert.equal(JSON.parse(flag.stdout).links.checked, false);
      const off = await runAsync(['audit', 'docs', '--config', linkConfig('  check_links: false\n'), '--format', 'json']);
      assert.equal(off.code, 0, off.stderr);
      assert.equal(JSON.parse(off.stdout).links.checked, false);
      assert.deepEqual(asked, []);
    });
  });
});
