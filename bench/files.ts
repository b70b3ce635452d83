// File-transfer bench: the same file over the same kind of data channel, plaintext vs Veil's encrypted path, plus main's event-loop delay.
// Run: node scripts/build.mjs renderer && npm run bench:files   (BENCH_FILE_MB=64, BENCH_RUNS=3, BENCH_MAIN_MB=256 by default;
// BENCH_VIDEO=1 keeps fake video on)
//
// Both runs use two real Chromium pages in one call (harness: real signaling server, real main services in this
// process, chunk crypto in main's worker thread). Plaintext: a negotiated data channel on the same RTCPeerConnection,
// reading the same File in the same chunk size with the same bufferedAmount thresholds. Encrypted: the app's own
// path (Files tab → "Choose a file…" in main's dialog (stand-in) → signed offer at once → accept → main reads and
// seals each chunk → data channel → open/verify/spool in main → signed final hash → verified).
// Throughput is measured from the receiver's accept to the receiver's verified (encrypted) and from the first send to
// the last byte received (plaintext), both with the pages' own clocks.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { FILE_LIMITS } from '../protocol/file-limits';
import type { TransferInfo } from '../protocol/ipc-files';
import { Harness, type Peer } from '../test/e2e/harness/index';
import { carrierRun, setupCarrierExpr, startEchoServer } from './files-carrier';
import { benchMainPath } from './files-main';
import { drainJs, forEachChunkJs } from './files-page';

const MB = 1024 * 1024;
// Experiments only: BENCH_CHUNK_KB sets main's chunk size for this run (4 … 192), before anything reads it.
if (process.env.BENCH_CHUNK_KB) (FILE_LIMITS as { chunkBytes: number }).chunkBytes = Number(process.env.BENCH_CHUNK_KB) * 1024;
const SIZE = Number(process.env.BENCH_FILE_MB ?? 64) * MB;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BENCH_CHANNEL_ID = 1001;

const AUDIO_ONLY = `{ const g = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (c) => g({ audio: c.audio, video: false }); }`;

async function until(check: () => Promise<boolean>, timeout: number, poll = 20): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, poll));
  }
}

/** Page-side setup: a negotiated channel on the live connection (the same kind the app uses for files) and a file input. */
const setupPlainExpr = `(async () => {
  const pc = window.__veilPcs.find((p) => p.connectionState === 'connected');
  const dc = pc.createDataChannel('veil-bench', { negotiated: true, id: ${BENCH_CHANNEL_ID}, ordered: true });
  dc.binaryType = 'arraybuffer';
  dc.bufferedAmountLowThreshold = ${FILE_LIMITS.lowWaterBytes};
  window.__benchDc = dc;
  window.__benchRecv = { bytes: 0, done: 0 };
  dc.onmessage = (e) => { const r = window.__benchRecv; r.bytes += e.data.byteLength; r.done = Date.now(); };
  const input = document.createElement('input');
  input.type = 'file'; input.id = 'bench-file'; input.style.display = 'none';
  document.body.appendChild(input);
  if (dc.readyState !== 'open') await new Promise((r) => dc.addEventListener('open', r, { once: true }));
  return true;
})()`;

// The same read strategy as the app's sender (1 MiB blob reads handed out as chunk views), so the anchor is not weakened.
const sendPlainExpr = `(async () => {
  const dc = window.__benchDc;
  ${forEachChunkJs(`${drainJs('dc')} dc.send(part);`)}
  return t0;
})()`;

async function plaintextRun(a: Peer, b: Peer, file: string): Promise<{ mbps: number; loopP99: number }> {
  await b.page.evaluate('window.__benchRecv.bytes = 0');
  await a.page.locator('#bench-file').setInputFiles(file);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const t0 = await a.page.evaluate(sendPlainExpr) as number;
  await until(async () => (await b.page.evaluate('window.__benchRecv.bytes') as number) >= SIZE, 300_000, 250);
  const t1 = await b.page.evaluate('window.__benchRecv.done') as number;
  loop.disable();
  return { mbps: SIZE / MB / ((t1 - t0) / 1000), loopP99: loop.percentile(99) / 1e6 };
}

const row = (p: Peer, direction: 'in' | 'out', state?: string) =>
  p.page.locator(`[data-testid="transfer"][data-direction="${direction}"]${state ? `[data-state="${state}"]` : ''}`);

