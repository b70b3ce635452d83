// A second anchor for bench:files: plaintext over the data channel plus the same page↔main hops the browser harness adds.
//
// Chromium alone has no Electron MessagePort, so the harness carries every port frame over a loopback WebSocket
// bridged to a page MessageChannel (test/e2e/harness/file-ports.ts). Veil's encrypted path, with main reading the file,
// crosses it like this per chunk: a small request up and the chunk-sized frame down on the sender, the received frame
// up and a small reply down on the receiver. This anchor does exactly those crossings against a server in this process
// that reads the same file from disk, with no crypto, so the bench can tell the harness' cost apart from Veil's own.
import { closeSync, openSync, readSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import { FILE_LIMITS } from '../protocol/file-limits';
import type { Peer } from '../test/e2e/harness/index';
import { drainJs } from './files-page';

const CARRIER_CHANNEL_ID = 1002;
const MB = 1024 * 1024;

/**
 * A frame whose first byte is 1 asks for chunk `u32 BE at 1` of the current file: the server reads it from disk and
 * answers it (a "sealFromDisk" without crypto); any other frame gets 6 bytes back (an "open" reply).
 */
export async function startEchoServer(): Promise<{ url: string; useFile(path: string | null): void; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 1024 * 1024 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  let fd: number | null = null;
  wss.on('connection', (ws) => {
    ws.on('message', (data: Buffer) => {
      if (data[0] !== 1 || fd === null) return ws.send(data.subarray(0, 6), { binary: true });
      const chunk = Buffer.allocUnsafe(FILE_LIMITS.chunkBytes);
      const n = readSync(fd, chunk, 0, chunk.length, data.readUInt32BE(1) * FILE_LIMITS.chunkBytes);
      ws.send(chunk.subarray(0, n), { binary: true });
    });
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`,
    useFile(path) {
      if (fd !== null) closeSync(fd);
      fd = path === null ? null : openSync(path, 'r');
    },
    close: () => new Promise<void>((resolve) => { for (const c of wss.clients) c.terminate(); wss.close(() => resolve()); })
  };
}

/** Page-side: the carrier (WebSocket ↔ MessageChannel, as in the harness) and a negotiated data channel for this run. */
export const setupCarrierExpr = (url: string) => `(async () => {
  const ws = new WebSocket(${JSON.stringify(url)});
  ws.binaryType = 'arraybuffer';
  await new Promise((r) => { ws.onopen = r; });
  const { port1, port2 } = new MessageChannel();
  port1.onmessage = (e) => ws.send(e.data);
  ws.onmessage = (e) => port1.postMessage(e.data, [e.data]);
  const waiters = [];
  port2.onmessage = (e) => { const w = waiters.shift(); if (w) w(e.data); };
  window.__carrier = (buf) => new Promise((r) => { waiters.push(r); port2.postMessage(buf, [buf]); });
  const pc = window.__veilPcs.find((p) => p.connectionState === 'connected');
  const dc = pc.createDataChannel('veil-bench-carrier', { negotiated: true, id: ${CARRIER_CHANNEL_ID}, ordered: true });
  dc.binaryType = 'arraybuffer';
  dc.bufferedAmountLowThreshold = ${FILE_LIMITS.lowWaterBytes};
  window.__carrierDc = dc;
  window.__carrierRecv = { bytes: 0, done: 0 };
  dc.onmessage = (e) => {
    const frame = new Uint8Array(e.data.byteLength + 1);
    frame.set(new Uint8Array(e.data), 1);
    const n = e.data.byteLength;
    window.__carrier(frame.buffer).then(() => { const r = window.__carrierRecv; r.bytes += n; r.done = Date.now(); });
  };
  if (dc.readyState !== 'open') await new Promise((r) => dc.addEventListener('open', r, { once: true }));
  return true;
})()`;

/** Page-side sender: the app's pipeline depth and backpressure; each chunk is asked of the server, which reads it from disk. */
const sendCarrierExpr = (size: number) => `(async () => {
  const dc = window.__carrierDc;
  const inFlight = [];
  const flush = async () => {
    const chunk = await inFlight.shift();
    ${drainJs('dc')}
    dc.send(chunk);
  };
  const t0 = Date.now();
  const count = Math.max(1, Math.ceil(${size} / ${FILE_LIMITS.chunkBytes}));
  for (let i = 0; i < count; i++) {
    const req = new Uint8Array(29);
    req[0] = 1;
    new DataView(req.buffer).setUint32(1, i);
    inFlight.push(window.__carrier(req.buffer));
    if (inFlight.length >= ${FILE_LIMITS.portPipeline}) await flush();
  }
  while (inFlight.length) await flush();
  return t0;
})()`;

/** MB/s of the carrier-matched plaintext run, this process' event-loop delay p99 (ms) and utilization while it ran. */
export async function carrierRun(a: Peer, b: Peer, file: string, size: number, server: { useFile(path: string | null): void },
  until: (check: () => Promise<boolean>, timeout: number, poll?: number) => Promise<void>): Promise<{ mbps: number; loopP99: number; busy: number }> {
  await b.page.evaluate('window.__carrierRecv.bytes = 0');
  server.useFile(file);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const elu0 = performance.eventLoopUtilization();
  const t0 = await a.page.evaluate(sendCarrierExpr(size)) as number;
  await until(async () => (await b.page.evaluate('window.__carrierRecv.bytes') as number) >= size, 300_000, 250);
  const t1 = await b.page.evaluate('window.__carrierRecv.done') as number;
  loop.disable();
  server.useFile(null);
  return { mbps: size / MB / ((t1 - t0) / 1000), loopP99: loop.percentile(99) / 1e6, busy: performance.eventLoopUtilization(elu0).utilization };
}
