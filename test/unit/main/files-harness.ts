// File-transfer test helpers: peers with a real chunk worker and fake ports, and the prepare/pick/offer/send/final steps.
import { FILE_PORT_TOKEN_PATTERN } from '../../../protocol/ipc-channels';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expect } from 'vitest';
import { fromB64u } from '../../../protocol/encoding';
import { decodeOpenProgress, TRANSFER_ID_BYTES } from '../../../protocol/file-frames';
import { FILE_LIMITS } from '../../../protocol/file-limits';
import { chunkWorkerPath } from '../../support/chunk-worker';
import { fakeOpener, type FakePort } from './file-port';
import { Clock, idOf, joinAll, makePeer, tempDir, type Peer } from './harness';

export interface Side { peer: Peer; ports: FakePort[]; suggested: string[]; saveDir: string; choose: (name: string) => string | null;
  /** What main's open dialog (stand-in) answers next for `files:pick`. */
  pick: string | null }
let sides: Side[] = [];
/** Call from afterEach: disposes every peer made since (stops their chunk workers). */
export async function disposeSides(): Promise<void> {
  for (const s of sides) await s.peer.services.dispose();
  sides = [];
}

export async function side(name: string, clock: Clock, dataDir?: string): Promise<Side> {
  const { opener, ports } = fakeOpener();
  const saveDir = tempDir('veil-save-');
  const s: Side = { peer: undefined as unknown as Peer, ports, suggested: [], saveDir, choose: (n) => path.join(saveDir, n), pick: null };
  s.peer = await makePeer(name, { clock, ...(dataDir ? { dataDir } : {}), files: { chunkWorkerPath: await chunkWorkerPath(), openFilePort: opener,
    chooseSavePath: async (n) => { s.suggested.push(n); return s.choose(n); }, chooseOpenPath: async () => s.pick } });
  sides.push(s);
  return s;
}

export async function room(n = 2) {
  const clock = new Clock();
  const all: Side[] = [];
  for (const name of ['alice', 'bob', 'carol'].slice(0, n)) all.push(await side(name, clock));
  await joinAll('room', all.map((s) => s.peer));
  return { clock, all, a: all[0]!, b: all[1]!, c: all[2] };
}

export async function port(s: Side): Promise<FakePort> {
  const { token } = await s.peer.call('files:connect');
  expect(token).toMatch(FILE_PORT_TOKEN_PATTERN);
  // main attaches its end when the opener resolves (after the token went back).
  await new Promise((r) => setImmediate(r));
  return s.ports.at(-1)!;
}

export const sliceOf = (data: Uint8Array, i: number, chunk = FILE_LIMITS.chunkBytes) => data.slice(i * chunk, Math.min(data.length, (i + 1) * chunk));
export const ZERO = new Uint8Array(TRANSFER_ID_BYTES);

/** Prepare (pasted data: nothing is read) on `a`, offer to `to` at once; returns the offer for the first recipient. */
export async function offerFile(a: Side, data: Uint8Array, to: Side[], name = 'data.bin') {
  const pa = await port(a);
  const prep = await a.peer.call('files:prepare', 'room', { name, size: data.length, mime: 'application/octet-stream' });
  expect(prep.fromDisk).toBe(false);
  const results = await a.peer.call('files:offer', prep.prepareId, await Promise.all(to.map((s) => idOf(s.peer))));
  return { pa, prep, results };
}

export async function sendFile(a: Side, b: Side, data: Uint8Array, name = 'data.bin', prepared?: Awaited<ReturnType<typeof offerFile>>) {
  const { pa, prep, results } = prepared ?? await offerFile(a, data, [b], name);
  const r = results[0]!;
  if (!r.ok) throw new Error(`offer failed: ${r.error.code}`);
  const pb = await port(b);
  const info = await b.peer.call('files:receiveOffer', 'room', await idOf(a.peer), r.offer);
  expect(info).toMatchObject({ transferId: r.transferId, direction: 'in', state: 'offered', name, size: data.length, chunkCount: prep.chunkCount });
  expect((await b.peer.call('files:accept', r.transferId)).state).toBe('receiving');
  return { pa, pb, id: r.transferId, tid: fromB64u(r.transferId)!, offer: r.offer, chunkCount: prep.chunkCount };
}

/** A file picked in `a`'s open dialog (main reads it from disk), offered to `to`. */
export async function offerFromDisk(a: Side, filePath: string, to: Side[]) {
  const pa = await port(a);
  a.pick = filePath;
  const prep = await a.peer.call('files:pick', 'room');
  if (!prep) throw new Error('pick returned null');
  expect(prep.fromDisk).toBe(true);
  const results = await a.peer.call('files:offer', prep.prepareId, await Promise.all(to.map((s) => idOf(s.peer))));
  return { pa, prep, results };
}

/** The sender's signed final message, handed to the receiver's main as its renderer would. */
export async function finalize(a: Side, b: Side, id: string) {
  const final = await a.peer.call('files:final', id);
  return b.peer.call('files:receiveFinal', id, final);
}

/** Seals chunks [from, to) on the sender (from disk when `data` is null) and opens them on the receiver; returns the last open progress. */
export async function pump(t: { pa: FakePort; pb: FakePort; tid: Uint8Array }, data: Uint8Array | null, attempt: number, from: number, to: number) {
  let progress = null;
  for (let i = from; i < to; i++) {
    const sealed = data ? await t.pa.request('seal', t.tid, attempt, i, sliceOf(data, i)) : await t.pa.request('sealFromDisk', t.tid, attempt, i, new Uint8Array(0));
    expect(sealed.status).toBe('ok');
    const opened = await t.pb.request('open', ZERO, 0, 0, sealed.payload);
    expect(opened.status, `chunk ${i}`).toBe('ok');
    progress = decodeOpenProgress(opened.payload);
  }
  return progress;
}

export const random = (n: number) => new Uint8Array(randomBytes(n));
