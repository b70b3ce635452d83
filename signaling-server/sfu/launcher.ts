// Starts a private local Janus (dev `--sfu` and tests): generated config folder, token_auth on, only VideoRoom + WebSockets.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { JanusClient } from './janus-client';

export const DEFAULT_JANUS_BIN = '/usr/bin/janus';

export class JanusNotInstalledError extends Error {}

export interface LaunchOptions {
  /** The janus binary (default /usr/bin/janus). */
  bin?: string;
  /** Folder holding plugins/, transports/, events/ and loggers/ (default: found under /usr/lib). */
  libDir?: string;
  /** WebSocket port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** UDP range for media (default 20000-40000). */
  rtpPortRange?: string;
  startTimeoutMs?: number;
  /** Reuse secrets (several instances behind one signaling service share them); default: fresh random ones. */
  apiSecret?: string;
  tokenSecret?: string;
}

export interface LocalJanus {
  /** Loopback WebSocket URL of the Janus API. */
  url: string;
  /** Janus `api_secret`, also the VideoRoom `admin_key`: what the signaling server sends. */
  apiSecret: string;
  /** Janus `token_auth_secret`: the HMAC key of client tokens. */
  tokenSecret: string;
  dir: string;
  logPath: string;
  pid: number;
  /** Stops Janus (SIGTERM, then SIGKILL) and removes the config folder. Idempotent. */
  stop(): Promise<void>;
}

const WANTED = { plugins: 'libjanus_videoroom.so', transports: 'libjanus_websockets.so' } as const;

export function findJanusLibDir(): string | null {
  const candidates = [`/usr/lib/${os.arch() === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/janus`, '/usr/lib/janus',
    '/usr/local/lib/janus', '/opt/janus/lib/janus'];
  return candidates.find((d) => existsSync(path.join(d, 'plugins', WANTED.plugins))) ?? null;
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Every shared object of `folder` except `keep`, for a `disable` line (Janus loads everything it finds). */
function disableAllBut(folder: string, keep?: string): string {
  if (!existsSync(folder)) return '';
  return readdirSync(folder).filter((f) => f.endsWith('.so') && f !== keep).join(',');
}

/** The three config files; secrets are base64url, so they need no escaping inside jcfg strings. */
export function janusConfigFiles(o: { dir: string; libDir: string; port: number; apiSecret: string; tokenSecret: string; rtpPortRange: string }) {
  const lib = (sub: string) => path.join(o.libDir, sub);
  const core = `general: {
  configs_folder = "${o.dir}"
  plugins_folder = "${lib('plugins')}"
  transports_folder = "${lib('transports')}"
  events_folder = "${lib('events')}"
  loggers_folder = "${lib('loggers')}"
  debug_level = 4
  server_name = "veil-janus"
  api_secret = "${o.apiSecret}"
  token_auth = true
  token_auth_secret = "${o.tokenSecret}"
  admin_secret = "${randomBytes(24).toString('base64url')}"
  session_timeout = 60
}
media: {
  rtp_port_range = "${o.rtpPortRange}"
}
nat: {
  nice_debug = false
  ice_ignore_list = "vmnet"
  # ICE-lite: the client runs the checks on Janus's candidates from the SDP, one round trip sooner (Janus is reachable).
  ice_lite = true
}
plugins: {
  disable = "${disableAllBut(lib('plugins'), WANTED.plugins)}"
}
transports: {
  disable = "${disableAllBut(lib('transports'), WANTED.transports)}"
}
events: {
  disable = "${disableAllBut(lib('events'))}"
}
loggers: {
  disable = "${disableAllBut(lib('loggers'))}"
}
`;
  // admin_key: only the signaling server may create rooms; clients holding a token can join, never create.
  const videoroom = `general: {
  admin_key = "${o.apiSecret}"
  string_room_ids = false
}
`;
  const websockets = `general: {
  json = "plain"
  ws = true
  ws_port = ${o.port}
  ws_ip = "127.0.0.1"
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
`;
  return { 'janus.jcfg': core, 'janus.plugin.videoroom.jcfg': videoroom, 'janus.transport.websockets.jcfg': websockets };
}

async function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => { child.off('exit', done); resolve(false); }, ms);
    const done = () => { clearTimeout(timer); resolve(true); };
    child.once('exit', done);
  });
}

const tail = (file: string) => {
  try { return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n'); } catch { return '(no log)'; }
};

/** Starts Janus and resolves once its WebSocket API answers `info`; throws JanusNotInstalledError without a binary. */
export async function launchLocalJanus(opts: LaunchOptions = {}): Promise<LocalJanus> {
  const bin = opts.bin ?? DEFAULT_JANUS_BIN;
  if (!existsSync(bin)) {
    throw new JanusNotInstalledError(`Janus is not installed (no ${bin}): install it (Debian/Ubuntu: apt-get install janus) `
      + 'or point JANUS_URLS at a running Janus');
  }
  const libDir = opts.libDir ?? findJanusLibDir();
  if (!libDir) throw new JanusNotInstalledError('Janus plugins not found (no libjanus_videoroom.so under /usr/lib/*/janus/plugins)');
  const port = opts.port ?? await freeLoopbackPort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'veil-janus-'));
  const apiSecret = opts.apiSecret ?? randomBytes(24).toString('base64url');
  const tokenSecret = opts.tokenSecret ?? randomBytes(32).toString('base64url');
  for (const s of [apiSecret, tokenSecret]) {
    if (!/^[A-Za-z0-9_-]{16,256}$/.test(s)) throw new Error('launcher secrets must be 16–256 base64url characters');
  }
  for (const [name, text] of Object.entries(janusConfigFiles({ dir, libDir, port, apiSecret, tokenSecret, rtpPortRange: opts.rtpPortRange ?? '20000-40000' }))) {
    writeFileSync(path.join(dir, name), text, { mode: 0o600 });
  }
  const logPath = path.join(dir, 'janus.log');
  const child = spawn(bin, ['-F', dir, '-L', logPath, '-N', '-o'], { stdio: 'ignore' });
  child.on('error', () => undefined);
  const url = `ws://127.0.0.1:${port}`;
  let stopped: Promise<void> | null = null;
  const stop = () => (stopped ??= (async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await exited(child, 5000))) { child.kill('SIGKILL'); await exited(child, 5000); }
    }
    rmSync(dir, { recursive: true, force: true });
  })());
  const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
  const probe = new JanusClient({ url, apiSecret, requestTimeoutMs: 1000 });
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`janus exited at startup (${child.exitCode ?? child.signalCode}):\n${tail(logPath)}`);
      try { await probe.info(); break; } catch { /* not listening yet */ }
      if (Date.now() > deadline) throw new Error(`janus did not answer on ${url} in time:\n${tail(logPath)}`);
      await exited(child, 100);
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    probe.close();
  }
  return { url, apiSecret, tokenSecret, dir, logPath, pid: child.pid!, stop };
}
