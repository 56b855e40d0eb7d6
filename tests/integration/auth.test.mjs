// Accounts, roles and hardening over HTTP against the real binary: the whole
// route table walked for every role, CSRF on cookie mutations, sign-in
// throttling, audit actors for users, tokens and the proxy header, security
// headers, and no secret in any answer or log line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  ADMIN, ROOT, assertNoSecretsLeaked, runCli, secretsBlock, sleep, startServer,
} from './lib.mjs';

const ROLE_TOKENS = {
  viewer: 'it-viewer-token-0123456789',
  'release-manager': 'it-rm-token-0123456789',
  devops: 'it-devops-token-0123456789',
};
const PASSWORD = 'it-password-0123';

// Every route and who may call it: written here independently of the server,
// and the server's table must match it exactly, so a new route cannot be
// added without saying who may call it.
const ANY = ['viewer', 'release-manager', 'devops', 'admin'];
const EXPECTED = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'public',
  'GET /api/v1/environments': ANY,
  'GET /api/v1/pipelines': ANY,
  'GET /api/v1/runs': ANY,
  'GET /api/v1/runs/{id}': ANY,
  'GET /api/v1/deployments': ANY,
  'GET /api/v1/unmatched': ANY,
  'GET /api/v1/notifications': ANY,
  'GET /api/v1/notifications/{id}': ANY,
  'POST /hooks/github': 'webhook',
  'POST /hooks/gitlab': 'webhook',
  'POST /hooks/aws': 'webhook',
  'POST /hooks/generic': 'webhook',
  'POST /hooks/alertmanager': 'webhook',
  'POST /hooks/heartbeat/{token}': 'webhook',
  'GET /hooks/heartbeat/{token}': 'webhook',
  'GET /api/v1/targets': ANY,
  'GET /api/v1/targets/{name}': ANY,
  'GET /api/v1/targets/{name}/results': ANY,
  'GET /api/v1/targets/{name}/series': ANY,
  'GET /api/v1/incidents': ANY,
  'GET /api/v1/incidents/{id}': ANY,
  'POST /api/v1/incidents/{id}/acknowledge': ['devops', 'admin'],
  'POST /api/v1/incidents/{id}/notes': ['devops', 'admin'],
  'GET /api/v1/maintenance': ANY,
  'POST /api/v1/maintenance': ['devops', 'admin'],
  'DELETE /api/v1/maintenance/{id}': ['devops', 'admin'],
  'GET /api/v1/stream': ANY,
  'GET /api/v1/audit': ANY,
  'POST /api/v1/config/reload': ['admin'],
  'GET /api/v1/routes': ANY,
  'GET /api/v1/me': ANY,
  'GET /api/v1/users': ['admin'],
  'POST /api/v1/users': ['admin'],
  'PATCH /api/v1/users/{name}': ['admin'],
  'GET /api/v1/tokens': ['admin'],
  'POST /api/v1/tokens': ['admin'],
  'DELETE /api/v1/tokens/{name}': ['admin'],
  'GET /api/v1/docs-audit': ANY,
  'GET /api/v1/docs-audit/gaps': ANY,
  'POST /api/v1/docs-audit/run': ['devops', 'admin'],
  'GET /api/v1/docs-audit/aws-exports': ANY,
  'POST /api/v1/docs-audit/aws-exports': ['devops', 'admin'],
  'DELETE /api/v1/docs-audit/aws-exports/{name}': ['devops', 'admin'],
  'POST /api/v1/docs-audit/tickets': ['devops', 'admin'],
  'GET /docs-audit': ANY,
  'GET /audit': ANY,
  'GET /badge/pipeline/{file}': ANY,
  'GET /badge/environment/{file}': ANY,
  'GET /badge/target/{file}': ANY,
  'GET /': ANY,
  'GET /pipelines': ANY,
  'GET /runs/{id}': ANY,
  'GET /deployments': ANY,
  'GET /unmatched': ANY,
  'GET /notifications': ANY,
  'GET /targets': ANY,
  'GET /targets/{name}': ANY,
  'GET /incidents': ANY,
  'GET /incidents/{id}': ANY,
  'POST /api/v1/releases': ['release-manager', 'admin'],
  'GET /api/v1/releases': ANY,
  'GET /api/v1/releases/{id}': ANY,
  'POST /api/v1/releases/{id}/items/{item}/tick': ['release-manager', 'devops', 'admin'],
  'POST /api/v1/releases/{id}/items/{item}/untick': ['release-manager', 'devops', 'admin'],
  'POST /api/v1/releases/{id}/state': ['release-manager', 'admin'],
  'GET /api/v1/windows': ANY,
  'POST /api/v1/windows/{name}/book': ['release-manager', 'admin'],
  'POST /api/v1/windows/{name}/confirm': ['devops', 'admin'],
  'POST /api/v1/windows/{name}/override': ['admin'],
  'GET /api/v1/gate': ANY,
  'POST /api/v1/rollbacks': ['devops', 'admin'],
  'GET /api/v1/rollbacks': ANY,
  'GET /api/v1/rollbacks/{id}': ANY,
  'GET /releases': ANY,
  'GET /releases/{id}': ANY,
  'GET /windows': ANY,
  'GET /rollbacks': ANY,
  'GET /static/*': 'public',
  'GET /login': 'public',
  'POST /login': 'public',
  'POST /logout': ANY,
};

