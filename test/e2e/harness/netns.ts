// Network namespaces for browser tests: two "hosts" with no route to each other, both reaching one service address.
//
// Layout (K picked so that 10.213.K.0/29 is unused on this machine):
//   nsA: 10.213.K.2/30 on a veth to the root's 10.213.K.1, the service address (coturn and the forwarders listen there)
//   nsB: 10.213.K.6/30 on a veth to the root's 10.213.K.5; its only extra route: 10.213.K.1/32 via 10.213.K.5
// Neither namespace has a default route, so A cannot even address B: the only path between them is a relay at .1.
// The harness' own servers listen on the root's 127.0.0.1; a TCP forwarder in each namespace (127.0.0.1:port →
// 10.213.K.1:port) and one in the root (10.213.K.1:port → 127.0.0.1:port) let pages keep their http://127.0.0.1 origin.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Null when namespaces can be made here, else why not (the suite then skips with this reason). */
export async function netnsUnavailableReason(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'not root (ip netns needs root; CI runs as root)';
  if (!existsSync('/usr/sbin/ip') && !existsSync('/sbin/ip') && !existsSync('/usr/bin/ip')) return 'no ip command (apt-get install iproute2)';
  if (!existsSync('/usr/bin/turnserver')) return 'no coturn (apt-get install coturn)';
  try {
    await run('ip', ['netns', 'list']);
  } catch (err) {
    return `ip netns is unavailable: ${err instanceof Error ? err.message : String(err)}`;
  }
  return null;
}

export interface NetHost { ns: string; ip: string }

/** Runs one `ip` command, with the command line in the error when it fails. */
async function ip(...args: string[]): Promise<string> {
  try {
    return (await run('ip', args)).stdout;
  } catch (err) {
    throw new Error(`ip ${args.join(' ')}: ${(err as { stderr?: string }).stderr?.trim() ?? String(err)}`);
  }
}

/** Plain TCP forwarder (CommonJS, run with `node -e`): argv = listenHost targetHost port...; prints "ready" once listening. */
const FORWARDER_JS = `
const net = require('node:net');
const [listenHost, targetHost, ...ports] = process.argv.slice(1);
let pending = ports.length;
for (const p of ports) {
  const srv = net.createServer((c) => {
    const u = net.connect(Number(p), targetHost);
    const end = () => { c.destroy(); u.destroy(); };
    c.on('error', end); u.on('error', end); c.on('close', end); u.on('close', end);
    c.pipe(u); u.pipe(c);
  });
  srv.on('error', (e) => { process.stderr.write(String(e) + '\\n'); process.exit(1); });
  srv.listen(Number(p), listenHost, () => { if (--pending === 0) process.stdout.write('ready\\n'); });
}
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

/** Starts a child and resolves once it printed `ready` (rejects with its stderr if it exits first). */
function startReady(cmd: string, args: string[], what: string, timeoutMs = 15_000): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${what}: not ready in ${timeoutMs} ms ${err}`)); }, timeoutMs);
    child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) { clearTimeout(timer); resolve(child); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${what} exited (${code}): ${err.trim()}`)); });
  });
}

export class NetLab {
  private readonly children: ChildProcess[] = [];
  private readonly links: string[] = [];
  private readonly namespaces: string[] = [];
  readonly a: NetHost;
  readonly b: NetHost;

  private constructor(private readonly id: string, readonly k: number, readonly serviceIp: string) {
    this.a = { ns: `veil-relay-a-${id}`, ip: `10.213.${k}.2` };
    this.b = { ns: `veil-relay-b-${id}`, ip: `10.213.${k}.6` };
  }

  /** Builds the two namespaces and the service address; on any failure, removes what it made and rethrows. */
  static async create(): Promise<NetLab> {
    const used = await ip('-4', '-o', 'addr', 'show');
    const start = process.pid % 250;
    let k = -1;
    for (let i = 0; i < 250 && k < 0; i++) if (!used.includes(`10.213.${(start + i) % 250}.`)) k = (start + i) % 250;
    if (k < 0) throw new Error('no free 10.213.K.0/29 subnet');
    const lab = new NetLab(String(process.pid % 100_000), k, `10.213.${k}.1`);
    try {
      await lab.build();
    } catch (err) {
      await lab.close();
      throw err;
    }
    return lab;
  }

  private async build(): Promise<void> {
    for (const [host, tag, rootIp] of [[this.a, 'a', `10.213.${this.k}.1`], [this.b, 'b', `10.213.${this.k}.5`]] as const) {
      await ip('netns', 'add', host.ns);
      this.namespaces.push(host.ns);
      const outer = `vr${tag}${this.id}`;
      const inner = `vr${tag}${this.id}p`;
      await ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
      this.links.push(outer);
      await ip('link', 'set', inner, 'netns', host.ns);
      await ip('addr', 'add', `${rootIp}/30`, 'dev', outer);
      await ip('link', 'set', outer, 'up');
      await ip('-n', host.ns, 'link', 'set', 'lo', 'up');
      await ip('-n', host.ns, 'addr', 'add', `${host.ip}/30`, 'dev', inner);
      await ip('-n', host.ns, 'link', 'set', inner, 'up');
      if (rootIp !== this.serviceIp) await ip('-n', host.ns, 'route', 'add', `${this.serviceIp}/32`, 'via', rootIp);
    }
  }

  /** `ip route get` from inside a namespace: throws (e.g. "Network is unreachable") when there is no route. */
  routeFrom(host: NetHost, to: string): Promise<string> {
    return ip('-n', host.ns, 'route', 'get', to);
  }

  /**
   * Makes the root's 127.0.0.1:port services reachable as 127.0.0.1:port inside both namespaces (through the
   * service address), so pages there keep the same origins and URLs.
   */
  async forwardLoopbackPorts(ports: number[]): Promise<void> {
    const list = ports.map(String);
    this.children.push(await startReady(process.execPath, ['-e', FORWARDER_JS, this.serviceIp, '127.0.0.1', ...list], 'root forwarder'));
    for (const host of [this.a, this.b]) {
      this.children.push(await startReady('ip', ['netns', 'exec', host.ns, process.execPath, '-e', FORWARDER_JS, '127.0.0.1', this.serviceIp, ...list],
        `forwarder in ${host.ns}`));
    }
  }

  /** An executable that starts Chromium inside `host`'s namespace (Playwright's `executablePath`). */
  async chromiumIn(host: NetHost, dir: string): Promise<string> {
    const file = path.join(dir, `chromium-${host.ns}.sh`);
    const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    await writeFile(file, `#!/bin/sh\nexec ip netns exec '${host.ns}' '${chromium}' "$@"\n`);
    await chmod(file, 0o755);
    return file;
  }

  /** Stops the forwarders and removes the namespaces and links; safe to call on a half-built lab. */
  async close(): Promise<void> {
    for (const c of this.children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const ns of this.namespaces) await ip('netns', 'del', ns).catch((e: unknown) => console.error(String(e)));
    for (const l of this.links) await ip('link', 'del', l).catch(() => { /* a veth goes with its namespace */ });
  }
}
