// Signing in and out in a real browser against the real binary: a user made
// with `opsdeck user add`, the redirect of an unauthenticated visit to the
// login page, a wrong password, the session cookie, the user in the header,
// the CSRF token (logout form, <meta>, opsdeck.fetch) and signing out. Every
// page must keep a clean console under the strict CSP. Screenshots go to
// test-results/login*.png.
//   npm run test:e2e            (OPSDECK_BINARY defaults to build/opsdeck)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser, luminance, runCli, screenshot, SESSION_COOKIE, startServer, watchedPage } from './lib.mjs';

const USER = 'alice';
const ROLE = 'admin';
const PASSWORD = 'correct-horse-battery-staple-42';
const COOKIE = SESSION_COOKIE;
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

function form(fields) {
  return { 'content-type': 'application/x-www-form-urlencoded', body: new URLSearchParams(fields).toString() };
}

// POST /login outside the browser; resolves the 303 (or error) response.
function postLogin(server, fields) {
  const { body, ...headers } = form(fields);
  return fetch(`${server.url}/login`, { method: 'POST', headers, body, redirect: 'manual' });
}

// "opsdeck_session=VALUE" from a response's Set-Cookie headers, or null.
function sessionCookie(response) {
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0];
    if (pair.startsWith(`${COOKIE}=`) && pair.length > COOKIE.length + 1) return pair;
  }
  return null;
}

// Fills and submits the login form on the current page; resolves the POST's response.
async function submitLogin(page, username, password) {
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
    page.click('form[action="/login"] button[type="submit"]'),
  ]);
  await page.waitForLoadState('load');
  return response;
}

async function signIn(page, server) {
  await page.goto(`${server.url}/`);
  assert.equal(new URL(page.url()).pathname, '/login');
  const response = await submitLogin(page, USER, PASSWORD);
  assert.equal(response.status(), 303);
  assert.equal(page.url(), `${server.url}/`);
  return response;
}

