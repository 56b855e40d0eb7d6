// `opsdeck audit docs --file-tickets` (the real binary) against the Jira
// emulator, for API version 3 (Cloud: basic auth, ADF) and 2 (Data Center:
// bearer, plain text): N gaps file N issues; later runs (each a new process
// on the same database) file none, also when the database lost the keys (the
// label search finds them); a fixed gap's issue gets exactly one comment;
// rejected credentials are reported clearly, exit 5 and file nothing; a 429
// Retry-After is honoured; --dry-run changes nothing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';

import { adfText, start } from './jira_emulator.mjs';
import { BINARY, SECRETS, tempDir } from './lib.mjs';

const EMAIL = 'ops@acme.example';
const EXIT_TICKETS_NOT_FILED = 5;

const emulators = [];
after(async () => { for (const e of emulators) await e.close(); });

// Three services without docs (one also without an owner): with the rule
// below, four gaps. Severity info, so a clean filing run exits 0.
function config({ dir, jiraUrl, version, token = SECRETS.jira, services = ['api', 'web', 'worker'] }) {
  const service = (name) => `    - {name: ${name}, environment: production${name === 'worker' ? '' : ', owner: ezops'}}`;
  return `
storage:
  type: sqlite
  path: ${dir}/opsdeck.db
log:
  level: warn
environments:
  - name: staging
  - name: production
    protected: true
catalog:
  services:
${services.map(service).join('\n')}
docs_audit:
  check_links: false
  rules:
    - {kinds: [service], require: [owner, docs], severity: info}
jira:
  url: ${jiraUrl}
  api_version: ${version}
${version === 3 ? `  email: ${EMAIL}\n` : ''}  token: "${token}"
  project: OPS
  issue_type: Task
  labels: [opsdeck, documentation]
`;
}

function setup(version, opts = {}) {
  const dir = tempDir('opsdeck-jira-');
  const file = path.join(dir, 'opsdeck.yaml');
  return {
    dir,
    file,
    write(jiraUrl, over = {}) { fs.writeFileSync(file, config({ dir, jiraUrl, version, ...opts, ...over })); },
    async audit(...flags) {
      const r = await runCli(['audit', 'docs', '--config', file, '--no-links', '--format', 'json', ...flags], { timeout: 60000 });
      let json = null;
      try { json = JSON.parse(r.stdout); } catch { /* asserted by the caller */ }
      for (const text of [r.stdout, r.stderr]) assert.ok(!text.includes(SECRETS.jira), 'the Jira token leaked into the output');
      return { ...r, json };
    },
  };
}

async function emulator(version, over = {}) {
  const emu = await start({ email: EMAIL, token: SECRETS.jira, ...over });
  emulators.push(emu);
  return emu;
}

const writes = (emu) => emu.requests.filter((r) => r.method === 'POST');

// The binary, run asynchronously: the emulator lives in this process, so a
// synchronous spawn would stop it from answering. Killed after `timeout`.
function runCli(args, { timeout = 60000 } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeout);
    proc.on('error', reject);
    proc.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

