// Shared helpers for the browser tests (node --test + playwright-core):
// a free loopback port, the real opsdeck binary on a temp config, Debian's
// Chromium, and a watcher that collects everything a page should never
// produce (console errors, uncaught exceptions, CSP violations, failed loads).
// No browser is downloaded: Chromium comes from the Debian package.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const resultsDir = path.join(repoRoot, 'test-results');

export const chromiumPath = process.env.OPSDECK_CHROMIUM || '/usr/bin/chromium';
export const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const kHealthTimeoutMs = 20000;
const kStopTimeoutMs = 10000;
const kMaxLogBytes = 64 * 1024;

/** The opsdeck binary under test: $OPSDECK_BINARY, else build/opsdeck. */
export function binaryPath() {
  return path.resolve(repoRoot, process.env.OPSDECK_BINARY || 'build/opsdeck');
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function yamlString(value) {
  return JSON.stringify(String(value)); // a JSON string is a valid YAML scalar
}

/**
 * The config file text for a test server. `auth` is a flat object of `auth:`
 * keys ({ anonymous_read: true }). `extra` is YAML text appended as it is
 * (top-level sections such as `sources:` and `pipelines:`).
 */
export function configYaml({ port, dbPath, environments, auth, extra }) {
  const lines = [
    'server:',
    `  listen: ${yamlString(`127.0.0.1:${port}`)}`,
    'storage:',
    '  type: sqlite',
    `  path: ${yamlString(dbPath)}`,
  ];
  if (environments) {
    lines.push('environments:');
    for (const env of environments) {
      lines.push(`  - name: ${yamlString(env.name)}`);
      if (env.protected) lines.push('    protected: true');
    }
  }
  if (auth) {
    lines.push('auth:');
    for (const [key, value] of Object.entries(auth)) {
      lines.push(`  ${key}: ${typeof value === 'string' ? yamlString(value) : String(value)}`);
    }
  }
  if (extra) lines.push(extra.trimEnd());
  return lines.join('\n') + '\n';
}

function waitForExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => { clearTimeout(timer); resolve(true); });
  });
}

async function waitForHealthy(url, child, logs) {
  const deadline = Date.now() + kHealthTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`opsdeck exited (${child.exitCode ?? child.signalCode}) before /healthz answered:\n${logs()}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`opsdeck did not answer GET /healthz 200 within ${kHealthTimeoutMs} ms:\n${logs()}`);
}

/**
 * Runs `opsdeck ARGS...` to completion, writing `input` to its stdin.
 * Resolves { code, stdout, stderr }; rejects when it runs past `timeoutMs`.
 */
export function runCli(args, { input = '', cwd, timeoutMs = 20000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(binaryPath(), args, { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`opsdeck ${args.join(' ')} ran past ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    child.stdin.on('error', () => { /* exited before reading: the exit code tells */ });
    child.stdin.end(input);
  });
}

/**
 * Starts `opsdeck serve --config FILE` on a free port with a fresh SQLite file
 * in a temp directory. `auth` goes to the config's `auth:` section, `extra`
 * (YAML text) is appended to the config. `setup`,
 * when given, runs once before the server starts, with { configPath, dir }
 * (for example to add users with runCli). Returns { url, port, dir,
 * configPath, logs(), stop() }; stop() is idempotent, ends the process
 * (SIGTERM, then SIGKILL) and removes the dir.
 */
