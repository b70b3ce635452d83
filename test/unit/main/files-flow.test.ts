// File transfer end to end between two real peers (services, IPC, real chunk worker) over in-memory binary ports.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fromB64u } from '../../../protocol/encoding';
import { decodeOpenProgress, TRANSFER_ID_BYTES } from '../../../protocol/file-frames';
import { FILE_LIMITS } from '../../../protocol/file-limits';
import { chunkWorkerPath } from '../../support/chunk-worker';
import { fakeOpener, type FakePort } from './file-port';
import { Clock, expectCode, idOf, joinAll, makePeer, tempDir, type Peer } from './harness';

interface Side { peer: Peer; ports: FakePort[]; suggested: string[]; saveDir: string; choose: (name: string) => string | null }
let sides: Side[] = [];
afterEach(async () => {
  for (const s of sides) await s.peer.services.dispose();
  sides = [];
});

async function side(name: string, clock: Clock, dataDir?: string): Promise<Side> {
  const { opener, ports } = fakeOpener();
  const saveDir = tempDir('veil-save-');
  const s: Side = { peer: undefined as unknown as Peer, ports, suggested: [], saveDir, choose: (n) => path.join(saveDir, n) };
  s.peer = await makePeer(name, { clock, ...(dataDir ? { dataDir } : {}), files: { chunkWorkerPath: await chunkWorkerPath(), openFilePort: opener,
    chooseSavePath: async (n) => { s.suggested.push(n); return s.choose(n); } } });
  sides.push(s);
  return s;
}

async function room(n = 2) {
  const clock = new Clock();
  const all: Side[] = [];
  for (const name of ['alice', 'bob', 'carol'].slice(0, n)) all.push(await side(name, clock));
  await joinAll('room', all.map((s) => s.peer));
  return { clock, all, a: all[0]!, b: all[1]!, c: all[2] };
}

async function port(s: Side): Promise<FakePort> {
  const { token } = await s.peer.call('files:connect');
  expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
  return s.ports.at(-1)!;
}

const sliceOf = (data: Uint8Array, i: number, chunk = FILE_LIMITS.chunkBytes) => data.slice(i * chunk, Math.min(data.length, (i + 1) * chunk));
const ZERO = new Uint8Array(TRANSFER_ID_BYTES);

/** Prepare + hash on `a`, offer to `to`; returns the offer for the first recipient. */
async function offerFile(a: Side, data: Uint8Array, to: Side[], name = 'data.bin') {
  const pa = await port(a);
  const prep = await a.peer.call('files:prepare', 'room', { name, size: data.length, mime: 'application/octet-stream' });
  const pid = fromB64u(prep.prepareId)!;
  for (let i = 0; i < prep.chunkCount; i++) expect((await pa.request('hash', pid, 0, i, sliceOf(data, i))).status).toBe('ok');
  const results = await a.peer.call('files:offer', prep.prepareId, await Promise.all(to.map((s) => idOf(s.peer))));
  return { pa, prep, results };
}

async function sendFile(a: Side, b: Side, data: Uint8Array, name = 'data.bin') {
  const { pa, prep, results } = await offerFile(a, data, [b], name);
  const r = results[0]!;
  if (!r.ok) throw new Error(`offer failed: ${r.error.code}`);
  const pb = await port(b);
  const info = await b.peer.call('files:receiveOffer', 'room', await idOf(a.peer), r.offer);
  expect(info).toMatchObject({ transferId: r.transferId, direction: 'in', state: 'offered', name, size: data.length, chunkCount: prep.chunkCount });
  expect((await b.peer.call('files:accept', r.transferId)).state).toBe('receiving');
  return { pa, pb, id: r.transferId, tid: fromB64u(r.transferId)!, offer: r.offer, chunkCount: prep.chunkCount };
}

/** Seals chunks [from, to) on the sender and opens them on the receiver; returns the last open progress. */
async function pump(t: { pa: FakePort; pb: FakePort; tid: Uint8Array }, data: Uint8Array, attempt: number, from: number, to: number) {
  let progress = null;
  for (let i = from; i < to; i++) {
    const sealed = await t.pa.request('seal', t.tid, attempt, i, sliceOf(data, i));
    expect(sealed.status).toBe('ok');
    const opened = await t.pb.request('open', ZERO, 0, 0, sealed.payload);
    expect(opened.status, `chunk ${i}`).toBe('ok');
    progress = decodeOpenProgress(opened.payload);
  }
  return progress;
}

