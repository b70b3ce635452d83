// Main's side of file transfer alone: two real main services in this process, ports fed flat out, event-loop delay measured.
// Part of `npm run bench:files`: it shows how much main can read, seal and open per second (no browser, no data
// channel) and that disk reads and chunk crypto in the worker keep main's event loop free while it does.
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createMainApp } from '../main/app';
import { MemoryKeystore } from '../main/keystore/memory';
import type { MainServices } from '../main/services';
import { APP_ENTRY_URL } from '../main/shell/origin';
import { fromB64u } from '../protocol/encoding';
import { FILE_LIMITS } from '../protocol/file-limits';
import type { IpcChannel, IpcResult } from '../protocol/ipc';
import type { OfferResult, PreparedFile } from '../protocol/ipc-files';
import { chunkWorkerPath } from '../test/support/chunk-worker';
import { fakeOpener, type FakePort } from '../test/unit/main/file-port';

const APP_URL = APP_ENTRY_URL;
const MB = 1024 * 1024;

interface Side { services: MainServices; call<T>(channel: IpcChannel, ...args: unknown[]): Promise<T>; ports: FakePort[]; dir: string;
  pick: string | null }

async function side(name: string): Promise<Side> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `veil-bench-${name}-`));
  const { opener, ports } = fakeOpener();
  const holder: { pick: string | null } = { pick: null };
  const { services, dispatch } = await createMainApp({
    appInfo: { name: 'Veil', version: 'bench', platform: 'linux' }, dataDir: dir, keystore: new MemoryKeystore(), sweepIntervalMs: 0,
    chunkWorkerPath: await chunkWorkerPath(), openFilePort: opener, chooseSavePath: async () => null, chooseOpenPath: async () => holder.pick
  });
  return {
    services, ports, dir,
    get pick() { return holder.pick; },
    set pick(p) { holder.pick = p; },
    async call<T>(channel: IpcChannel, ...args: unknown[]): Promise<T> {
      const r = await dispatch(APP_URL, channel, args) as IpcResult<T>;
      if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
      return r.value;
    }
  };
}

async function port(s: Side): Promise<FakePort> {
  await s.call('files:connect');
  await new Promise((r) => setImmediate(r));
  return s.ports.at(-1)!;
}

/** Runs `count` requests with at most `depth` in flight, started in index order (after `before`, e.g. pacing). */
async function pipelined(count: number, depth: number, run: (i: number) => Promise<void>, before?: (next: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(depth, count) }, async () => {
    while (next < count) {
      if (before) await before(next);
      if (next >= count) return;
      await run(next++);
    }
  });
  await Promise.all(lanes);
}

export interface MainPathResult { mbps: number; loopP99: number; loopMax: number; sizeMiB: number }

/** `paceMBps` = 0 runs flat out; otherwise chunk i is not sealed before its time at that rate (a steady sender). */
export async function benchMainPath(sizeBytes: number, paceMBps = 0): Promise<MainPathResult> {
  const [a, b] = [await side('a'), await side('b')];
  try {
    const bundles = [await a.call<{ bundle: unknown }>('keys:create', 'room'), await b.call<{ bundle: unknown }>('keys:create', 'room')];
    await a.call('session:open', bundles[1]!.bundle, 'b');
    await b.call('session:open', bundles[0]!.bundle, 'a');
    const bId = (await b.call<{ identityKey: string }>('identity:get')).identityKey;
    const aId = (await a.call<{ identityKey: string }>('identity:get')).identityKey;
    const [pa, pb] = [await port(a), await port(b)];
    // The file main reads: random 4 MiB blocks repeated (written once, then mostly in the page cache, as a file just picked).
    const file = path.join(a.dir, 'bench.bin');
    const block = new Uint8Array(randomBytes(4 * MB));
    const fd = openSync(file, 'w');
    for (let o = 0; o < sizeBytes; o += block.length) writeSync(fd, block, 0, Math.min(block.length, sizeBytes - o));
    closeSync(fd);
    a.pick = file;
    const prep = (await a.call<PreparedFile | null>('files:pick', 'room'))!;
    const n = prep.chunkCount;
    const [offer] = await a.call<OfferResult[]>('files:offer', prep.prepareId, [bId]);
    if (!offer?.ok) throw new Error('offer failed');
    await b.call('files:receiveOffer', 'room', aId, offer.offer);
    await b.call('files:accept', offer.transferId);
    const tid = fromB64u(offer.transferId)!;

    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const t0 = performance.now();
    // Seal on A and open on B, both pipelined like the renderers do; frames reach B in index order.
    const sealed = new Map<number, Uint8Array>();
    let opened = 0;
    let opening: Promise<void> = Promise.resolve();
    const chunkMs = paceMBps > 0 ? (prep.chunkSize / MB / paceMBps) * 1000 : 0;
    const pace = async (i: number) => {
      const due = t0 + i * chunkMs - performance.now();
      if (due > 1) await new Promise((r) => setTimeout(r, due));
    };
    await pipelined(n, FILE_LIMITS.portPipeline, async (i) => {
      const r = await pa.request('sealFromDisk', tid, 1, i, new Uint8Array(0));
      if (r.status !== 'ok') throw new Error(`seal ${i}: ${r.status}`);
      sealed.set(i, r.payload.slice());
      while (sealed.has(opened)) {
        const frame = sealed.get(opened)!;
        sealed.delete(opened);
        const idx = opened++;
        const reply = pb.request('open', new Uint8Array(16), 0, 0, frame);
        opening = opening.then(async () => { const o = await reply; if (o.status !== 'ok') throw new Error(`open ${idx}: ${o.status}`); });
      }
    }, chunkMs > 0 ? pace : undefined);
    await opening;
    await b.call('files:receiveFinal', offer.transferId, await a.call<Uint8Array>('files:final', offer.transferId));
    const seconds = (performance.now() - t0) / 1000;
    loop.disable();
    const info = await b.call<{ state: string }>('files:get', offer.transferId);
    if (info.state !== 'verified') throw new Error(`receiver ended in ${info.state}`);
    return { mbps: sizeBytes / MB / seconds, loopP99: loop.percentile(99) / 1e6, loopMax: loop.max / 1e6, sizeMiB: sizeBytes / MB };
  } finally {
    for (const s of [a, b]) {
      await s.services.dispose();
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
}