type EncryptedResult = { mbps: number; prepareMs: number; firstChunkMs: number; loopP99: number; loopMax: number; busy: number };
async function encryptedRun(a: Peer, b: Peer, file: string): Promise<EncryptedResult> {
  const before = await row(b, 'in').count();
  const t0 = performance.now();
  await a.page.getByTestId('tab-files').click();
  await b.page.getByTestId('tab-files').click();
  await a.page.getByTestId('file-recipient').selectOption('all');
  a.pickPath = file;
  await a.page.getByTestId('file-pick').click();
  await until(async () => (await row(b, 'in', 'offered').count()) > 0 && (await row(b, 'in').count()) > before, 120_000);
  const prepareMs = performance.now() - t0;
  const offered = row(b, 'in', 'offered').first();
  const name = await offered.getAttribute('data-name');
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const elu0 = performance.eventLoopUtilization();
  const clicked = performance.now();
  await offered.getByTestId('transfer-accept').click();
  // First chunk opened and verified in the receiver's main (this process), polled in-process every few ms.
  let firstChunkMs = NaN;
  await until(async () => {
    const t = (await b.call<TransferInfo[]>('files:list')).find((x) => x.direction === 'in' && x.name === name && x.state !== 'offered');
    if (t && t.verifiedChunks > 0) firstChunkMs = performance.now() - clicked;
    return !Number.isNaN(firstChunkMs);
  }, 60_000, 2);
  const done = b.page.locator(`[data-testid="transfer"][data-direction="in"][data-name="${name}"][data-state="verified"]`);
  // Timing comes from the page's own clock, so a slow poll here only spares the CPU the transfer competes for.
  await until(async () => (await done.count()) > 0, 300_000, 250);
  loop.disable();
  const busy = performance.eventLoopUtilization(elu0).utilization;
  const started = Number(await done.last().getAttribute('data-started-at'));
  const finished = Number(await done.last().getAttribute('data-finished-at'));
  return { mbps: SIZE / MB / ((finished - started) / 1000), prepareMs, firstChunkMs, loopP99: loop.percentile(99) / 1e6, loopMax: loop.max / 1e6, busy };
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  // Main's capacity alone first (no browser running), then the real transfer in Chromium.
  const mainMiB = Number(process.env.BENCH_MAIN_MB ?? 256);
  const alone = await benchMainPath(mainMiB * MB);
  const paced = await benchMainPath(Math.min(mainMiB, 128) * MB, 50);
  console.log(`main's file path alone (two main services in this process, the renderers' requests simulated on the same thread):`);
  console.log(`  flat out, ${alone.sizeMiB} MiB: ${alone.mbps.toFixed(0)} MB/s sealed and opened, event-loop delay p99 ${alone.loopP99.toFixed(1)} ms, `
    + `max ${alone.loopMax.toFixed(1)} ms`);
  console.log(`  steady 50 MB/s (about 2.5× what the data channel carries here), ${paced.sizeMiB} MiB: event-loop delay p99 `
    + `${paced.loopP99.toFixed(1)} ms, max ${paced.loopMax.toFixed(1)} ms`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'veil-bench-files-'));
  const h = await Harness.start();
  const echo = await startEchoServer();
  try {
    const files: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const f = path.join(dir, `bench-${i}.bin`);
      await writeFile(f, randomBytes(SIZE));
      files.push(f);
    }
    const a = await h.peer('Alice');
    const b = await h.peer('Bob');
    // The carrier anchor's server is an origin of its own: the page's CSP (connect-src) must list it, as for a server the user allowed.
    const echoOrigin = new URL(echo.url.replace(/^ws:/, 'http:')).origin;
    for (const p of [a, b]) {
      await p.services.services.servers.add(echoOrigin);
      if (process.env.BENCH_VIDEO !== '1') await p.context.addInitScript({ content: AUDIO_ONLY });
      await p.page.reload();
    }
    await a.join('bench-files');
    await b.join('bench-files');
    await a.waitConnected(1);
    await b.waitConnected(1);
    await Promise.all([a.page.evaluate(setupPlainExpr), b.page.evaluate(setupPlainExpr)]);
    await Promise.all([a.page.evaluate(setupCarrierExpr(echo.url)), b.page.evaluate(setupCarrierExpr(echo.url))]);

    const plain: { mbps: number; loopP99: number }[] = [];
    const enc: EncryptedResult[] = [];
    const carrier: { mbps: number; loopP99: number; busy: number }[] = [];
    const variants = [
      async (f: string) => { plain.push(await plaintextRun(a, b, f)); },
      async (f: string) => { enc.push(await encryptedRun(a, b, f)); },
      async (f: string) => { carrier.push(await carrierRun(a, b, f, SIZE, echo, until)); }
    ];
    for (let i = 0; i < RUNS; i++) {
      // Rotate the order so no path always runs first (or on a warmer machine).
      for (let k = 0; k < variants.length; k++) {
        const v = (i + k) % variants.length;
        console.error(`[bench] run ${i + 1}: ${['plaintext', 'encrypted', 'carrier'][v]} …`);
        await variants[v]!(files[i]!);
      }
    }
    const p = median(plain.map((x) => x.mbps));
    const e = median(enc.map((x) => x.mbps));
    const loopP99 = median(enc.map((x) => x.loopP99));
    console.log(`chunk size ${FILE_LIMITS.chunkBytes / 1024} KiB, high-water ${FILE_LIMITS.highWaterBytes / MB} MiB, ${FILE_LIMITS.portPipeline} port requests in flight per transfer`);
    console.log(`loopback, ${os.cpus().length} cores, ${SIZE / MB} MiB per run, ${RUNS} runs each, ${process.env.BENCH_VIDEO === '1' ? 'audio+video' : 'audio-only'} call, `
      + `1-min load average at the end ${os.loadavg()[0]!.toFixed(1)}`);
    console.log('| path | MB/s per run | median MB/s |');
    console.log('|---|---|---|');
    console.log(`| plaintext data channel | ${plain.map((x) => x.mbps.toFixed(1)).join(', ')} | ${p.toFixed(1)} |`);
    console.log(`| Veil encrypted | ${enc.map((x) => x.mbps.toFixed(1)).join(', ')} | ${e.toFixed(1)} |`);
    const c = median(carrier.map((x) => x.mbps));
    console.log(`| plaintext + the harness' page↔main hops, no crypto (see files-carrier.ts) | ${carrier.map((x) => x.mbps.toFixed(1)).join(', ')} | ${c.toFixed(1)} |`);
    console.log('');
    const c2 = e / c;
    const first = median(enc.map((x) => x.firstChunkMs));
    const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(`Targets (same run; "before" is the published measurement before early start and disk reads):`);
    console.log('| measure | before | this run | target | |');
    console.log('|---|---|---|---|---|');
    console.log(`| encrypted ÷ plaintext over the same data channel | 0.37 | ${(e / p).toFixed(2)} (${e.toFixed(1)} ÷ ${p.toFixed(1)} MB/s) | ≥ 0.90 | ${mark(e / p >= 0.9)} |`);
    console.log(`| encrypted ÷ plaintext making the harness' page↔main hops | 0.78 | ${c2.toFixed(2)} (${e.toFixed(1)} ÷ ${c.toFixed(1)} MB/s) | ≥ 0.95 | ${mark(c2 >= 0.95)} |`);
    console.log(`| main's event-loop delay p99 during a transfer | 47 ms | ${loopP99.toFixed(1)} ms (per run ${enc.map((x) => x.loopP99.toFixed(1)).join(', ')}; `
      + `max ${Math.max(...enc.map((x) => x.loopMax)).toFixed(1)} ms) | ≤ 20 ms | ${mark(loopP99 <= 20)} |`);
    console.log(`| accept → first chunk verified at the receiver (${SIZE / MB} MiB file) | 4.8 s wait before the offer for 64 MiB | ${first.toFixed(0)} ms `
      + `(per run ${enc.map((x) => x.firstChunkMs.toFixed(0)).join(', ')}) | ≤ 200 ms | ${mark(first <= 200)} |`);
    console.log(`| pick → offer shown to the receiver | (hash pass first) | ${median(enc.map((x) => x.prepareMs)).toFixed(0)} ms | at once | |`);
    console.log('');
    console.log(`this process during the plaintext runs, when none of main's file code runs: event-loop p99 ${median(plain.map((x) => x.loopP99)).toFixed(1)} ms `
      + '(it also drives Chromium and hosts both peers\' main services and the port carrier, on the same cores)');
    console.log(`the same during the carrier-matched plaintext runs (the harness' hops, no Veil code): p99 ${median(carrier.map((x) => x.loopP99)).toFixed(1)} ms`);
    console.log(`event-loop utilization during the encrypted runs: ${(median(enc.map((x) => x.busy)) * 100).toFixed(0)} % busy `
      + `(carrier-matched plaintext: ${(median(carrier.map((x) => x.busy)) * 100).toFixed(0)} %)`);
  } finally {
    await echo.close();
    await h.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