describe('sign-in', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer({
      environments: [{ name: 'staging' }, { name: 'production', protected: true }],
      setup: async ({ configPath, dir }) => {
        const added = await runCli(['user', 'add', USER, '--role', ROLE, '--config', configPath],
          { input: `${PASSWORD}\n`, cwd: dir });
        assert.equal(added.code, 0, `opsdeck user add failed:\n${added.stdout}${added.stderr}`);
      },
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await Promise.allSettled([browser?.close(), server?.stop()]);
  });

  test('an unauthenticated visit to / goes to the login page', async () => {
    const raw = await fetch(`${server.url}/`, { redirect: 'manual' });
    assert.equal(raw.status, 303);
    assert.equal(raw.headers.get('location'), '/login?next=%2F');

    const { context, page, problems } = await watchedPage(browser, DESKTOP);
    try {
      // goto resolves with the first response that is not a redirect.
      const response = await page.goto(`${server.url}/`);
      const url = new URL(page.url());
      assert.equal(`${url.pathname}${url.search}`, '/login?next=%2F');
      assert.equal(response.status(), 200);
      assert.match(response.headers()['content-security-policy'] || '', /script-src 'self'/);
      assert.equal(await page.title(), 'Sign in · opsdeck');

      // A bare page: no navigation, no top bar, no link to itself.
      assert.equal(await page.locator('nav, .topbar, [data-sign-in]').count(), 0);
      assert.equal(await page.locator('form[method="post"][action="/login"]').count(), 1);
      assert.equal(await page.locator('input[name="username"]').getAttribute('autocomplete'), 'username');
      const password = page.locator('input[name="password"]');
      assert.equal(await password.getAttribute('type'), 'password');
      assert.equal(await password.getAttribute('autocomplete'), 'current-password');
      assert.equal(await page.locator('input[type="hidden"][name="next"]').inputValue(), '/');
      assert.equal(await page.locator('[role="alert"]').count(), 0);
      assert.equal(await page.evaluate(() => document.activeElement.name), 'username');
      // Both fields have visible labels.
      assert.equal(await page.getByLabel('Username').count(), 1);
      assert.equal(await page.getByLabel('Password').count(), 1);

      // A centred card.
      const card = await page.locator('.login__card').boundingBox();
      assert.ok(Math.abs(card.x + card.width / 2 - 640) <= 2, `card centre ${card.x + card.width / 2}`);

      assert.equal(await page.locator('[style]').count(), 0, 'no style attributes');
      assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline scripts');
      await screenshot(page, 'login.png');
      assert.deepEqual(await problems(), []);
    } finally {
      await context.close();
    }
  });

  test('the login page in dark mode and on a phone', async () => {
    {
      const { context, page, problems } = await watchedPage(browser, { ...DESKTOP, colorScheme: 'dark' });
      try {
        await page.goto(`${server.url}/login`);
        const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        const card = await page.locator('.login__card').evaluate((el) => getComputedStyle(el).backgroundColor);
        const text = await page.evaluate(() => getComputedStyle(document.body).color);
        assert.ok(luminance(bg) < 0.05, `dark background ${bg}`);
        assert.ok(luminance(card) < 0.05 && card !== bg, `dark card ${card} on ${bg}`);
        assert.ok(luminance(text) > 0.6, `dark-mode text ${text}`);
        await screenshot(page, 'login-dark.png');
        assert.deepEqual(await problems(), []);
      } finally {
        await context.close();
      }
    }
    const { context, page, problems } = await watchedPage(browser, PHONE);
    try {
      await page.goto(`${server.url}/login`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
      const card = await page.locator('.login__card').boundingBox();
      assert.ok(card.x >= 0 && card.x + card.width <= 390, `card ${JSON.stringify(card)}`);
      // 16px inputs: iOS does not zoom into the field.
      const size = await page.locator('input[name="username"]').evaluate((el) => getComputedStyle(el).fontSize);
      assert.equal(size, '16px');
      await screenshot(page, 'login-phone.png');
      assert.deepEqual(await problems(), []);
    } finally {
      await context.close();
    }
  });

  test('a wrong password shows the error and keeps the user name', async () => {
    const { context, page, problems } = await watchedPage(browser, DESKTOP);
    try {
      await page.goto(`${server.url}/`);
      const response = await submitLogin(page, USER, 'not-the-password');
      assert.equal(response.status(), 401);
      assert.equal(new URL(page.url()).pathname, '/login');
      const alert = page.locator('[role="alert"]');
      assert.equal(await alert.count(), 1);
      assert.ok(await alert.isVisible());
      assert.match(await alert.innerText(), /wrong/i);
      assert.equal(await page.locator('input[name="username"]').inputValue(), USER);
      assert.equal(await page.locator('input[name="password"]').inputValue(), '');
      assert.equal(await page.locator('input[name="next"]').inputValue(), '/');
      assert.equal(await page.evaluate(() => document.activeElement.name), 'password');
      assert.ok(!(await context.cookies()).some((c) => c.name === COOKIE), 'no session cookie');
      await screenshot(page, 'login-error.png');
      // The 401 of the POST itself (which Chromium also reports on the
      // console) is the only thing out of the ordinary.
      const expected = [
        `http 401: ${server.url}/login`,
        'console: Failed to load resource: the server responded with a status of 401 (Unauthorized)',
      ];
      const seen = await problems();
      assert.deepEqual(seen.filter((p) => !expected.includes(p)), [], seen.join('\n'));
      assert.ok(seen.includes(expected[0]), 'the failed sign-in answered 401');
    } finally {
      await context.close();
    }
  });

  test('the right password lands on the overview with the user in the header', async () => {
    const { context, page, problems } = await watchedPage(browser, DESKTOP);
    try {
      const response = await signIn(page, server);
      assert.equal(await response.headerValue('location'), '/');
      const setCookie = await response.headerValue('set-cookie');
      assert.match(setCookie, new RegExp(`^${COOKIE}=[^;]+;`));
      assert.match(setCookie, /;\s*HttpOnly/i);
      assert.match(setCookie, /;\s*SameSite=Lax/i);
      assert.match(setCookie, /;\s*Path=\//i);

      assert.equal((await page.locator('h1').innerText()).trim(), 'Overview');
      assert.equal(await page.locator('.sidenav').count(), 1);
      // (textContent: innerText puts a line break between flex items.)
      const who = await page.locator('header.topbar [data-account] .account__who').textContent();
      assert.equal(who.replace(/\s+/g, ' ').trim(), `Signed in as ${USER} · ${ROLE}`);
      assert.ok(await page.locator('[data-user-name]').isVisible());
      assert.ok(await page.locator('[data-user-role]').isVisible());
      assert.equal(await page.locator('[data-sign-in]').count(), 0);

      // The session cookie: HttpOnly, so scripts never see it.
      const cookie = (await context.cookies()).find((c) => c.name === COOKIE);
      assert.ok(cookie, 'session cookie set');
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.sameSite, 'Lax');
      assert.equal(cookie.path, '/');
      assert.ok(!(await page.evaluate(() => document.cookie)).includes(COOKIE));

      // One CSRF token: in the logout form and the <meta> app.js reads.
      const meta = await page.locator('meta[name="csrf-token"]').getAttribute('content');
      assert.ok(meta && meta.length >= 16, `csrf token ${meta}`);
      const field = page.locator('form[method="post"][action="/logout"] input[type="hidden"][name="csrf_token"]');
      assert.equal(await field.inputValue(), meta);

      // opsdeck.fetch sends it on same-origin mutations only.
      const seen = [];
      await page.route('**/__csrf-probe', async (route) => {
        seen.push({ method: route.request().method(), token: await route.request().headerValue('x-csrf-token') });
        await route.fulfill({ status: 204 });
      });
      const statuses = await page.evaluate(async () => [
        (await window.opsdeck.fetch('/__csrf-probe', { method: 'POST', body: 'x' })).status,
        (await window.opsdeck.fetch('/__csrf-probe')).status,
        (await window.opsdeck.fetch('/__csrf-probe', { method: 'delete', headers: { Accept: 'application/json' } })).status,
      ]);
      assert.deepEqual(statuses, [204, 204, 204]);
      assert.deepEqual(seen, [
        { method: 'POST', token: meta },
        { method: 'GET', token: null },
        { method: 'DELETE', token: meta },
      ]);

      await screenshot(page, 'login-signed-in.png');
      assert.deepEqual(await problems(), []);
    } finally {
      await context.close();
    }
  });

  test('the signed-in header fits a phone', async () => {
    const { context, page, problems } = await watchedPage(browser, PHONE);
    try {
      await signIn(page, server);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
      const button = await page.locator('form[action="/logout"] button').boundingBox();
      assert.ok(button.x + button.width <= 390, `Sign out button at ${JSON.stringify(button)}`);
      assert.ok(await page.locator('[data-user-name]').isVisible());
      assert.ok(await page.locator('[data-user-role]').isVisible());
      assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 1);
      await screenshot(page, 'login-signed-in-phone.png');
      assert.deepEqual(await problems(), []);
    } finally {
      await context.close();
    }
  });

  test('signing out returns to the login page and ends the session', async () => {
    const { context, page, problems } = await watchedPage(browser, DESKTOP);
    try {
      await signIn(page, server);
      const old = (await context.cookies()).find((c) => c.name === COOKIE);
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/login'),
        page.getByRole('button', { name: 'Sign out' }).click(),
      ]);
      assert.equal(await page.locator('form[action="/login"]').count(), 1);
      assert.ok(!(await context.cookies()).some((c) => c.name === COOKIE && c.value), 'cookie cleared');

      await page.goto(`${server.url}/`);
      const url = new URL(page.url());
      assert.equal(`${url.pathname}${url.search}`, '/login?next=%2F');
      // The old cookie no longer works: the session is gone on the server too.
      const replay = await fetch(`${server.url}/`, { redirect: 'manual', headers: { cookie: `${COOKIE}=${old.value}` } });
      assert.equal(replay.status, 303);
      assert.deepEqual(await problems(), []);
    } finally {
      await context.close();
    }
  });

  test('sign-out needs the session CSRF token', async () => {
    const login = await postLogin(server, { username: USER, password: PASSWORD, next: '/' });
    assert.equal(login.status, 303);
    const cookie = sessionCookie(login);
    assert.ok(cookie, 'session cookie');
    const html = await (await fetch(`${server.url}/`, { headers: { cookie } })).text();
    const token = html.match(/<meta name="csrf-token" content="([^"]+)">/)?.[1];
    assert.ok(token, 'csrf-token meta on a signed-in page');

    for (const fields of [{}, { csrf_token: 'wrong' }]) {
      const { body, ...headers } = form(fields);
      const refused = await fetch(`${server.url}/logout`, { method: 'POST', headers: { ...headers, cookie }, body, redirect: 'manual' });
      assert.equal(refused.status, 403, JSON.stringify(fields));
    }
    assert.equal((await fetch(`${server.url}/`, { headers: { cookie }, redirect: 'manual' })).status, 200, 'still signed in');

    const { body, ...headers } = form({ csrf_token: token });
    const out = await fetch(`${server.url}/logout`, { method: 'POST', headers: { ...headers, cookie }, body, redirect: 'manual' });
    assert.equal(out.status, 303);
    assert.equal(out.headers.get('location'), '/login');
    assert.equal((await fetch(`${server.url}/`, { headers: { cookie }, redirect: 'manual' })).status, 303);
  });

  test('next returns to the page asked for, never to another site', async () => {
    const cases = [
      ['/no/such?x=1', '/no/such?x=1'],
      ['//evil.example/x', '/'],
      ['https://evil.example/', '/'],
      ['/\\evil.example', '/'],
    ];
    for (const [next, expected] of cases) {
      const res = await postLogin(server, { username: USER, password: PASSWORD, next });
      assert.equal(res.status, 303, next);
      assert.equal(res.headers.get('location'), expected, next);
    }
  });
});
