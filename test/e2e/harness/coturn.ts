// A private coturn for tests: TURN REST auth with the signaling server's shared secret, ready once it answers STUN.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface Coturn {
  /** `turn:<ip>:<port>?transport=udp` */
  url: string;
  port: number;
  /** Everything coturn logged so far (bounded). */
  log(): string;
  close(): Promise<void>;
}

const MAX_LOG = 2 * 1024 * 1024;

/** A UDP port free on `host` right now (coturn binds it a moment later; nobody else uses our private address). */
async function freeUdpPort(host: string): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => { s.once('error', reject); s.bind(0, host, () => resolve()); });
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** One STUN Binding request (RFC 8489 header, no attributes); true when any STUN response with our id comes back. */
async function stunAnswers(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const s = dgram.createSocket('udp4');
  const id = randomBytes(12);
  const req = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), id]);
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      s.on('message', (m) => { if (m.length >= 20 && m.subarray(8, 20).equals(id)) { clearTimeout(timer); resolve(true); } });
      s.on('error', () => { clearTimeout(timer); resolve(false); });
      s.send(req, port, host);
    });
  } finally {
    s.close();
  }
}

/** Starts `turnserver` on `host` (listening and relaying there only), with `use-auth-secret` and `secret`. */
export async function startCoturn(host: string, secret: string, timeoutMs = 20_000): Promise<Coturn> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'veil-coturn-'));
  const port = await freeUdpPort(host);
  const args = [
    '-n', `--listening-ip=${host}`, `--relay-ip=${host}`, `--listening-port=${port}`, '--min-port=40000', '--max-port=40999',
    '--use-auth-secret', `--static-auth-secret=${secret}`, '--realm=veil.test', '--fingerprint',
    '--no-tls', '--no-dtls', '--no-cli', '--no-tcp-relay', '--no-multicast-peers',
    `--db=${path.join(dir, 'turndb')}`, `--pidfile=${path.join(dir, 'turn.pid')}`, '--log-file=stdout', '--simple-log', '--verbose'
  ];
  const child: ChildProcess = spawn('turnserver', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d: Buffer) => { if (log.length < MAX_LOG) log += d.toString(); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(t);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const end = Date.now() + timeoutMs;
  while (!(await stunAnswers(host, port, 300))) {
    if (child.exitCode !== null || Date.now() > end) {
      await stop();
      throw new Error(`coturn did not answer STUN on ${host}:${port}: ${log.slice(-2000)}`);
    }
  }
  return { url: `turn:${host}:${port}?transport=udp`, port, log: () => log, close: stop };
}
