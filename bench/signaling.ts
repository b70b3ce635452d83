// `npm run bench:signaling`: our signaling server vs a bare socket.io relay — memory per client, relay latency, fan-out, Redis.
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { createSignalingServer } from '../signaling-server/index';
import { TestIdentity } from '../test/support/signaling-bundles';
import { RedisProcess, hasRedis } from '../test/support/redis-server';

type Kind = 'ours' | 'bare';
const SELF = fileURLToPath(import.meta.url);
const SDP = `v=0\r\n${'a=x-bench:'.padEnd(1000, 'x')}\r\n`;
const BIG = 10_000;

// ---------- child: one server process (ours or bare), answering RSS queries over IPC ----------
async function serve(kind: Kind, redisUrl?: string): Promise<void> {
  let port: number;
  if (kind === 'ours') {
    const s = await createSignalingServer({
      host: '127.0.0.1', port: 0, logLevel: 'silent', roomCapacity: 250,
      socketEventsPerSec: 100_000, addressEventsPerSec: 10_000_000, maxStrikes: 1_000_000,
      ...(redisUrl ? { redisUrl, redisPrefix: 'bench' } : {})
    });
    port = s.port;
  } else {
    const httpServer = http.createServer();
    const io = new Server(httpServer, { maxHttpBufferSize: 64 * 1024, serveClient: false });
    if (redisUrl) {
      const pub = createClient({ url: redisUrl });
      const sub = pub.duplicate();
      await Promise.all([pub.connect(), sub.connect()]);
      io.adapter(createAdapter(pub, sub, { key: 'bare-io' }));
    }
    io.on('connection', (socket) => {
      socket.on('join', (room: string, ack?: () => void) => { void socket.join(room); ack?.(); });
      socket.on('relay', (m: { to: string; data: unknown }) => { io.to(m.to).emit('relay', { from: socket.id, data: m.data }); });
      socket.on('broadcast', (m: { room: string; data: unknown }) => { socket.to(m.room).emit('broadcast', { from: socket.id, data: m.data }); });
    });
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
    port = (httpServer.address() as AddressInfo).port;
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (m: string) => {
    if (m === 'rss') { gc?.(); gc?.(); process.send!({ rss: process.memoryUsage().rss }); }
  });
  process.send!({ port });
}

// ---------- orchestrator helpers ----------
interface Child { proc: ChildProcess; url: string; rss(): Promise<number>; kill(): void }

async function spawnServer(kind: Kind, redisUrl?: string): Promise<Child> {
  const proc = fork(SELF, ['serve', kind, ...(redisUrl ? [redisUrl] : [])], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: 'inherit' });
  const port = await new Promise<number>((resolve, reject) => {
    proc.once('message', (m: { port: number }) => resolve(m.port));
    proc.once('exit', (code) => reject(new Error(`server child exited ${code}`)));
  });
  return {
    proc, url: `http://127.0.0.1:${port}`,
    rss: () => new Promise((resolve) => { proc.once('message', (m: { rss: number }) => resolve(m.rss)); proc.send('rss'); }),
    kill: () => { proc.kill('SIGKILL'); }
  };
}

function client(url: string): Promise<Socket> {
  const s = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 30_000 });
  return new Promise((resolve, reject) => { s.once('connect', () => resolve(s)); s.once('connect_error', reject); });
}

async function clients(url: string, n: number, batch = 200): Promise<Socket[]> {
  const out: Socket[] = [];
  for (let i = 0; i < n; i += batch) out.push(...await Promise.all(Array.from({ length: Math.min(batch, n - i) }, () => client(url))));
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN; };

type Joiner = (s: Socket, room: string, id: TestIdentity) => Promise<string>;
const joinOurs: Joiner = async (s, room, id) => {
  const r = await s.timeout(30_000).emitWithAck('room:join', { roomId: room, displayName: 'b', bundle: id.bundle(room) }) as { ok: boolean; value: { selfId: string }; error?: unknown };
  if (!r.ok) throw new Error(`join failed: ${JSON.stringify(r.error)}`);
  return r.value.selfId;
};
const joinBare: Joiner = async (s, room) => { await s.timeout(30_000).emitWithAck('join', room); return s.id!; };

