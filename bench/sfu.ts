// SFU path bench: join → first decrypted frame, SFrame cost per frame in a worker, call CPU with and without the transform
// (same run, same peers), SFrame bytes per frame, and members this machine holds on the SFU vs the mesh at one CPU budget.
// Media keys are the app's own: main makes, seals and sends them; mesh and SFU use the same 640x360 camera.
// Run: node scripts/build.mjs && npm run bench:sfu   (real Chromium, real Janus, real signaling server and main services)
// BENCH_SFU_PEERS (default 6), BENCH_WINDOW_MS (CPU sample, default 15000), BENCH_BUDGET_CORES (default 1.6 of 2),
// BENCH_SFU_PROFILE (a path prefix: the newcomer page's CPU profile of each join round).
import os from 'node:os';
import type { Page } from 'playwright-core';
import { createSignalingServer } from '../signaling-server/index';
import { startJanus } from '../test/support/janus';
import { Harness, type Peer } from '../test/e2e/harness/index';
import { REPO_ROOT } from '../test/e2e/harness/paths';
import { waitUntil } from '../test/e2e/harness/peer';
import { MEDIA_KEY_LIMITS } from '../protocol/media-key-wire';
import { TEST_CAMERA, sfuStats, SFU_STATUS_HOOK, workerStatus } from '../test/e2e/harness/sfu-keys';
import { coresOver } from './sfu-cpu';
import { threadCoresOver } from './thread-cpu';
import { passThroughCostPerFrame } from './transform-floor';
import { startProfile } from './page-profile';
import { frameCostInWorker } from './sfu-frame-cost';
import { FIRST_FRAME, JOIN_PHASE_HOOK, joinPhases, startJoinClock } from './sfu-join-phases';

const N = Number(process.env.BENCH_SFU_PEERS ?? 6);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 15_000);
const BUDGET = Number(process.env.BENCH_BUDGET_CORES ?? 1.6);
/** `bench:sfu:join` sets it to `join`: the join rows only (a quick loop while working on the join). */
const ONLY_JOIN = process.env.BENCH_SFU_ONLY === 'join';
/** A path prefix: each join round writes the newcomer page's CPU profile (Chrome DevTools format) there. */
const PROFILE_TO = process.env.BENCH_SFU_PROFILE;

/** Bench-only: with `bench.clear` set, no encoded transforms at all (the same call without SFrame). */
const BENCH_HOOK = `(() => {
  if (sessionStorage.getItem('bench.clear') === '1') {
    for (const P of [RTCRtpSender.prototype, RTCRtpReceiver.prototype]) Object.defineProperty(P, 'transform', { configurable: true, get() { return null; }, set() {} });
  }
})();`;
const decodingLegs = async (p: Page) => {
  // Any inbound video on a connection with media (mesh links on the SFU path carry none).
  return p.evaluate(`(async () => { let n = 0; for (const pc of window.__veilPcs) { if (pc.connectionState === 'closed') continue; let f = 0;
    (await pc.getStats()).forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'video') f += r.framesDecoded || 0; }); if (f > 0) n++; } return n; })()`) as Promise<number>;
};

async function openPeers(h: Harness, names: string[], hooks: string[], janusOrigin: string | null): Promise<Peer[]> {
  const peers: Peer[] = [];
  for (const name of names) {
    const p = await h.peer(name, { viewport: { width: 1000, height: 640 } });
    // Allowed before the page loads, as after an earlier join: the bench does not time the one reload that allows it.
    if (janusOrigin) await p.services.services.servers.add(janusOrigin);
    for (const content of hooks) await p.context.addInitScript({ content });
    await p.reload();
    peers.push(p);
  }
  return peers;
}

async function join(p: Peer, h: Harness, room: string): Promise<void> {
  for (const [el, v] of [['lobby-name', p.name], ['lobby-server', h.signalingUrl], ['lobby-room', room]] as const) await p.page.getByTestId(el).fill(v);
  await p.page.getByTestId('lobby-join').click();
}

/** Every member joins and decodes every other: the media keys are the app's own (main makes, seals and delivers them). */
async function sfuCall(h: Harness, peers: Peer[], room: string): Promise<void> {
  await Promise.all(peers.map((p) => join(p, h, room)));
  for (const p of peers) await waitUntil(async () => (await decodingLegs(p.page)) >= peers.length - 1, 180_000, `${p.name} decoding all`);
}

