// SFrame seal/open cost per frame inside a Chromium Web Worker (the same code the frame worker runs), by frame size, timed in batches.
import { build } from 'esbuild';
import type { Page } from 'playwright-core';

const WORKER_SOURCE = `
import { ReceiveKeyring, SendContext, makeKid } from './renderer/src/sframe/contexts';
self.onmessage = async (e) => {
  const { sizes, frames } = e.data;
  const kid = makeKid(1, 1);
  const baseKey = crypto.getRandomValues(new Uint8Array(32));
  const send = new SendContext();
  const rx = new ReceiveKeyring();
  await send.setKey(kid, baseKey);
  await rx.setKey('bench', kid, baseKey);
  const out = [];
  // A page without cross-origin isolation reads performance.now() in 100 µs steps: time batches, not single frames.
  const BATCH = 50;
  for (const size of sizes) {
    const pt = crypto.getRandomValues(new Uint8Array(size));
    const seal = [], open = [];
    let overhead = 0;
    for (let b = 0; b < Math.max(1, Math.floor(frames / BATCH)); b++) {
      const sealed = [];
      let t = performance.now();
      for (let i = 0; i < BATCH; i++) { const r = await send.seal(pt); if (!r.ok) throw new Error(r.reason); sealed.push(r.frame); }
      seal.push((performance.now() - t) / BATCH);
      overhead = sealed[0].length - size;
      t = performance.now();
      for (const f of sealed) { const o = await rx.open('bench', f); if (!o.ok) throw new Error(o.reason); }
      open.push((performance.now() - t) / BATCH);
    }
    const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    out.push({ size, sealUs: med(seal) * 1000, openUs: med(open) * 1000, overhead });
  }
  self.postMessage(out);
};`;

export interface FrameCost { size: number; sealUs: number; openUs: number; overhead: number }

/** Runs the worker from a blob URL (the app's CSP allows `worker-src blob:`) on a page of the renderer's origin. */
export async function frameCostInWorker(page: Page, root: string, sizes: number[], frames: number): Promise<FrameCost[]> {
  const out = await build({ stdin: { contents: WORKER_SOURCE, resolveDir: root, loader: 'ts' }, bundle: true, format: 'iife', write: false, logLevel: 'silent' });
  const code = out.outputFiles[0]!.text;
  return page.evaluate(`new Promise((resolve, reject) => {
    const w = new Worker(URL.createObjectURL(new Blob([${JSON.stringify(code)}], { type: 'text/javascript' })));
    w.onmessage = (e) => resolve(e.data);
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage({ sizes: ${JSON.stringify(sizes)}, frames: ${frames} });
  })`) as Promise<FrameCost[]>;
}
