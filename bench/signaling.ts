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

/** The origin each bench socket connected to, which its join proof signs. */
const originOf = new WeakMap<Socket, string>();

function client(url: string): Promise<Socket> {
  const s = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 30_000 });
  originOf.set(s, new URL(url).origin);
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
  const c = await s.timeout(30_000).emitWithAck('room:challenge', {}) as { ok: boolean; value: { challenge: string }; error?: unknown };
  if (!c.ok) throw new Error(`challenge failed: ${JSON.stringify(c.error)}`);
  const bundle = id.bundle(room);
  const origin = originOf.get(s)!;
  const proof = id.joinProof({ challenge: c.value.challenge, roomId: room, origin, keyId: bundle.keyId });
  const r = await s.timeout(30_000).emitWithAck('room:join', { roomId: room, displayName: 'b', bundle, origin, proof }) as { ok: boolean; value: { selfId: string }; error?: unknown };
  if (!r.ok) throw new Error(`join failed: ${JSON.stringify(r.error)}`);
  return r.value.selfId;
};
const joinBare: Joiner = async (s, room) => { await s.timeout(30_000).emitWithAck('join', room); return s.id!; };

/** A relay setup: `pairs` sender/receiver pairs; `run` sends at `rate` msg/s for `ms` and records receiver-side latency. */
async function relaySetup(kind: Kind, senderUrl: string, receiverUrl: string, pairs: number) {
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
  let sent = 0;
  const event = kind === 'ours' ? 'signal:relay' : 'relay';
  // The server relays the link binding opaquely: a well-formed dummy costs what a real one does.
  const BENCH_BINDING = { v: 2, role: 'offer', senderKeyId: 'A'.repeat(22), recipientKeyId: 'B'.repeat(22), mac: 'C'.repeat(43) };
  for (const r of receivers) {
    r.on(event, (m: { signal?: { sdp: string }; data?: { sdp: string } }) => {
      const sdp = kind === 'ours' ? m.signal!.sdp : m.data!.sdp;
      lat.push(performance.now() - Number(sdp.slice(0, sdp.indexOf('|'))));
      received++;
    });
  }
  const send = (i: number) => {
    const sdp = `${performance.now()}|${SDP}`;
    if (kind === 'ours') senders[i]!.emit('signal:relay', { to: ids[i], signal: { type: 'offer', sdp }, binding: BENCH_BINDING });
    else senders[i]!.emit('relay', { to: ids[i], data: { type: 'offer', sdp } });
  };
  return {
    async run(rate: number, ms: number, record: boolean) {
      const total = Math.round((rate * ms) / 1000);
      const perTick = Math.max(1, Math.round(rate / 200));
      const from = lat.length;
      const start = performance.now();
      for (let k = 0; k < total;) {
        for (let j = 0; j < perTick && k < total; j++, k++) send(sent++ % pairs);
        await sleep(Math.max(0, start + (k / rate) * 1000 - performance.now()));
      }
      for (let i = 0; i < 200 && received < sent; i++) await sleep(25);
      if (!record) lat.splice(from);
    },
    result: () => ({ p50: pct(lat, 50), p99: pct(lat, 99), loss: sent - received, sent }),
    close: () => { for (const s of [...senders, ...receivers]) s.disconnect(); }
  };
}