export async function startServer({ environments, auth, extra, setup } = {}) {
  const binary = binaryPath();
  if (!existsSync(binary)) {
    throw new Error(`no opsdeck binary at ${binary}: build it (make build) or set OPSDECK_BINARY`);
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'opsdeck-e2e-'));
  const configPath = path.join(dir, 'opsdeck.yaml');
  const dbPath = path.join(dir, 'db');
  if (setup) {
    try {
      await writeFile(configPath, configYaml({ port: await freePort(), dbPath, environments, auth, extra }));
      await setup({ configPath, dir });
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }
  let lastError;
  for (let attempt = 0; attempt < 3; ++attempt) { // the port may be taken between probe and bind
    const port = await freePort();
    await writeFile(configPath, configYaml({ port, dbPath, environments, auth, extra }));
    let output = '';
    const logs = () => output;
    const child = spawn(binary, ['serve', '--config', configPath], {
      cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env },
    });
    const keep = (chunk) => { output = (output + chunk).slice(-kMaxLogBytes); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const killOnExit = () => { if (child.exitCode === null) child.kill('SIGKILL'); };
    process.on('exit', killOnExit);
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, kStopTimeoutMs))) {
          child.kill('SIGKILL');
          await waitForExit(child, kStopTimeoutMs);
        }
      }
      process.off('exit', killOnExit);
      await rm(dir, { recursive: true, force: true });
    };
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForHealthy(url, child, logs);
      return { url, port, dir, configPath, logs, stop };
    } catch (err) {
      lastError = err;
      stopped = true; // keep dir for the next attempt; kill this process only
      if (child.exitCode === null) child.kill('SIGKILL');
      await waitForExit(child, kStopTimeoutMs);
      process.off('exit', killOnExit);
      if (!/address|in use|bind/i.test(logs())) break;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

/** Debian's Chromium, headless. Each launch gets a fresh temporary profile. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: chromiumArgs,
    headless: true,
    timeout: 60000,
  });
}

/**
 * A new context + page that records everything that should never happen:
 * console errors (Chromium also logs CSP violations and failed loads there),
 * uncaught exceptions, securitypolicyviolation events, failed requests and
 * HTTP errors. `problems()` returns them all; an empty list is a clean page.
 */
export async function watchedPage(browser, contextOptions = {}) {
  const context = await browser.newContext({ locale: 'en-US', ...contextOptions });
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sample})`);
    });
  });
  const page = await context.newPage();
  const seen = [];
  page.on('console', (msg) => { if (msg.type() === 'error') seen.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => seen.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => {
    const why = req.failure()?.errorText || '';
    // A navigation cancels the old page's pending loads (net::ERR_ABORTED):
    // not a failure of the page itself. Anything else is.
    if (why === 'net::ERR_ABORTED') return;
    seen.push(`requestfailed: ${req.url()} ${why}`);
  });
  page.on('response', (res) => { if (res.status() >= 400) seen.push(`http ${res.status()}: ${res.url()}`); });
  const problems = async () => {
    let csp = [];
    try { csp = await page.evaluate(() => window.__cspViolations || []); } catch { /* page closed */ }
    return [...seen, ...csp.map((v) => `csp: ${v}`)];
  };
  return { context, page, problems, seenSoFar: () => [...seen] };
}

/** Saves a full-page screenshot to test-results/NAME and returns its path. */
export async function screenshot(page, name) {
  await mkdir(resultsDir, { recursive: true });
  const file = path.join(resultsDir, name);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * A raw GET (no URL normalisation, unlike fetch), for paths such as
 * "/static/../x". Resolves { status, headers, body }.
 */
export function rawGet(baseUrl, rawPath, headers = {}) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: rawPath, method: 'GET', headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${rawPath} timed out`)));
    req.end();
  });
}

/** The session cookie's name (auth.session.cookie_name's default). */
export const SESSION_COOKIE = 'opsdeck_session';

/**
 * Signs `user` in with the login form outside the browser; resolves the
 * "opsdeck_session=..." pair to send as a Cookie header.
 */
export async function signIn(baseUrl, user, password) {
  const login = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: user, password, next: '/' }).toString(),
  });
  assert.equal(login.status, 303, `sign-in of ${user}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0])
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  assert.ok(cookie, `a session cookie for ${user}`);
  return cookie;
}

/**
 * One JSON API call with a bearer token; resolves { status, json, text }
 * (json is null when the answer is not JSON).
 */
export async function apiCall(baseUrl, token, method, path, body) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10000),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

/** Relative luminance of a computed "rgb(r, g, b)" colour, 0 (black) to 1. */
export function luminance(rgb) {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