/** Relay latency: `pairs` senders at `rate` msg/s in total for `ms`, receiver-side timestamps; returns p50/p99 and loss. */
async function relayLatency(kind: Kind, senderUrl: string, receiverUrl: string, pairs: number, rate: number, ms: number) {
  const senders = await clients(senderUrl, pairs);
  const receivers = await clients(receiverUrl, pairs);
  const ids: string[] = [];
  for (let i = 0; i < pairs; i++) {
    const room = `pair-${i}`;
    if (kind === 'ours') { await joinOurs(senders[i]!, room, new TestIdentity()); ids.push(await joinOurs(receivers[i]!, room, new TestIdentity())); }
    else ids.push(receivers[i]!.id!);
  }
  const lat: number[] = [];
  let received = 0;
  const event = kind === 'ours' ? 'signal:relay' : 'relay';
  for (const r of receivers) {
    r.on(event, (m: { signal?: { sdp: string }; data?: { sdp: string } }) => {
      const sdp = kind === 'ours' ? m.signal!.sdp : m.data!.sdp;
      lat.push(performance.now() - Number(sdp.slice(0, sdp.indexOf('|'))));
      received++;
    });
  }
  const send = (i: number) => {
    const sdp = `${performance.now()}|${SDP}`;
    if (kind === 'ours') senders[i]!.emit('signal:relay', { to: ids[i], signal: { type: 'offer', sdp } });
    else senders[i]!.emit('relay', { to: ids[i], data: { type: 'offer', sdp } });
  };
  const total = Math.round((rate * ms) / 1000);
  const tickMs = 10;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  let sent = 0;
  const start = performance.now();
  while (sent < total) {
    for (let k = 0; k < perTick && sent < total; k++) send(sent++ % pairs);
    const due = start + (sent / rate) * 1000;
    await sleep(Math.max(0, due - performance.now()));
  }
  for (let i = 0; i < 200 && received < sent; i++) await sleep(25);
  for (const s of [...senders, ...receivers]) s.disconnect();
  const warm = lat.slice(Math.floor(lat.length * 0.1));
  return { p50: pct(warm, 50), p99: pct(warm, 99), loss: sent - received, sent };
}

/** Fan-out: one member sends a rotation notice (ours) or a broadcast (bare) to a room of `size`; time to the last recipient. */
async function fanout(kind: Kind, url: string, size: number, rounds: number) {
  const members = await clients(url, size);
  const room = `fan-${size}`;
  const sender = new TestIdentity();
  if (kind === 'ours') { await joinOurs(members[0]!, room, sender); for (const m of members.slice(1)) await joinOurs(m, room, new TestIdentity()); }
  else for (const m of members) await joinBare(m, room, sender);
  const notices = Array.from({ length: rounds + 3 }, () => sender.rotation(room));
  const times: number[] = [];
  let lost = 0;
  for (let r = 0; r < notices.length; r++) {
    const event = kind === 'ours' ? 'keys:rotated' : 'broadcast';
    let got = 0;
    const done = new Promise<number>((resolve) => {
      for (const m of members.slice(1)) m.once(event, () => { if (++got === size - 1) resolve(performance.now()); });
    });
    const t0 = performance.now();
    if (kind === 'ours') members[0]!.emit('keys:rotate', { notice: notices[r] });
    else members[0]!.emit('broadcast', { room, data: { notice: notices[r] } });
    const end = await Promise.race([done, sleep(5000).then(() => -1)]);
    if (end < 0) { lost += size - 1 - got; for (const m of members) m.removeAllListeners(event); continue; }
    if (r >= 3) times.push(end - t0);
  }
  for (const m of members) m.disconnect();
  return { p50: pct(times, 50), p99: pct(times, 99), lost };
}

async function memoryPerClient(child: Child, n: number): Promise<number> {
  const before = await child.rss();
  const socks = await clients(child.url, n);
  await sleep(500);
  const after = await child.rss();
  for (const s of socks) s.disconnect();
  await sleep(500);
  return (after - before) / n / 1024;
}