/** Frames every page's frame worker has sealed and opened so far (its statuses, flushed every 500 ms). */
async function framesThroughWorkers(peers: Peer[]): Promise<number> {
  const all = await Promise.all(peers.map((p) => workerStatus(p.page)));
  return all.reduce((n, s) => n + (s.send?.encrypted ?? 0) + Object.values(s.receive).reduce((m, r) => m + r.decrypted, 0), 0);
}

async function leaveAll(peers: Peer[]): Promise<void> {
  for (const p of peers) await p.leave().catch(() => undefined);
}

/** One newcomer joins a running SFU call; the members' mains key it (and ratchet forward) as in the app. */
async function joinToFirstDecrypted(h: Harness, newcomer: Peer, room: string, round: number): Promise<{ ms: number; seen: number; phases: Record<string, number> }> {
  const profile = PROFILE_TO ? await startProfile(newcomer.page) : null;
  await startJoinClock(newcomer.page);
  const t0 = performance.now();
  await join(newcomer, h, room);
  await waitUntil(async () => (await decodingLegs(newcomer.page)) > 0, 60_000, 'first decrypted frame');
  const seen = performance.now() - t0;
  // The page's own clock, from the click event to its first decoded frame: no harness typing or polling in it.
  await waitUntil(async () => (await joinPhases(newcomer.page))[FIRST_FRAME] !== undefined, 10_000, 'the page marking its first frame');
  const phases = await joinPhases(newcomer.page);
  console.log(`[bench] join round ${round}: first frame ${phases[FIRST_FRAME]!.toFixed(0)} ms; subscription connected ${phases['first subscription connected']?.toFixed(0)} ms, first frame opened ${phases['worker opened a remote frame']?.toFixed(0)} ms`);
  if (profile) console.log(`[bench] the newcomer's CPU profile: ${await profile.stop(`${PROFILE_TO}.${round}.cpuprofile`)}`);
  return { ms: phases[FIRST_FRAME]!, seen, phases };
}

/** A call using more than this share of the machine's cores is taken as saturated: its encoders and decoders adapt. */
const SATURATED = 0.7;

/**
 * Members n with a·n + b·n(n−1) ≤ budget, from two measured sizes (each member sends once and receives n−1 streams);
 * null when the fit means nothing: the larger call saturated the machine, or its CPU per stream did not grow.
 */
function membersWithin(budget: number, [n1, c1]: [number, number], [n2, c2]: [number, number]): number | null {
  const b = (c2 / n2 - c1 / n1) / (n2 - n1);
  const a = c1 / n1 - b * (n1 - 1);
  if (c2 > SATURATED * os.cpus().length || b <= 0 || a <= 0) return null;
  let n = 1;
  while (n < 200 && a * (n + 1) + b * (n + 1) * n <= budget) n++;
  return n;
}

