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

// Runs the binary to completion (check-config, migrate, --help).
export function runCli(args, { env = {}, timeout = 30000 } = {}) {
  const r = spawnSync(BINARY, args, { env: { ...process.env, ...env }, timeout, encoding: 'utf8' });
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
    const timer = sleep(ms).then(() => 'timeout');
    const r = await Promise.race([this.exit, timer]);
    if (r === 'timeout') {
      this.proc.kill('SIGKILL');
      await this.exit;
      throw new Error(`opsdeck did not exit within ${ms} ms of ${signal}`);
    }
    return r;
  }
}

// Writes `yaml` (a function of {port, dir}) and starts `opsdeck serve`.
export async function startServer(yaml, { env = {}, readyPath = '/healthz' } = {}) {
  const dir = tempDir();
  const port = await freePort();
  const configPath = path.join(dir, 'opsdeck.yaml');
  fs.writeFileSync(configPath, yaml({ port, dir }));
  const proc = spawn(BINARY, ['serve', '--config', configPath], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = new Server(proc, port, configPath, dir);
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
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, data: () => buf, closed, closedAt: () => closedAt }));
    socket.once('error', reject);
  });
}