function config({ port, dir }) {
  const extraAuth = `    - {name: it-viewer, role: viewer, token: "${ROLE_TOKENS.viewer}"}
    - {name: it-rm, role: release-manager, token: "${ROLE_TOKENS['release-manager']}"}
    - {name: it-devops, role: devops, token: "${ROLE_TOKENS.devops}"}
  proxy_header: {header: X-Forwarded-User, trusted: [127.0.0.1, "::1"], default_role: viewer}`;
  return `
server: {listen: "127.0.0.1:${port}"}
storage: {type: sqlite, path: ${dir}/opsdeck.db}
log: {level: info}
environments: [{name: development}, {name: staging}, {name: production, protected: true}]
${secretsBlock({ anonymousRead: false, extraAuth })}`;
}

function headersFor(who) {
  if (who === 'none') return {};
  if (who === 'admin') return { ...ADMIN };
  return { Authorization: `Bearer ${ROLE_TOKENS[who]}` };
}

async function signIn(server, user, password) {
  const r = await fetch(`${server.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: user, password, next: '/' }),
  });
  return r;
}

describe('accounts and roles', () => {
  let server;
  before(async () => {
    server = await startServer(config, {
      setup: ({ configPath }) => {
        for (const [name, role] of [['alice', 'admin'], ['carol', 'viewer']]) {
          const r = runCli(['user', 'add', name, '--role', role, '--config', configPath], { input: `${PASSWORD}\n` });
          assert.equal(r.code, 0, r.stderr);
        }
        const bob = runCli(['user', 'add', 'bob', '--role', 'admin', '--no-password', '--config', configPath]);
        assert.equal(bob.code, 0, bob.stderr);
      },
    });
  });
  after(async () => {
    assert.equal((await server.stop()).code, 0);
    const scanned = await assertNoSecretsLeaked(server);
    assert.ok(scanned.answers > 50, `scanned ${scanned.answers} answers`);
  });

  it('walks the whole route table for every role and no auth', async () => {
    const list = await (await fetch(`${server.url}/api/v1/routes`, { headers: ADMIN })).json();
    const keys = list.items.map((r) => `${r.method} ${r.path}`);
    assert.deepEqual([...new Set(keys)].sort(), Object.keys(EXPECTED).sort());
    let checked = 0;
    for (const route of list.items) {
      const key = `${route.method} ${route.path}`;
      const allowed = EXPECTED[key];
      const path = route.path.replace(/\{[^}]+\}/g, 'nobody-x').replace('*', 'app.css');
      const mutation = !['GET', 'HEAD'].includes(route.method);
      for (const who of ['none', 'viewer', 'release-manager', 'devops', 'admin']) {
        const headers = headersFor(who);
        if (mutation) headers['Content-Type'] = key === 'POST /login' ? 'application/x-www-form-urlencoded' : 'application/json';
        const r = await fetch(server.url + path, {
          method: route.method, headers, redirect: 'manual', body: mutation ? (key === 'POST /login' ? 'username=&password=' : '{}') : undefined,
          // Bounded: an answer without Content-Length would keep a keep-alive
          // client waiting for the close (it once did, for 303 redirects).
          signal: AbortSignal.timeout(5000),
        });
        // An event stream never ends by itself: its head is the answer.
        const streaming = (r.headers.get('content-type') || '').startsWith('text/event-stream');
        const body = streaming ? (await r.body.cancel(), '') : await r.text();
        const gateCode = (() => { try { return JSON.parse(body).error.code; } catch { return null; } })();
        const deniedUnauth = (r.status === 401 && gateCode === 'unauthenticated') ||
          (r.status === 303 && (r.headers.get('location') || '').startsWith('/login?next='));
        const deniedRole = r.status === 403 && gateCode === 'permission_denied';
        const label = `${key} as ${who}: ${r.status} ${body.slice(0, 120)}`;
        if (allowed === 'webhook') {
          // Webhooks authenticate their sender themselves: a user's bearer
          // token or session is no signature, whoever sends it.
          assert.ok([401, 404].includes(r.status) && ['unauthenticated', 'not_found'].includes(gateCode),
            `a webhook without its signature or token is refused: ${label}`);
        } else if (allowed === 'public' || (who !== 'none' && allowed.includes(who))) {
          assert.ok(!deniedUnauth && !deniedRole, `should be allowed: ${label}`);
        } else if (who === 'none') {
          assert.ok(deniedUnauth, `should need authentication: ${label}`);
          if (mutation) assert.equal(r.status, 401, `a mutation without auth is 401: ${label}`);
        } else {
          assert.ok(deniedRole, `should be 403 for the role: ${label}`);
        }
        checked++;
      }
    }
    assert.equal(checked, Object.keys(EXPECTED).length * 5);
  });

  it('documents every API and webhook route in docs/openapi.yaml', async () => {
    const text = fs.readFileSync(path.join(ROOT, 'docs', 'openapi.yaml'), 'utf8');
    const documented = new Set();
    let current = null;
    for (const line of text.split('\n')) {
      const p = line.match(/^  (\/\S*):\s*$/);
      if (p) { current = p[1]; continue; }
      const m = line.match(/^    (get|post|put|patch|delete):/);
      if (m && current) documented.add(`${m[1].toUpperCase()} ${current}`);
      if (/^\S/.test(line)) current = null;
    }
    const list = await (await fetch(`${server.url}/api/v1/routes`, { headers: ADMIN })).json();
    const missing = list.items.map((r) => `${r.method} ${r.path}`)
      .filter((k) => !['GET /', 'GET /static/*'].includes(k) && !documented.has(k));
    assert.deepEqual(missing, []);
  });

  it('refuses a bad bearer token instead of treating it as anonymous', async () => {
    const r = await fetch(`${server.url}/api/v1/me`, { headers: { Authorization: 'Bearer nope' } });
    assert.equal(r.status, 401);
    assert.match(r.headers.get('www-authenticate'), /^Bearer/);
  });

  it('needs the CSRF token for a cookie-authenticated mutation', async () => {
    const login = await signIn(server, 'alice', PASSWORD);
    assert.equal(login.status, 303);
    const setCookie = login.headers.get('set-cookie');
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Lax/);
    const cookie = setCookie.split(';')[0];
    const page = await (await fetch(`${server.url}/`, { headers: { Cookie: cookie } })).text();
    const csrf = page.match(/<meta name="csrf-token" content="([^"]+)"/)[1];
    const body = JSON.stringify({ name: 'from-ui', role: 'viewer' });
    const without = await fetch(`${server.url}/api/v1/tokens`, {
      method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json' }, body,
    });
    assert.equal(without.status, 403);
    assert.equal((await without.json()).error.code, 'csrf_failed');
    const wrong = await fetch(`${server.url}/api/v1/tokens`, {
      method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-CSRF-Token': `${csrf}x` }, body,
    });
    assert.equal(wrong.status, 403);
    const ok = await fetch(`${server.url}/api/v1/tokens`, {
      method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body,
    });
    assert.equal(ok.status, 201);
    const created = await ok.json();
    assert.match(created.token, /^odk_/);
    // The new token works, and listing never shows it again.
    const me = await (await fetch(`${server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${created.token}` } })).json();
    assert.deepEqual(me, { name: 'from-ui', kind: 'token', role: 'viewer' });
    const list = await (await fetch(`${server.url}/api/v1/tokens`, { headers: ADMIN })).text();
    assert.ok(!list.includes(created.token));
  });

  it('refuses sign-in unchecked after 10 wrong passwords in a minute, and logs it', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await signIn(server, 'carol', `wrong-password-${i}`);
      assert.equal(r.status, 401, `attempt ${i + 1}`);
    }
    const t0 = Date.now();
    const refused = await signIn(server, 'carol', PASSWORD);  // the right password
    const took = Date.now() - t0;
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '60');
    assert.ok(!refused.headers.get('set-cookie'), 'no session');
    let line;
    for (let i = 0; i < 30 && !line; i++) {
      line = server.log.split('\n').find((l) => l.includes('sign-in refused') && l.includes('user=carol'));
      if (!line) await sleep(100);
    }
    assert.ok(line, 'the refusal is logged');
    assert.match(line, /user_failures=10/);
    // Another user from the same address still signs in.
    assert.equal((await signIn(server, 'alice', PASSWORD)).status, 303);
    void took;
  });

  it('ends every session of a user whose password is changed', async () => {
    const created = await fetch(`${server.url}/api/v1/users`, {
      method: 'POST', headers: { ...ADMIN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'erin', role: 'viewer', password: PASSWORD }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const cookies = [];
    for (let i = 0; i < 2; i++) {  // two browsers
      const login = await signIn(server, 'erin', PASSWORD);
      assert.equal(login.status, 303);
      cookies.push(login.headers.get('set-cookie').split(';')[0]);
    }
    const me = (cookie) => fetch(`${server.url}/api/v1/me`, { headers: { Cookie: cookie } });
    for (const c of cookies) assert.equal((await me(c)).status, 200);

    const changed = await fetch(`${server.url}/api/v1/users/erin`, {
      method: 'PATCH', headers: { ...ADMIN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ password: 'erin-new-password-42' }),
    });
    assert.equal(changed.status, 200, await changed.clone().text());
    for (const c of cookies) assert.equal((await me(c)).status, 401, 'the old session is gone');
    assert.equal((await signIn(server, 'erin', PASSWORD)).status, 401, 'the old password is refused');
    const again = await signIn(server, 'erin', 'erin-new-password-42');
    assert.equal(again.status, 303);
    assert.equal((await me(again.headers.get('set-cookie').split(';')[0])).status, 200);
  });

  it('names the actor of every mutation: user, token, proxy header, CLI', async () => {
    const byToken = await fetch(`${server.url}/api/v1/users`, {
      method: 'POST', headers: { ...ADMIN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'dave', role: 'viewer' }),
    });
    assert.equal(byToken.status, 201);
    const byProxy = await fetch(`${server.url}/api/v1/users/dave`, {
      method: 'PATCH', headers: { 'X-Forwarded-User': 'bob', 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'devops' }),
    });
    assert.equal(byProxy.status, 200, await byProxy.clone().text());
    assert.equal((await byProxy.json()).role, 'devops');
    // A proxy user without an account gets the default role (viewer): no mutation.
    const stranger = await fetch(`${server.url}/api/v1/users/dave`, {
      method: 'PATCH', headers: { 'X-Forwarded-User': 'mallory', 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'admin' }),
    });
    assert.equal(stranger.status, 403);

    const audit = async (q) => (await (await fetch(`${server.url}/api/v1/audit?${q}`, { headers: ADMIN })).json()).items;
    const dave = await audit('entity_type=user&entity_id=dave');
    assert.deepEqual(dave.map((e) => [e.action, e.actor]).reverse(), [
      ['create', 'token:it-admin'],
      ['set-role', 'proxy:bob'],
    ]);
    assert.equal(dave[0].before.role, 'viewer');
    assert.equal(dave[0].after.role, 'devops');
    const alice = await audit('entity_type=user&entity_id=alice');
    assert.match(alice[0].actor, /^cli:/);
    const fromUi = await audit('entity_type=token&entity_id=from-ui');
    assert.equal(fromUi[0].actor, 'user:alice');
    const sessions = await audit('entity_type=session&entity_id=alice');
    assert.ok(sessions.some((e) => e.action === 'login' && e.actor === 'user:alice'));
    // No hash of any kind in the audit log.
    const all = JSON.stringify(await audit('limit=500'));
    assert.ok(!/\$argon2id\$/.test(all));
  });

  it('sends security headers on every response', async () => {
    for (const path of ['/healthz', '/api/v1/nothing', '/login', '/metrics']) {
      const r = await fetch(server.url + path);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
      assert.match(r.headers.get('content-security-policy'), /frame-ancestors 'none'/, path);
      assert.ok(!/unsafe-inline/.test(r.headers.get('content-security-policy')), path);
      assert.equal(r.headers.get('referrer-policy'), 'same-origin', path);
    }
  });
});