/** Fan-out setup: a room of `size`; each `round` sends a rotation notice (ours) or a broadcast (bare), timed to the last recipient. */
async function fanoutSetup(kind: Kind, url: string, size: number, rounds: number) {
  const members = await clients(url, size);
  const room = `fan-${size}`;
  const sender = new TestIdentity();
  if (kind === 'ours') { await joinOurs(members[0]!, room, sender); for (const m of members.slice(1)) await joinOurs(m, room, new TestIdentity()); }
  else for (const m of members) await joinBare(m, room, sender);
  await sleep(300);
  const notices = Array.from({ length: rounds }, () => sender.rotation(room));
  const event = kind === 'ours' ? 'keys:rotated' : 'broadcast';
  const times: number[] = [];
  let lost = 0;
  let r = 0;
  return {
    async round(record: boolean) {
      let got = 0;
      const done = new Promise<number>((resolve) => {
        for (const m of members.slice(1)) m.once(event, () => { if (++got === size - 1) resolve(performance.now()); });
      });
      const t0 = performance.now();
      if (kind === 'ours') members[0]!.emit('keys:rotate', { notice: notices[r++] });
      else members[0]!.emit('broadcast', { room, data: { notice: notices[r++] } });
      const end = await Promise.race([done, sleep(5000).then(() => -1)]);
      if (end < 0) { lost += size - 1 - got; for (const m of members) m.removeAllListeners(event); return; }
      if (record) times.push(end - t0);
    },
    result: () => ({ p50: pct(times, 50), p99: pct(times, 99), lost }),
    close: () => { for (const m of members) m.disconnect(); }
  };
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
  const kinds = ['ours', 'bare'] as const;
  const child: Record<Kind, Child> = { ours: await spawnServer('ours'), bare: await spawnServer('bare') };
  console.log('[bench] memory');
  for (const kind of kinds) results[kind].mem2k = await memoryPerClient(child[kind], 2000);
  if (big) for (const kind of kinds) results[kind].mem10k = await memoryPerClient(child[kind], big);
  // Both servers stay up; measurements alternate between them in short blocks so machine noise hits both alike.
  console.log('[bench] relay latency');
  const background: Socket[] = [];
  for (const kind of kinds) {
    const bg = await clients(child[kind].url, 1000);
    if (kind === 'ours') {
      const id = new TestIdentity();
      for (let i = 0; i < bg.length; i++) await joinOurs(bg[i]!, `bg-${Math.floor(i / 8)}`, id);
    }
    background.push(...bg);
  }
  const relays = { ours: await relaySetup('ours', child.ours.url, child.ours.url, 20), bare: await relaySetup('bare', child.bare.url, child.bare.url, 20) };
  for (const kind of kinds) await relays[kind].run(2000, 500, false);
  for (let block = 0; block < 6; block++) for (const kind of kinds) await relays[kind].run(2000, 1000, true);
  for (const kind of kinds) {
    const rl = relays[kind].result();
    Object.assign(results[kind], { relayP50: rl.p50, relayP99: rl.p99, relayLoss: rl.loss, relaySent: rl.sent });
    relays[kind].close();
  }
  for (const s of background) s.disconnect();
  console.log('[bench] fan-out');
  for (const size of [50, 200]) {
    const fan = { ours: await fanoutSetup('ours', child.ours.url, size, 45), bare: await fanoutSetup('bare', child.bare.url, size, 45) };
    for (let r = 0; r < 45; r++) for (const kind of kinds) await fan[kind].round(r >= 5);
    for (const kind of kinds) {
      const fo = fan[kind].result();
      Object.assign(results[kind], { [`fan${size}P50`]: fo.p50, [`fan${size}P99`]: fo.p99, [`fan${size}Lost`]: fo.lost });
      fan[kind].close();
    }
  }
  for (const kind of kinds) child[kind].kill();
  if (hasRedis) {
    console.log('[bench] redis two-instance relay');
    const redis = await RedisProcess.start();
    try {
      const pairs = { ours: [await spawnServer('ours', redis.url), await spawnServer('ours', redis.url)],
        bare: [await spawnServer('bare', redis.url), await spawnServer('bare', redis.url)] };
      const rs = { ours: await relaySetup('ours', pairs.ours[0]!.url, pairs.ours[1]!.url, 20),
        bare: await relaySetup('bare', pairs.bare[0]!.url, pairs.bare[1]!.url, 20) };
      for (const kind of kinds) await rs[kind].run(1000, 500, false);
      for (let block = 0; block < 4; block++) for (const kind of kinds) await rs[kind].run(1000, 1000, true);
      for (const kind of kinds) {
        const rl = rs[kind].result();
        Object.assign(results[kind], { redisP50: rl.p50, redisP99: rl.p99, redisLoss: rl.loss });
        rs[kind].close();
        for (const c of pairs[kind]) c.kill();
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