async function main(): Promise<void> {
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${os.cpus().length} cores; ${N} SFU members, CPU windows of ${WINDOW_MS} ms`);
  const janus = await startJanus();
  const janusOrigin = new URL(janus.url.replace(/^ws/, 'http')).origin;
  const sfuRooms = ['bench-sfu-a', 'bench-sfu-b', 'bench-sfu-c', 'bench-sfu-small'];
  const h = await Harness.start({
    signaling: (port) => createSignalingServer({ host: '127.0.0.1', port, iceServers: [], logLevel: 'silent', janusUrls: [janus.url],
      janusApiSecret: janus.apiSecret, janusTokenSecret: janus.tokenSecret, sfuRooms, sfuThreshold: 1000 })
  });
  const cores = (ms = WINDOW_MS) => coresOver(ms, [janus.pid]);
  const rows: Array<[string, string, string, boolean | null]> = [];
  try {
    const idle = await cores(3000);
    const names = Array.from({ length: N }, (_, i) => `S${i}`);
    const peers = await openPeers(h, names, [SFU_STATUS_HOOK, BENCH_HOOK, JOIN_PHASE_HOOK], janusOrigin);
    // 1. Join → first decrypted frame: N−1 members in a call, the N-th joins (three rounds, median).
    const members = peers.slice(0, N - 1);
    const newcomer = peers[N - 1]!;
    await sfuCall(h, members, 'bench-sfu-a');
    const joins: Array<{ ms: number; seen: number; phases: Record<string, number> }> = [];
    for (let round = 0; round < 3; round++) {
      joins.push(await joinToFirstDecrypted(h, newcomer, 'bench-sfu-a', round));
      if (round < 2) {
        await newcomer.leave();
        // The members make fresh keys after a leave and switch after the full delay: the next join starts after that.
        await new Promise((r) => setTimeout(r, MEDIA_KEY_LIMITS.switchDelayMs + 500));
      }
    }
    const median3 = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
    const joinMs = median3(joins.map((j) => j.ms));
    rows.push([`SFU join → first decrypted frame, ${N - 1} members in the call, main's own keys (page clock, median of 3)`, `${joinMs.toFixed(0)} ms`, '≤ 1500 ms', joinMs <= 1500]);
    rows.push(['  the same as the harness sees it (typing the lobby, polling every 150 ms)', `${median3(joins.map((j) => j.seen)).toFixed(0)} ms`, '', null]);
    const phaseRows: Array<[string, number]> = [];
    for (const phase of new Set(joins.flatMap((j) => Object.keys(j.phases)))) {
      const seen = joins.map((j) => j.phases[phase]).filter((x): x is number => x !== undefined);
      if (seen.length === 3) phaseRows.push([phase, median3(seen)]);
    }
    for (const [phase, ms] of phaseRows.sort((a, b) => a[1] - b[1])) if (phase !== FIRST_FRAME) rows.push([`  of which: click → ${phase}`, `${ms.toFixed(0)} ms`, '', null]);
    if (ONLY_JOIN) return;
    // 2. The full call's CPU with SFrame, then the same peers with no transform at all.
    await waitUntil(async () => (await decodingLegs(newcomer.page)) >= N - 1, 120_000, 'all decoding');
    const opened0 = await framesThroughWorkers(peers);
    const withThreads = await threadCoresOver(WINDOW_MS, [janus.pid]);
    const framesPerS = (await framesThroughWorkers(peers) - opened0) / (WINDOW_MS / 1000);
    const withTransform = withThreads.reduce((n, [, c]) => n + c, 0) - idle;
    const sent = await Promise.all(peers.map((p) => sfuStats(p.page)));
    const frames = sent.reduce((s, x) => s + x.sending.framesEncoded, 0) / N;
    await leaveAll(peers);
    for (const p of peers) { await p.page.evaluate("sessionStorage.setItem('bench.clear', '1')"); await p.reload(); }
    await Promise.all(peers.map((p) => join(p, h, 'bench-sfu-b')));
    for (const p of peers) await waitUntil(async () => (await decodingLegs(p.page)) >= N - 1, 180_000, `${p.name} decoding (clear)`);
    const clearThreads = await threadCoresOver(WINDOW_MS, [janus.pid]);
    const clear = clearThreads.reduce((n, [, c]) => n + c, 0) - idle;
    await leaveAll(peers);
    for (const p of peers) { await p.page.evaluate("sessionStorage.removeItem('bench.clear')"); await p.reload(); }
    const added = (withTransform - clear) / clear;
    rows.push([`call CPU, ${N} members, with SFrame`, `${withTransform.toFixed(2)} cores`, '', null]);
    rows.push([`call CPU, ${N} members, no transform`, `${clear.toFixed(2)} cores`, '', null]);
    rows.push(['CPU the transform adds', `${(added * 100).toFixed(1)} %`, '≤ 10 %', added <= 0.10]);
    // On a saturated machine the call's other threads shrink when the workers take CPU: the workers' own share is the bound.
    const workers = withThreads.filter(([k]) => k.endsWith('/ DedicatedWorker')).reduce((n, [, c]) => n + c, 0);
    rows.push(['  frames sealed and opened by the workers; worker CPU per frame', `${framesPerS.toFixed(0)} /s; ${(1e6 * workers / framesPerS).toFixed(0)} µs`, '', null]);
    rows.push(['  the frame workers\' own CPU ÷ the call without SFrame', `${(100 * workers / clear).toFixed(1)} % (${workers.toFixed(3)} cores)`, '≤ 10 %', workers / clear <= 0.10]);
    // Where it goes: the threads whose CPU differs most between the two calls.
    const clearOf = new Map(clearThreads);
    const threads = new Set([...withThreads.map(([k]) => k), ...clearThreads.map(([k]) => k)]);
    const withOf = new Map(withThreads);
    const diffs = [...threads].map((k) => [k, (withOf.get(k) ?? 0) - (clearOf.get(k) ?? 0)] as [string, number]).sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]));
    for (const [k, d] of diffs.slice(0, 8)) rows.push([`  thread ${k}: with / without SFrame`, `${(withOf.get(k) ?? 0).toFixed(3)} / ${(clearOf.get(k) ?? 0).toFixed(3)} cores (${d >= 0 ? '+' : ''}${d.toFixed(3)})`, '', null]);
    // 3. Per-frame cost in a worker, and bytes per frame (header + tag; the VP8 clear prefix is not added).
    // No call runs now: the only worker is the pass-through one.
    const floor = await passThroughCostPerFrame(peers[0]!.page, 10_000);
    rows.push(['worker CPU per frame of a pass-through script transform (Chromium\'s own cost; 3 loopback calls)', `${floor.usPerFrame.toFixed(0)} µs at ${floor.framesPerS.toFixed(0)} frames/s`, '', null]);
    const cost = await frameCostInWorker(peers[0]!.page, REPO_ROOT, [100, 1500, 10_000], 1000);
    for (const c of cost) rows.push([`SFrame seal / open, ${c.size} B frame (worker, median)`, `${c.sealUs.toFixed(0)} / ${c.openUs.toFixed(0)} µs`, '', null]);
    rows.push(['SFrame bytes per frame (KID 2 B, CTR at this count)', `${cost[0]!.overhead} B (CTR 1000); ${1 + 2 + Math.max(1, Math.ceil(Math.log2(frames + 1) / 8)) + 16} B at ${frames.toFixed(0)} frames`, '', null]);
    // 4. Members at one CPU budget: SFU and mesh, each measured at two sizes.
    const small = Math.max(2, Math.floor(N / 2));
    const sfuSmall = peers.slice(0, small);
    // Only the call's pages are open, as for the mesh below (a page in the lobby still runs its camera preview).
    for (const p of peers.slice(small)) await p.close();
    await sfuCall(h, sfuSmall, 'bench-sfu-c');
    const sfuSmallCores = await cores() - idle;
    await leaveAll(sfuSmall);
    for (const p of sfuSmall) await p.close();
    const meshAt = async (n: number, room: string) => {
      const mesh = await openPeers(h, Array.from({ length: n }, (_, i) => `M${room}${i}`), [TEST_CAMERA], null);
      await Promise.all(mesh.map((p) => join(p, h, room)));
      for (const p of mesh) await p.waitConnected(n - 1, 180_000);
      for (const p of mesh) await waitUntil(async () => (await decodingLegs(p.page)) >= n - 1, 120_000, `${p.name} mesh decoding`);
      const c = await cores() - idle;
      for (const p of mesh) await p.close();
      return c;
    };
    const mesh2 = await meshAt(2, 'bench-mesh-2');
    const mesh4 = await meshAt(4, 'bench-mesh-4');
    const sfuN = membersWithin(BUDGET, [small, sfuSmallCores], [N, withTransform]);
    const meshN = membersWithin(BUDGET, [2, mesh2], [4, mesh4]);
    rows.push([`call CPU: SFU ${small} / ${N} members`, `${sfuSmallCores.toFixed(2)} / ${withTransform.toFixed(2)} cores`, '', null]);
    rows.push(['call CPU: mesh 2 / 4 members', `${mesh2.toFixed(2)} / ${mesh4.toFixed(2)} cores`, '', null]);
    rows.push([`members within ${BUDGET} cores: SFU vs mesh (fitted)`, sfuN !== null && meshN !== null ? `${sfuN} vs ${meshN} (${(sfuN / meshN).toFixed(1)}×)`
      : `not measurable here: a ${N}-member call uses more than ${SATURATED * 100} % of ${os.cpus().length} cores, or its CPU did not grow with it`, '≥ 2×', sfuN !== null && meshN !== null && sfuN >= 2 * meshN]);
  } finally {
    await h.close();
    await janus.stop();
    printTable(rows);
  }
}

function printTable(rows: Array<[string, string, string, boolean | null]>): void {
  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length)), 10] as const;
  console.log(`\n${'measure'.padEnd(w[0])}  ${'result'.padEnd(w[1])}  ${'target'.padEnd(w[2])}  met`);
  for (const [m, r, t, ok] of rows) console.log(`${m.padEnd(w[0])}  ${r.padEnd(w[1])}  ${t.padEnd(w[2])}  ${ok === null ? '' : ok ? 'yes' : 'NO'}`);
  console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main().catch((err: unknown) => { console.error(err); process.exitCode = 1; });
