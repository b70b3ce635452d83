// Starts a private redis-server on a free port for a test file, and stops/restarts it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const REDIS_BIN = '/usr/bin/redis-server';
export const hasRedis = existsSync(REDIS_BIN);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function ping(port: number): boolean {
  try {
    return execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() === 'PONG';
  } catch { return false; }
}

export class RedisProcess {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'veil-redis-'));
  readonly pidfile = path.join(this.dir, 'redis.pid');
  constructor(readonly port: number) {}
  get url(): string { return `redis://127.0.0.1:${this.port}`; }

  static async start(): Promise<RedisProcess> {
    const r = new RedisProcess(await freePort());
    await r.start();
    return r;
  }

  async start(): Promise<void> {
    execFileSync(REDIS_BIN, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--daemonize', 'yes', '--pidfile', this.pidfile, '--dir', this.dir, '--logfile', path.join(this.dir, 'log')]);
    await waitFor(() => ping(this.port), `redis on ${this.port}`);
  }

  async stop(): Promise<void> {
    if (!existsSync(this.pidfile)) return;
    const pid = Number(readFileSync(this.pidfile, 'utf8').trim());
    try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
    await waitFor(() => { try { process.kill(pid, 0); return false; } catch { return true; } }, 'redis to stop');
    rmSync(this.pidfile, { force: true });
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
