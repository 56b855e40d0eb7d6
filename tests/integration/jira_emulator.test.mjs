// Self-test of the Jira emulator (jira_emulator.mjs) over real HTTP: create,
// search and comment in the v2 and v3 shapes, 400 with Jira's error
// collection for a missing field, a label with a space or a non-ADF v3 text,
// 401 for the wrong scheme or token, queued 429/5xx/drop faults that change
// nothing, and a close() that leaves no open handle.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { adfProblem, parseJql, start } from './jira_emulator.mjs';

const EMAIL = 'ops@acme.example';
const TOKEN = 'emu-token';
const BASIC = { Authorization: `Basic ${Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64')}` };
const BEARER = { Authorization: `Bearer ${TOKEN}` };
const adf = (text) => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });

async function call(url, { method = 'POST', body, headers = {} } = {}) {
  const r = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, headers: r.headers, json, text };
}

const emulators = [];
async function emulator(opts = {}) {
  const e = await start({ email: EMAIL, token: TOKEN, ...opts });
  emulators.push(e);
  return e;
}
after(async () => { for (const e of emulators) await e.close(); });

const fields = (over = {}) => ({
  project: { key: 'OPS' }, issuetype: { name: 'Task' }, summary: 'Document the runbook of api', labels: ['opsdeck', 'opsdeck-gap-abc'], ...over,
});