const rows: Array<[string, string, string, string]> = [];
const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
function row(name: string, ours: number, bare: number, unit: string, d = 2) {
  rows.push([name, `${f(ours, d)} ${unit}`, `${f(bare, d)} ${unit}`, bare > 0 ? `${f(ours / bare)}×` : 'n/a']);
  console.log(`  ${name}: ours ${f(ours, d)} ${unit}, bare ${f(bare, d)} ${unit}`);
}

async function orchestrate(): Promise<void> {
  const started = performance.now();
  const big = process.argv.includes('--quick') ? 0 : BIG;
  const results: Record<Kind, Record<string, number>> = { ours: {}, bare: {} };
  for (const kind of ['ours', 'bare'] as const) {
    console.log(`[bench] ${kind}`);
    const child = await spawnServer(kind);
    const r = results[kind];
    r.mem2k = await memoryPerClient(child, 2000);
    if (big && performance.now() - started < 60_000) r.mem10k = await memoryPerClient(child, big);
    const background = await clients(child.url, 1000);
    if (kind === 'ours') {
      const id = new TestIdentity();
      for (let i = 0; i < background.length; i++) await joinOurs(background[i]!, `bg-${Math.floor(i / 8)}`, id);
    }
    const rl = await relayLatency(kind, child.url, child.url, 20, 2000, 5000);
    Object.assign(r, { relayP50: rl.p50, relayP99: rl.p99, relayLoss: rl.loss, relaySent: rl.sent });
    for (const s of background) s.disconnect();
    for (const size of [50, 200]) {
      const fo = await fanout(kind, child.url, size, 30);
      Object.assign(r, { [`fan${size}P50`]: fo.p50, [`fan${size}P99`]: fo.p99, [`fan${size}Lost`]: fo.lost });
    }
    child.kill();
  }
  if (hasRedis) {
    const redis = await RedisProcess.start();
    try {
      for (const kind of ['ours', 'bare'] as const) {
        const [a, b] = [await spawnServer(kind, redis.url), await spawnServer(kind, redis.url)];
        const rl = await relayLatency(kind, a.url, b.url, 20, 1000, 3000);
        Object.assign(results[kind], { redisP50: rl.p50, redisP99: rl.p99, redisLoss: rl.loss });
        a.kill(); b.kill();
      }
    } finally { await redis.dispose(); }
  }
  const o = results.ours, b = results.bare;
  row('RSS per client, 2,000 clients', o.mem2k!, b.mem2k!, 'KiB', 1);
  if (o.mem10k !== undefined && b.mem10k !== undefined) row(`RSS per client, ${BIG.toLocaleString('en')} clients`, o.mem10k, b.mem10k, 'KiB', 1);
  row('relay p50 (1,000 bg clients, 2,000 msg/s, 1 KiB)', o.relayP50!, b.relayP50!, 'ms');
  row('relay p99', o.relayP99!, b.relayP99!, 'ms');
  row('relay lost messages', o.relayLoss!, b.relayLoss!, `of ${o.relaySent}`, 0);
  for (const size of [50, 200]) {
    row(`fan-out to ${size}: last recipient p50`, o[`fan${size}P50`]!, b[`fan${size}P50`]!, 'ms');
    row(`fan-out to ${size}: last recipient p99`, o[`fan${size}P99`]!, b[`fan${size}P99`]!, 'ms');
    row(`fan-out to ${size}: lost`, o[`fan${size}Lost`]!, b[`fan${size}Lost`]!, '', 0);
  }
  if (o.redisP50 !== undefined) {
    row('Redis 2-instance relay p50 (1,000 msg/s)', o.redisP50, b.redisP50!, 'ms');
    row('Redis 2-instance relay p99', o.redisP99!, b.redisP99!, 'ms');
    row('Redis 2-instance relay lost', o.redisLoss!, b.redisLoss!, '', 0);
  }
  console.log('\n| metric | ours | bare socket.io | ours/bare |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s; loopback, 2 cores; targets: relay ≤ 1.3× bare p50/p99, fan-out 200 p50 ≤ 15 ms, zero loss, ≤ 20 KiB/client)`);
}

if (process.argv[2] === 'serve') void serve(process.argv[3] as Kind, process.argv[4]);
else orchestrate().then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1); });
