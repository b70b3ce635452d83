// A member who holds another member's SFrame key and forges that member's frames: a page of its own origin whose worker seals under that KID from a counter it picks.
//
// Every receiver of Dana's media holds Dana's key (SFrame keys are symmetric), so this is what any of them could do.
// The worker is the app's own SFrame code (renderer/src/sframe/sframe.ts) with a counter the attacker chooses, bundled
// here and served from a loopback origin without the app's CSP (a worker must come from its page's origin).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type { JanusWire } from '../../support/janus';
import { REPO_ROOT } from './paths';
import { publishThrough, type Tokens } from './sfu-outsider';

const FORGER_WORKER = `
import { importSFrameKey, sealFrame } from './renderer/src/sframe/sframe';
import { clearPrefixBytes, frameShapes } from './renderer/src/sframe/clear-prefix';
let key = null;
let ctr = 0n;
const counts = { sealed: 0 };
self.onmessage = async (e) => {
  if (e.data && e.data.type === 'forge') { key = await importSFrameKey(BigInt(e.data.kid), e.data.baseKey); ctr = BigInt(e.data.firstCtr); }
  if (e.data && e.data.type === 'count') self.postMessage({ type: 'count', sealed: counts.sealed, nextCtr: Number(ctr) });
};
self.onrtctransform = (e) => {
  const t = e.transformer;
  const shapeOf = frameShapes();
  t.readable.pipeThrough(new TransformStream({
    async transform(frame, controller) {
      if (!key) return;
      const data = new Uint8Array(frame.data);
      const clear = Math.min(clearPrefixBytes(shapeOf(frame)), data.length);
      const sealed = await sealFrame(key, ctr++, data.subarray(clear), data.subarray(0, clear));
      const out = new Uint8Array(clear + sealed.length);
      out.set(data.subarray(0, clear));
      out.set(sealed, clear);
      frame.data = out.buffer;
      counts.sealed++;
      controller.enqueue(frame);
    }
  })).pipeTo(t.writable).catch(() => undefined);
};`;

export interface ForgerHost { origin: string; close(): Promise<void> }

/** Serves `/` (an empty page) and `/forger-worker.js` on 127.0.0.1 (a secure context). */
export async function startForgerHost(): Promise<ForgerHost> {
  const out = await build({
    stdin: { contents: FORGER_WORKER, resolveDir: REPO_ROOT, sourcefile: 'forger-worker.ts', loader: 'ts' },
    bundle: true, format: 'iife', platform: 'browser', target: 'chrome130', write: false, logLevel: 'silent'
  });
  const worker = out.outputFiles[0]!.text;
  const server = http.createServer((req, res) => {
    if (req.url === '/forger-worker.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(worker);
    else res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>forger</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); })
  };
}

export async function forgerPage(browser: Browser, host: ForgerHost): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${host.origin}/`);
  return page;
}

export interface ForgedKey { kid: number; baseKey: Uint8Array; firstCtr: number }

/** Publishes the page's fake camera and microphone as `display`, every frame sealed under `key` from `key.firstCtr` on. */
export function publishForged(page: Page, t: Tokens, display: string, key: ForgedKey): Promise<{ feedId: number; wire: JanusWire }> {
  return publishThrough(page, t, display, `
    const w = new Worker('/forger-worker.js');
    window.__forger = w;
    w.postMessage({ type: 'forge', kid: ${key.kid}, baseKey: new Uint8Array(${JSON.stringify([...key.baseKey])}), firstCtr: ${key.firstCtr} });
    const opts = {};`);
}

/** Frames the forger sealed so far (it must really be sending for the test to mean anything). */
export const forgedCount = (page: Page) => page.evaluate(`new Promise((r) => {
  window.__forger.onmessage = (e) => { if (e.data && e.data.type === 'count') r(e.data.sealed); };
  window.__forger.postMessage({ type: 'count' });
})`) as Promise<number>;