describe('Jira emulator', () => {
  it('creates, searches by label and comments in the v3 (ADF, basic auth) shape', async () => {
    const emu = await emulator();
    const created = await call(`${emu.url}/rest/api/3/issue`, { headers: BASIC, body: { fields: fields({ description: adf('No runbook.') }) } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.key, 'OPS-1');
    assert.equal(typeof created.json.id, 'string');
    const jql = 'project = "OPS" AND labels = "opsdeck-gap-abc" ORDER BY created ASC';
    const found = await call(`${emu.url}/rest/api/3/search/jql?jql=${encodeURIComponent(jql)}&fields=key&maxResults=10`, { method: 'GET', headers: BASIC });
    assert.equal(found.status, 200, found.text);
    assert.deepEqual(found.json.issues.map((i) => i.key), ['OPS-1']);
    const none = await call(`${emu.url}/rest/api/3/search/jql?jql=${encodeURIComponent('project = OPS AND labels = other')}`, { method: 'GET', headers: BASIC });
    assert.deepEqual(none.json.issues, []);
    const c = await call(`${emu.url}/rest/api/3/issue/OPS-1/comment`, { headers: BASIC, body: { body: adf('Fixed.') } });
    assert.equal(c.status, 201, c.text);
    assert.equal(emu.issues[0].description, 'No runbook.');
    assert.deepEqual(emu.issues[0].comments.map((x) => x.body), ['Fixed.']);
    assert.deepEqual(emu.stats.creates + emu.stats.searches + emu.stats.comments, 4);
    const legacy = await call(`${emu.url}/rest/api/3/search?jql=${encodeURIComponent(jql)}`, { method: 'GET', headers: BASIC });
    assert.equal(legacy.status, 410, 'Cloud removed /rest/api/3/search');
  });

  it('serves v2 with bearer auth and plain-text description and comments', async () => {
    const emu = await emulator();
    const created = await call(`${emu.url}/rest/api/2/issue`, { headers: BEARER, body: { fields: fields({ description: 'No runbook.' }) } });
    assert.equal(created.status, 201, created.text);
    const found = await call(`${emu.url}/rest/api/2/search?jql=${encodeURIComponent('project = OPS AND labels = "opsdeck-gap-abc"')}`, { method: 'GET', headers: BEARER });
    assert.equal(found.json.total, 1);
    assert.equal(found.json.issues[0].key, 'OPS-1');
    assert.equal((await call(`${emu.url}/rest/api/2/issue/OPS-1/comment`, { headers: BEARER, body: { body: 'Fixed.' } })).status, 201);
    assert.equal((await call(`${emu.url}/rest/api/2/issue/OPS-9/comment`, { headers: BEARER, body: { body: 'x' } })).status, 404);
  });

  it('answers 400 with the error collection for bad bodies, and stores nothing', async () => {
    const emu = await emulator();
    for (const [body, field] of [
      [{ fields: fields({ summary: undefined }) }, 'summary'],
      [{ fields: fields({ project: undefined }) }, 'project'],
      [{ fields: fields({ issuetype: undefined }) }, 'issuetype'],
      [{ fields: fields({ labels: ['has space'] }) }, 'labels'],
      [{ fields: fields({ description: 'plain text in v3' }) }, 'description'],
      [{ fields: fields({ description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] } }) }, 'description'],
    ]) {
      const r = await call(`${emu.url}/rest/api/3/issue`, { headers: BASIC, body });
      assert.equal(r.status, 400, `${field}: ${r.text}`);
      assert.ok(Array.isArray(r.json.errorMessages));
      assert.equal(typeof r.json.errors[field], 'string', `${field}: ${r.text}`);
    }
    const v2adf = await call(`${emu.url}/rest/api/2/issue`, { headers: BEARER, body: { fields: fields({ description: adf('x') }) } });
    assert.equal(v2adf.status, 400, 'v2 wants a string');
    assert.match(JSON.stringify((await call(`${emu.url}/rest/api/3/issue`, { headers: BASIC, body: { fields: fields({ labels: ['a b'] }) } })).json),
      /The label 'a b' contains spaces which is invalid\./);
    assert.equal(emu.issues.length, 0);
    const unbounded = await call(`${emu.url}/rest/api/3/search/jql?jql=${encodeURIComponent('order by created')}`, { method: 'GET', headers: BASIC });
    assert.equal(unbounded.status, 400);
  });

  it('answers 401 for a wrong token or the wrong scheme for the version', async () => {
    const emu = await emulator();
    const wrong = { Authorization: `Basic ${Buffer.from(`${EMAIL}:nope`).toString('base64')}` };
    for (const [version, headers] of [[3, wrong], [3, BEARER], [2, BASIC], [3, {}]]) {
      const r = await call(`${emu.url}/rest/api/${version}/issue`, { headers, body: { fields: fields() } });
      assert.equal(r.status, 401, `v${version} ${JSON.stringify(headers)}`);
      assert.match(r.json.errorMessages[0], /not authenticated/);
    }
    assert.equal(emu.stats.authFailures, 4);
    assert.equal(emu.issues.length, 0);
  });

  it('injects 429 with Retry-After, 5xx and drops that change nothing, and counts early retries', async () => {
    const emu = await emulator();
    emu.fault({ status: 429, retryAfter: 1, match: 'POST /issue' });
    emu.fault({ status: 503, match: 'POST /issue' });
    const limited = await call(`${emu.url}/rest/api/3/issue`, { headers: BASIC, body: { fields: fields() } });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '1');
    const early = await call(`${emu.url}/rest/api/3/issue`, { headers: BASIC, body: { fields: fields() } });
    assert.equal(early.status, 503);
    assert.equal(emu.stats.requestsDuringRetryAfter, 1);
    emu.fault({ status: 'drop', match: 'POST /issue' });
    await assert.rejects(call(`${emu.url}/rest/api/3/issue`, { headers: BASIC, body: { fields: fields() } }));
    assert.equal(emu.issues.length, 0);
    assert.equal(emu.stats.faults, 3);
    const ok = await call(`${emu.url}/rest/api/3/issue`, { headers: BASIC, body: { fields: fields() } });
    assert.equal(ok.status, 201);
  });

  it('parses the JQL opsdeck sends and checks ADF', () => {
    assert.deepEqual(parseJql('project = "OPS" AND labels = "opsdeck-gap-0a1b" ORDER BY created ASC'),
      { project: 'OPS', label: 'opsdeck-gap-0a1b', order: 'ASC' });
    assert.deepEqual(parseJql('project = OPS AND labels = x'), { project: 'OPS', label: 'x', order: 'ASC' });
    assert.equal(parseJql('labels = x'), null);
    assert.equal(adfProblem(adf('ok')), null);
    assert.match(adfProblem('text'), /Atlassian Document/);
    assert.match(adfProblem({ type: 'doc', version: 1, content: [{ type: 'text', text: 'x' }] }), /block/);
  });
});
