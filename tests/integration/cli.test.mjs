// The command line: --help and --version, check-config, migrate, exit codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';

import { BINARY, ROOT, SECRETS, runCli, secretsBlock, tempDir } from './lib.mjs';

describe('opsdeck CLI', () => {
  it('has --help on every command and --version', () => {
    for (const args of [['--help'], ['serve', '--help'], ['check-config', '--help'], ['migrate', '--help'],
      ['notify', 'test', '--help']]) {
      const r = runCli(args);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /Usage|usage|USAGE/);
    }
    const v = runCli(['--version']);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^opsdeck \d+\.\d+\.\d+/);
    assert.equal(runCli([]).code, 2, 'no subcommand is a usage error');
    assert.equal(runCli(['frobnicate']).code, 2);
  });

  it('refuses a channel its kind cannot use, naming the channel but never its URL', () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad-channel.yaml');
    fs.writeFileSync(file, [
      'notifications:',
      '  channels:',
      '    - {name: pipes, type: discord, url: "https://discord.com/channels/SECRET-TOKEN-PART"}',
      '    - {name: loud, type: discord, url: "https://discord.com/api/webhooks/1/tok", mention_on_production_failure: ["@everyone"]}',
      '',
    ].join('\n'));
    const r = runCli(['check-config', file]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /notifications\.channels\.pipes: /);
    assert.match(r.stderr, /notifications\.channels\.loud: .*mention/i);
    assert.doesNotMatch(r.stderr, /SECRET-TOKEN-PART/);
  });

  it('accepts the example config', () => {
    const r = runCli(['check-config', path.join(ROOT, 'examples', 'opsdeck.yaml')]);
    assert.equal(r.code, 0, r.stderr);
  });

  it('reports an unknown key, a wrong type and an unset variable at once, with lines', () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, [
      'server:',                       // 1
      '  listen: 127.0.0.1:8080',      // 2
      '  threads: many',               // 3  wrong type
      '  colour: blue',                // 4  unknown key
      'sources:',                      // 5
      '  github:',                     // 6
      '    secret: ${OPSDECK_IT_UNSET_VAR}', // 7 unset variable
      '',
    ].join('\n'));
    const r = runCli(['check-config', file], { env: { OPSDECK_IT_UNSET_VAR: '' } });
    const env = { ...process.env };
    delete env.OPSDECK_IT_UNSET_VAR;
    const r2 = runCli(['check-config', file], { env });
    for (const res of [r2]) {
      assert.equal(res.code, 1);
      const out = res.stderr;
      assert.match(out, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: server\\.threads: `));
      assert.match(out, /bad\.yaml:4:\d+: server\.colour: /);
      assert.match(out, /bad\.yaml:7:\d+: sources\.github\.secret: .*OPSDECK_IT_UNSET_VAR/);
    }
    void r;
  });

  it('never prints a secret, even for a broken file that holds them', () => {
    const dir = tempDir();
    const file = path.join(dir, 'secrets.yaml');
    // Valid secrets plus errors around them: a wrong type next to the Discord
    // URL, an unknown key in jira, a bad token role.
    const text = secretsBlock()
      .replace('type: discord,', 'type: discord, username: [1, 2],')
      .replace('  project: OPS', '  project: OPS\n  colour: red')
      .replace('role: admin', 'role: superuser');
    fs.writeFileSync(file, `storage: {path: ${dir}/db}\n${text}`);
    const r = runCli(['check-config', file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error\(s\)/);
    for (const secret of Object.values(SECRETS)) {
      assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), `leaked: ${r.stderr}`);
    }
  });

  it('migrates an empty SQLite database and is idempotent', () => {
    const dir = tempDir();
    const file = path.join(dir, 'c.yaml');
    fs.writeFileSync(file, `storage: {type: sqlite, path: ${dir}/db.sqlite}\n`);
    const first = runCli(['migrate', '--config', file]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /applied [1-9]\d* migration/);
    const second = runCli(['migrate', '--config', file]);
    assert.equal(second.code, 0);
    assert.match(second.stdout, /applied 0 migration/);
  });

  it('exits 4 when the port is taken and 1 on an invalid config', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'server: {threads: 0}\n');
    assert.equal(runCli(['serve', '--config', bad]).code, 1);

    const blocker = net.createServer();
    await new Promise((r) => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address();
    const taken = path.join(dir, 'taken.yaml');
    fs.writeFileSync(taken, `server: {listen: "127.0.0.1:${port}"}\nstorage: {path: ${dir}/db}\n`);
    const r = spawnSync(BINARY, ['serve', '--config', taken], { encoding: 'utf8', timeout: 20000 });
    blocker.close();
    assert.equal(r.status, 4, r.stderr);
    assert.match(r.stderr, /cannot listen on 127\.0\.0\.1:\d+/);
  });
});
