// Helpers for integration tests: start the real opsdeck binary on a free
// loopback port with a temp config, talk to it over HTTP and raw sockets, and
// always stop what was started.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BINARY = process.env.OPSDECK_BINARY || path.join(ROOT, 'build', 'opsdeck');

export function tempDir(prefix = 'opsdeck-it-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Secrets every integration config carries. No API answer, page or log line
// may ever contain them: assertNoSecretsLeaked() scans everything this
// process received from opsdeck and every log it wrote.
export const SECRETS = {
  discord: 'https://discord.com/api/webhooks/123456789012345678/it-secret-discord-Zq9xY',
  jira: 'it-secret-jira-token-Kx7wQ2',
  apiToken: 'it-secret-api-token-Pw3-0123456789',
  github: 'it-secret-github-webhook-Hs5vT',
  gitlab: 'it-secret-gitlab-token-Gq8mN',
  aws: 'it-secret-aws-events-token-Az4rB',
  generic: 'it-secret-generic-token-Ev2kL',
};
export const ADMIN = { Authorization: `Bearer ${SECRETS.apiToken}` };

export function secretsBlock({ anonymousRead = true, extraAuth = '' } = {}) {
  return `
auth:
  anonymous_read: ${anonymousRead}
  tokens:
    - {name: it-admin, role: admin, token: "${SECRETS.apiToken}"}
${extraAuth}
sources:
  github: {secret: "${SECRETS.github}"}
  gitlab: {token: "${SECRETS.gitlab}"}
  aws: {token_header: X-Opsdeck-Token, token: "${SECRETS.aws}", sns_topics: ["arn:aws:sns:eu-central-1:123456789012:it-pipelines"]}
  generic: {token: "${SECRETS.generic}"}
notifications:
  channels:
    - {name: pipeline-notifications, type: discord, url: "${SECRETS.discord}"}
jira:
  url: https://acme.atlassian.net
  api_version: 3
  email: ops@acme.example
  token: "${SECRETS.jira}"
  project: OPS
  issue_type: Task
`;
}

// Every answer fetched in this process is kept for the leak scan.
const received = [];
const realFetch = globalThis.fetch;
// A kept-alive connection the server closes as idle (idle_timeout) can race
// the next request sent on it; HTTP lets a client retry an idempotent
// request once on a fresh connection then (RFC 9112, 9.3.1), as browsers do.
// undici reports it as "fetch failed" with the socket error as the cause.
function closedUnderUs(error) {
  return error instanceof TypeError &&
    ['UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNRESET', 'EPIPE'].includes(error.cause?.code);
}
globalThis.fetch = async (...args) => {
  let r;
  try {
    r = await realFetch(...args);
  } catch (error) {
    const method = (args[1]?.method || args[0]?.method || 'GET').toUpperCase();
    if (!['GET', 'HEAD'].includes(method) || !closedUnderUs(error)) throw error;
    r = await realFetch(...args);
  }
  const copy = r.clone();
  received.push(copy.text().then((t) => `${JSON.stringify([...r.headers])}\n${t}`).catch(() => ''));
  return r;
};
export function recordReceived(text) { received.push(Promise.resolve(text)); }

export async function assertNoSecretsLeaked(...servers) {
  const texts = await Promise.all(received);
  for (const srv of servers) texts.push(srv.log, srv.stdout);
  let scanned = 0;
  for (const t of texts) {
    scanned += t.length;
    for (const [name, secret] of Object.entries(SECRETS)) {
      if (t.includes(secret)) throw new Error(`the ${name} secret leaked into: ${t.slice(0, 300)}`);
    }
  }
  if (scanned === 0) throw new Error('nothing was scanned');
  return { answers: texts.length - 2 * servers.length, bytes: scanned };
}

// Runs the binary to completion (check-config, migrate, --help).
export function runCli(args, { env = {}, timeout = 30000, input } = {}) {
  const r = spawnSync(BINARY, args, { env: { ...process.env, ...env }, timeout, encoding: 'utf8', input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A running `opsdeck serve`. Its stderr (the log) is kept in `.log`.
export class Server {
  constructor(proc, port, configPath, dir) {
    this.proc = proc;
    this.port = port;
    this.configPath = configPath;
    this.dir = dir;
    this.url = `http://127.0.0.1:${port}`;
    this.log = '';
    this.stdout = '';
    this.exit = new Promise((resolve) => {
      proc.on('exit', (code, signal) => resolve({ code, signal }));
    });
    proc.stderr.on('data', (d) => { this.log += d.toString(); });
    proc.stdout.on('data', (d) => { this.stdout += d.toString(); });
  }

  // Sends `signal` and waits for the exit, at most `ms`.
  async stop(signal = 'SIGTERM', ms = 15000) {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return this.exit;
    this.proc.kill(signal);
    let handle;
    const timer = new Promise((resolve) => { handle = setTimeout(() => resolve('timeout'), ms); });
    const r = await Promise.race([this.exit, timer]);
    clearTimeout(handle);  // a pending timer would keep the test process alive for `ms`
    if (r === 'timeout') {
      this.proc.kill('SIGKILL');
      await this.exit;
      throw new Error(`opsdeck did not exit within ${ms} ms of ${signal}`);
    }
    return r;
  }
}

// Writes `yaml` (a function of {port, dir}) and starts `opsdeck serve`.
// `setup({configPath, dir})` runs once before the server starts (e.g. to
// create users with the CLI on the same database).
// `reuseDir` starts it on an earlier server's directory (and so its SQLite
// database), e.g. after a SIGKILL.
export async function startServer(yaml, { env = {}, readyPath = '/healthz', setup, reuseDir } = {}) {
  const dir = reuseDir || tempDir();
  const port = await freePort();
  const configPath = path.join(dir, 'opsdeck.yaml');
  fs.writeFileSync(configPath, await yaml({ port, dir }));
  if (setup) await setup({ configPath, dir });
  const proc = spawn(BINARY, ['serve', '--config', configPath], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = new Server(proc, port, configPath, dir);
  if (readyPath === null) {  // the caller waits itself (e.g. over TLS)
    await sleep(300);
    if (proc.exitCode !== null) throw new Error(`opsdeck exited with ${proc.exitCode}:\n${server.log}`);
    return server;
  }
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      throw new Error(`opsdeck exited with ${proc.exitCode}:\n${server.log}`);
    }
    try {
      const r = await fetch(server.url + readyPath, { signal: AbortSignal.timeout(1000) });
      if (r.status > 0) return server;
    } catch { /* not up yet */ }
    await sleep(50);
  }
  await server.stop('SIGKILL').catch(() => {});
  throw new Error(`opsdeck did not answer within 20 s:\n${server.log}`);
}

export function sqliteConfig(extra = '') {
  return ({ port, dir }) => `
server:
  listen: 127.0.0.1:${port}
  threads: 2
storage:
  type: sqlite
  path: ${dir}/opsdeck.db
log:
  level: info
environments:
  - name: development
  - name: staging
  - name: production
    protected: true
${secretsBlock()}
${extra}`;
}

// Opens a raw TCP connection; resolves with {socket, data(), closed}.
export function rawConnect(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    let closedAt = null;
    const closed = new Promise((r) => socket.on('close', () => { closedAt = Date.now(); r(); }));
    socket.on('data', (d) => { buf += d.toString('latin1'); });
    socket.on('close', () => recordReceived(buf));
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, data: () => buf, closed, closedAt: () => closedAt }));
    socket.once('error', reject);
  });
}
