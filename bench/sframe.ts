// SFrame per-frame cost in Node's WebCrypto: seal and open µs for a 1 KiB audio-like and a 30 KiB video-like frame.
// Run: npm run bench:sframe   (BENCH_FRAMES=2000 by default). Shared cores vary several-fold: trust ratios, state the load.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { ReceiveKeyring, SendContext, makeKid } from '../renderer/src/sframe/contexts';

const frames = Number(process.env.BENCH_FRAMES ?? 2000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function run(label: string, size: number): Promise<void> {
  const kid = makeKid(1, 0);
  const baseKey = crypto.getRandomValues(new Uint8Array(32));
  const send = new SendContext();
  const rx = new ReceiveKeyring();
  await send.setKey(kid, baseKey);
  await rx.setKey('bench', kid, baseKey);
  const pt = crypto.getRandomValues(new Uint8Array(size));
  const seal: number[] = [];
  const open: number[] = [];
  for (let i = 0; i < frames; i += 1) {
    let t = performance.now();
    const s = await send.seal(pt);
    seal.push(performance.now() - t);
    if (!s.ok) throw new Error(`seal refused: ${s.reason}`);
    t = performance.now();
    const o = await rx.open('bench', s.frame);
    open.push(performance.now() - t);
    if (!o.ok) throw new Error(`open failed: ${o.reason}`);
  }
  console.log(`${label.padEnd(22)} seal ${(median(seal) * 1000).toFixed(1)} µs   open ${(median(open) * 1000).toFixed(1)} µs   (median of ${frames})`);
}

async function main(): Promise<void> {
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await run('1 KiB (audio-like)', 1024);
  await run('30 KiB (video-like)', 30 * 1024);
}
main().catch((err: unknown) => { console.error(err); process.exitCode = 1; });
