// SFrame per-frame cost in Node's WebCrypto (seal and open, 1 KiB audio-like and 30 KiB video-like frames), beside what
// proving origin against key-holding members would add: an Ed25519 signature per frame, or one signed digest a second.
// Run: npm run bench:sframe   (BENCH_FRAMES=2000 by default). Shared cores vary several-fold: trust ratios, state the load.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { ReceiveKeyring, SendContext, makeKid } from '../renderer/src/sframe/contexts';

const frames = Number(process.env.BENCH_FRAMES ?? 2000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function run(label: string, size: number): Promise<{ seal: number; open: number }> {
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
  return { seal: median(seal) * 1000, open: median(open) * 1000 };
}

/** Median µs of an Ed25519 signature and its verification over a frame-sized message (WebCrypto, as a worker has it). */
async function signature(size: number): Promise<{ sign: number; verify: number }> {
  const keys = await crypto.subtle.generateKey('Ed25519', false, ['sign', 'verify']) as CryptoKeyPair;
  const msg = crypto.getRandomValues(new Uint8Array(size));
  const sign: number[] = [];
  const verify: number[] = [];
  const n = Math.max(200, Math.floor(frames / 4));
  for (let i = 0; i < n; i += 1) {
    let t = performance.now();
    const sig = await crypto.subtle.sign('Ed25519', keys.privateKey, msg);
    sign.push(performance.now() - t);
    t = performance.now();
    if (!(await crypto.subtle.verify('Ed25519', keys.publicKey, sig, msg))) throw new Error('signature did not verify');
    verify.push(performance.now() - t);
  }
  return { sign: median(sign) * 1000, verify: median(verify) * 1000 };
}

/** Frames a second one member sends: Opus at 20 ms and video at 30 fps. */
const AUDIO_FPS = 50;
const VIDEO_FPS = 30;

/** CPU per second, in ms, for one member of an N-member SFU room: its own frames sealed, N−1 senders' frames opened. */
function perSecond(n: number, audio: number, video: number): number {
  return (AUDIO_FPS * audio + VIDEO_FPS * video) * n / 1000;
}

async function main(): Promise<void> {
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const audio = await run('1 KiB (audio-like)', 1024);
  const video = await run('30 KiB (video-like)', 30 * 1024);
  // A signature covers a digest of the frame, so its cost does not grow with the frame: 64 bytes stands for any frame.
  const sig = await signature(64);
  console.log(`Ed25519 (WebCrypto)    sign ${sig.sign.toFixed(1)} µs   verify ${sig.verify.toFixed(1)} µs`);
  console.log('\nOrigin proof against members holding a sender\'s key: CPU ms per second for one member (audio 50 fps + video 30 fps each)');
  console.log('members | SFrame only | + signature per frame (×) | + one signed digest per sender per second (×)');
  for (const n of [6, 20, 50]) {
    const base = perSecond(1, audio.seal, video.seal) + perSecond(n - 1, audio.open, video.open);
    const perFrame = base + perSecond(1, sig.sign, sig.sign) + perSecond(n - 1, sig.verify, sig.verify);
    const digest = base + (sig.sign + (n - 1) * sig.verify) / 1000;
    console.log(`${String(n).padStart(7)} | ${base.toFixed(1).padStart(8)} ms | ${perFrame.toFixed(1).padStart(8)} ms (${(perFrame / base).toFixed(2)}×)`
      + ` | ${digest.toFixed(1).padStart(8)} ms (${(digest / base).toFixed(3)}×)`);
  }
}
main().catch((err: unknown) => { console.error(err); process.exitCode = 1; });