for (const version of [3, 2]) {
  describe(`audit docs --file-tickets, Jira API v${version}`, () => {
    it('files one issue per gap, and never again: not on a second run, not after the database lost the keys', async () => {
      const emu = await emulator(version);
      const s = setup(version);
      s.write(emu.url);
      const plain = await s.audit();
      assert.equal(plain.code, 0, plain.stderr);
      const gaps = plain.json.gaps;
      assert.equal(gaps.length, 4, JSON.stringify(gaps));
      assert.equal(emu.requests.length, 0, 'no Jira traffic without --file-tickets');

      const first = await s.audit('--file-tickets');
      assert.equal(first.code, 0, first.stderr + first.stdout);
      assert.equal(first.json.tickets.counts.filed, 4, JSON.stringify(first.json.tickets));
      assert.equal(emu.issues.length, 4);
      assert.equal(emu.stats.creates, 4);
      for (const gap of gaps) {
        const item = first.json.tickets.items.find((i) => i.fingerprint === gap.fingerprint);
        assert.ok(item, gap.fingerprint);
        const [issue] = emu.issueWithLabel(item.label);
        assert.ok(issue, `an issue labelled ${item.label}`);
        assert.equal(issue.key, item.ticket);
        assert.equal(issue.summary, gap.summary);
        assert.deepEqual(issue.labels, ['opsdeck', 'documentation', item.label]);
        assert.equal(issue.apiVersion, version);
        assert.ok(issue.description.includes(gap.fingerprint), issue.description);
        if (version === 3) assert.equal(issue.rawDescription.type, 'doc');
        else assert.equal(typeof issue.rawDescription, 'string');
      }
      const auth = emu.requests[0].auth;
      assert.match(auth, version === 3 ? /^Basic / : /^Bearer /);

      // A second run is a new process on the same database.
      const before = emu.requests.length;
      const second = await s.audit('--file-tickets');
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.json.tickets.counts.already_filed, 4);
      assert.equal(emu.stats.creates, 4);
      assert.equal(emu.requests.length, before, 'stored keys need no Jira request');

      // The database is gone: the label search finds every issue.
      fs.rmSync(path.join(s.dir, 'opsdeck.db'), { force: true });
      for (const ext of ['-wal', '-shm']) fs.rmSync(path.join(s.dir, `opsdeck.db${ext}`), { force: true });
      const lost = await s.audit('--file-tickets');
      assert.equal(lost.code, 0, lost.stderr);
      assert.equal(lost.json.tickets.counts.found, 4, JSON.stringify(lost.json.tickets));
      assert.equal(emu.stats.creates, 4);
      const searches = emu.requests.filter((r) => r.method === 'GET');
      assert.equal(searches.at(-1).path, version === 3 ? '/rest/api/3/search/jql' : '/rest/api/2/search');
      assert.match(searches.at(-1).query.jql, /^project = "OPS" AND labels = "opsdeck-gap-[0-9a-f]{12}"/);
      const third = await s.audit('--file-tickets');
      assert.equal(third.json.tickets.counts.already_filed, 4);
    });

    it('comments exactly once on the issue of a gap that was fixed', async () => {
      const emu = await emulator(version);
      const s = setup(version);
      s.write(emu.url);
      assert.equal((await s.audit('--file-tickets')).code, 0);
      // worker is gone from the catalog: its two gaps are fixed.
      s.write(emu.url, { services: ['api', 'web'] });
      const fixed = await s.audit('--file-tickets');
      assert.equal(fixed.code, 0, fixed.stderr);
      assert.equal(fixed.json.tickets.counts.commented, 2, JSON.stringify(fixed.json.tickets));
      const commented = emu.issues.filter((i) => i.comments.length > 0);
      assert.equal(commented.length, 2);
      for (const issue of commented) {
        assert.equal(issue.comments.length, 1);
        assert.match(issue.comments[0].body, /^opsdeck no longer finds this gap: /);
        assert.ok(issue.comments[0].body.includes(issue.summary));
      }
      const again = await s.audit('--file-tickets');
      assert.equal(again.code, 0);
      assert.equal(emu.stats.comments, 2, 'no second comment');
      assert.equal(emu.stats.creates, 4);
      if (version === 3) {
        const c = emu.requests.find((r) => r.method === 'POST' && r.path.endsWith('/comment'));
        assert.equal(c.json.body.type, 'doc');
        assert.ok(adfText(c.json.body).startsWith('opsdeck no longer finds this gap'));
      }
    });

    it('reports rejected credentials clearly, exits 5 and files nothing', async () => {
      const emu = await emulator(version);
      const s = setup(version, { token: 'it-wrong-token' });
      s.write(emu.url);
      const r = await s.audit('--file-tickets');
      assert.equal(r.code, EXIT_TICKETS_NOT_FILED, r.stderr + r.stdout);
      assert.equal(r.json.tickets.stopped.code, 'unauthenticated');
      assert.match(r.json.tickets.stopped.message, /^Jira rejected the credentials \(HTTP 401\)/);
      assert.equal(r.json.tickets.not_attempted, 3);
      assert.equal(emu.issues.length, 0);
      assert.equal(emu.stats.authFailures, 1, 'one rejected request, then the run stops');
      assert.equal(writes(emu).length, 0);
      assert.ok(!r.stdout.includes('it-wrong-token') && !r.stderr.includes('it-wrong-token'));
      const text = await runCli(['audit', 'docs', '--config', s.file, '--no-links', '--file-tickets']);
      assert.equal(text.code, EXIT_TICKETS_NOT_FILED);
      assert.match(text.stdout + text.stderr, /Jira rejected the credentials \(HTTP 401\)/);
    });

    it('waits out a 429 Retry-After before trying again', async () => {
      const emu = await emulator(version);
      emu.fault({ status: 429, retryAfter: 1, match: 'POST /issue', count: 1 });
      const s = setup(version);
      s.write(emu.url);
      const r = await s.audit('--file-tickets');
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.equal(emu.issues.length, 4);
      assert.equal(emu.stats.requestsDuringRetryAfter, 0, 'a request came before Retry-After ran out');
      const limited = emu.requests.findIndex((q) => q.status === 429);
      assert.ok(limited >= 0);
      const next = emu.requests[limited + 1];
      assert.ok(next.at - emu.requests[limited].at >= 1000, `retried after ${next.at - emu.requests[limited].at} ms`);
    });

    it('--dry-run shows what would be filed and files, comments and records nothing', async () => {
      const emu = await emulator(version);
      const s = setup(version);
      s.write(emu.url);
      const dry = await s.audit('--file-tickets', '--dry-run');
      assert.equal(dry.code, 0, dry.stderr);
      assert.equal(dry.json.tickets.dry_run, true);
      assert.equal(dry.json.tickets.counts.would_file, 4);
      assert.equal(writes(emu).length, 0);
      const real = await s.audit('--file-tickets');
      assert.equal(real.json.tickets.counts.filed, 4, 'the dry run recorded nothing');
      assert.equal((await runCli(['audit', 'docs', '--config', s.file, '--dry-run'])).code, 2, '--dry-run needs --file-tickets');
    });
  });
}
