// The floor under the frame worker's CPU: Chromium's own per-frame cost of an encoded script transform, measured with a
// pass-through worker (it only copies each frame) on three loopback calls of the page's fake camera and microphone.
import type { Page } from 'playwright-core';
import { threadCpuMs } from './thread-cpu';

const PASS_THROUGH = `
let frames = 0;
setInterval(() => postMessage(frames), 250);
onrtctransform = (e) => {
  const t = e.transformer;
  t.readable.pipeThrough(new TransformStream({ transform(f, c) {
    frames++;
    const d = new Uint8Array(f.data); const o = new Uint8Array(d.length); o.set(d); f.data = o.buffer;
    c.enqueue(f);
  } })).pipeTo(t.writable).catch(() => {});
};`;

const START = (src: string) => `(async () => {
  const w = new Worker(URL.createObjectURL(new Blob([${JSON.stringify(src)}], { type: 'text/javascript' })));
  window.__floor = { frames: 0, pcs: [], worker: w };
  w.onmessage = (e) => { window.__floor.frames = e.data; };
  const s = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360, frameRate: 15 } });
  window.__floor.stream = s;
  for (let i = 0; i < 3; i++) {
    const a = new RTCPeerConnection(), b = new RTCPeerConnection();
    window.__floor.pcs.push(a, b);
    a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
    for (const t of s.getTracks()) a.addTrack(t, s).transform = new RTCRtpScriptTransform(w, {});
    b.ontrack = (e) => { e.receiver.transform = new RTCRtpScriptTransform(w, {}); };
    await a.setLocalDescription(); await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(); await a.setRemoteDescription(b.localDescription);
  }
})()`;
const STOP = `(() => { const f = window.__floor; for (const pc of f.pcs) pc.close(); for (const t of f.stream.getTracks()) t.stop(); f.worker.terminate(); })()`;

const workerMs = () => [...threadCpuMs([])].filter(([k]) => k.endsWith('/ DedicatedWorker')).reduce((n, [, v]) => n + v, 0);
const frames = (page: Page) => page.evaluate('window.__floor.frames') as Promise<number>;

/** Worker CPU (µs) per frame and frames per second of the pass-through transform, over `ms` once it runs. No other worker may run. */
export async function passThroughCostPerFrame(page: Page, ms: number): Promise<{ usPerFrame: number; framesPerS: number }> {
  await page.evaluate(START(PASS_THROUGH));
  const deadline = Date.now() + 30_000;
  while ((await frames(page)) < 200) {
    if (Date.now() > deadline) throw new Error('the pass-through transform saw no frames');
    await new Promise((r) => setTimeout(r, 100));
  }
  const [f0, c0, t0] = [await frames(page), workerMs(), performance.now()];
  await new Promise((r) => setTimeout(r, ms));
  const [f1, c1, t1] = [await frames(page), workerMs(), performance.now()];
  await page.evaluate(STOP);
  return { usPerFrame: (1000 * (c1 - c0)) / (f1 - f0), framesPerS: (1000 * (f1 - f0)) / (t1 - t0) };
}