describe('file transfer between two peers', () => {
  for (const [what, size] of [['~1 MB random file', 1_000_003], ['empty file', 0], ['size not a multiple of the chunk size', 3 * 65536 + 17],
    ['exact multiple of the chunk size', 2 * 65536]] as const) {
    it(`${what}: prepare → hash → offer → receive → accept → seal/open → verified → save identical → finish`, async () => {
      const { a, b } = await room();
      const data = new Uint8Array(randomBytes(size));
      const t = await sendFile(a, b, data, 'report.bin');
      const progress = await pump(t, data, 1, 0, t.chunkCount);
      expect(progress).toEqual({ verifiedChunks: t.chunkCount, complete: true });
      expect(await b.peer.call('files:get', t.id)).toMatchObject({ state: 'verified', verifiedChunks: t.chunkCount });
      expect(await a.peer.call('files:get', t.id)).toMatchObject({ state: 'sending', verifiedChunks: t.chunkCount, direction: 'out' });
      const spoolDir = path.join(b.peer.dataDir, 'transfers');
      expect(readdirSync(spoolDir)).toHaveLength(1);
      expect(await b.peer.call('files:save', t.id)).toEqual({ saved: true, fileName: 'report.bin' });
      expect(b.suggested).toEqual(['report.bin']);
      expect(Buffer.compare(readFileSync(path.join(b.saveDir, 'report.bin')), Buffer.from(data))).toBe(0);
      expect(readdirSync(spoolDir)).toEqual([]);
      expect((await b.peer.call('files:get', t.id)).state).toBe('saved');
      expect((await a.peer.call('files:finish', t.id)).state).toBe('done');
      expect((await a.peer.call('files:finish', t.id)).state).toBe('done');
      const sealAfter = await t.pa.request('seal', t.tid, 1, 0, sliceOf(data, 0));
      expect(sealAfter.status).toBe('bad-state');
      const types = (p: Side) => p.peer.services.e2ee.audit.tail(100).map((e) => e.type);
      expect(types(a)).toContain('file-offered');
      expect(types(b)).toEqual(expect.arrayContaining(['file-offer-received', 'file-accepted', 'file-verified', 'file-saved']));
      const log = readFileSync(path.join(b.peer.dataDir, 'audit.jsonl'), 'utf8') + readFileSync(path.join(a.peer.dataDir, 'audit.jsonl'), 'utf8');
      expect(log).not.toContain('report.bin');
    });
  }

  it('one prepared file to two recipients: separate transfer ids and keys; one recipient cannot open the other\'s chunks', async () => {
    const { a, b, c } = await room(3);
    const data = new Uint8Array(randomBytes(70_000));
    const { pa, results } = await offerFile(a, data, [b, c!]);
    expect(results.every((r) => r.ok)).toBe(true);
    const [rb, rc] = results as Extract<(typeof results)[number], { ok: true }>[];
    expect(rb!.transferId).not.toBe(rc!.transferId);
    const pb = await port(b);
    await b.peer.call('files:receiveOffer', 'room', await idOf(a.peer), rb!.offer);
    await b.peer.call('files:accept', rb!.transferId);
    // Carol's chunk under Carol's transfer id is unknown to Bob: not-found, Bob's transfer untouched.
    const forCarol = await pa.request('seal', fromB64u(rc!.transferId)!, 1, 0, sliceOf(data, 0));
    expect((await pb.request('open', ZERO, 0, 0, forCarol.payload)).status).toBe('not-found');
    expect((await b.peer.call('files:get', rb!.transferId)).state).toBe('receiving');
    // Carol's chunk relabelled with Bob's transfer id does not authenticate: Bob's transfer fails closed.
    const relabelled = forCarol.payload.slice();
    relabelled.set(fromB64u(rb!.transferId)!, 1);
    const r = await pb.request('open', ZERO, 0, 0, relabelled);
    expect(r.status).toBe('decrypt-failed');
    expect(await b.peer.call('files:get', rb!.transferId)).toMatchObject({ state: 'failed', error: { code: 'decrypt-failed' } });
    expect(readdirSync(path.join(b.peer.dataDir, 'transfers'))).toEqual([]);
  });
});
