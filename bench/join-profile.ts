// One 2-peer mesh join with a CPU profile of both pages (CDP Profiler): the busy stretches on each main thread, with the
// functions (source-mapped to renderer/src) that spent the most time in them, on the same axis as the click.
// Run: node scripts/build.mjs renderer && npx tsx bench/join-profile.ts   (BENCH_PROFILE_ROUNDS, default 1; the last is printed)
import fs from 'node:fs';
import path from 'node:path';
import { SourceMapConsumer, type RawSourceMap } from 'source-map';
import { Harness, type Peer } from '../test/e2e/harness/index';

const ROUNDS = Number(process.env.BENCH_PROFILE_ROUNDS ?? 1);
/** Busy stretches shorter than this are not listed. */
const MIN_BUSY_MS = Number(process.env.BENCH_PROFILE_MIN_MS ?? 8);

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

const maps = new Map<string, SourceMapConsumer | null>();
async function mapper(url: string): Promise<SourceMapConsumer | null> {
  const file = url.split('/').pop()?.split('?')[0] ?? '';
  if (maps.has(file)) return maps.get(file)!;
  const p = path.join(import.meta.dirname, '../dist/renderer/assets', `${file}.map`);
  const c = fs.existsSync(p) ? await new SourceMapConsumer(JSON.parse(fs.readFileSync(p, 'utf8')) as RawSourceMap) : null;
  maps.set(file, c);
  return c;
}

async function frameName(f: ProfileNode['callFrame']): Promise<string> {
  if (!f.url) return f.functionName || '(native)';
  const m = await mapper(f.url);
  const pos = m?.originalPositionFor({ line: f.lineNumber + 1, column: f.columnNumber });
  if (pos?.source) return `${pos.name ?? f.functionName ?? '?'} ${pos.source.replace(/^.*?(renderer\/src|node_modules)\//, '$1/')}:${pos.line}`;
  return `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
}

async function startProfile(p: Peer) {
  const cdp = await p.context.newCDPSession(p.page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  // The profile's clock (µs, monotonic) against the wall clock, read together in the page.
  const { result } = await cdp.send('Runtime.evaluate', { expression: '[Date.now(), performance.timeOrigin + performance.now()]', returnByValue: true });
  return { cdp, wallAtStart: (result.value as number[])[0]! };
}

/** Busy stretches (consecutive non-idle samples) with their top self-time and top app frames. */
async function summarize(label: string, prof: Profile, t0: number, wallAtProfileStart: number): Promise<void> {
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // '(program)' is the browser's own work on the thread (style, layout, paint, IPC): busy, like script.
  const idle = (id: number) => byId.get(id)!.callFrame.functionName === '(idle)';
  let t = prof.startTime;
  const samples: { at: number; id: number; dt: number }[] = [];
  for (let i = 0; i < prof.samples.length; i++) { t += prof.timeDeltas[i]!; samples.push({ at: t, id: prof.samples[i]!, dt: prof.timeDeltas[i + 1] ?? 0 }); }
  // Wall clock of a sample: the profile started at wallAtProfileStart (within a ms or so).
  const wall = (us: number) => wallAtProfileStart + (us - prof.startTime) / 1000;
  const stretches: { from: number; to: number; ids: { id: number; dt: number }[] }[] = [];
  let cur: (typeof stretches)[number] | null = null;
  for (const s of samples) {
    if (idle(s.id)) { if (cur) { stretches.push(cur); cur = null; } continue; }
    cur ??= { from: s.at, to: s.at, ids: [] };
    cur.to = s.at + s.dt;
    cur.ids.push({ id: s.id, dt: s.dt });
  }
  if (cur) stretches.push(cur);
  console.log(`\n=== ${label}: busy stretches ≥ ${MIN_BUSY_MS} ms (ms after the click) ===`);
  for (const st of stretches) {
    const ms = (st.to - st.from) / 1000;
    const at = wall(st.from) - t0;
    if (ms < MIN_BUSY_MS || at < -50) continue;
    const self = new Map<string, number>();
    const incl = new Map<string, number>();
    for (const { id, dt } of st.ids) {
      const n = byId.get(id)!;
      const k = await frameName(n.callFrame);
      self.set(k, (self.get(k) ?? 0) + dt / 1000);
      const seen = new Set<string>();
      for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
        const f = byId.get(x)!.callFrame;
        if (!f.url) continue;
        const name = await frameName(f);
        if (!name.includes('renderer/src') || seen.has(name)) continue;
        seen.add(name);
        incl.set(name, (incl.get(name) ?? 0) + dt / 1000);
      }
    }
    const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${v.toFixed(1)} ${k}`);
    console.log(`@${at.toFixed(0)} ms, ${ms.toFixed(1)} ms busy`);
    console.log(`   self: ${top(self, 6).join(' | ')}`);
    console.log(`   app (inclusive): ${top(incl, 8).join(' | ')}`);
  }
}

async function main(): Promise<void> {
  const h = await Harness.start();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const room = `profile-${round}`;
      const a = await h.peer(`A${round}`);
      const b = await h.peer(`B${round}`);
      await a.join(room);
      for (const [el, v] of [['lobby-name', b.name], ['lobby-server', h.signalingUrl], ['lobby-room', room]] as const) await b.page.getByTestId(el).fill(v);
      await a.page.getByTestId('chat-input').fill('hello');
      const pa = await startProfile(a);
      const pb = await startProfile(b);
      const t0 = Date.now();
      await b.page.evaluate(`document.querySelector('[data-testid="lobby-join"]').click()`);
      await a.page.waitForSelector('[data-testid="tile-peer"][data-conn="connected"] .badge.lock', { timeout: 30_000 });
      const sent = Date.now();
      await a.page.evaluate(`document.querySelector('[data-testid="chat-send"]').click()`);
      await b.page.waitForSelector('[data-testid="chat-text"]', { timeout: 30_000 });
      const end = Date.now();
      const profA = (await pa.cdp.send('Profiler.stop')).profile as unknown as Profile;
      const profB = (await pb.cdp.send('Profiler.stop')).profile as unknown as Profile;
      if (round === ROUNDS - 1) {
        console.log(`round ${round}: A's lock at ${sent - t0} ms, B shows the message at ${end - t0} ms (in-page click, no Playwright click)`);
        await summarize('A (in the call)', profA, t0, pa.wallAtStart);
        await summarize('B (joins)', profB, t0, pb.wallAtStart);
      }
      await a.close();
      await b.close();
    }
  } finally {
    await h.close();
  }
}

main().catch((err: unknown) => { console.error(err); process.exit(1); });
