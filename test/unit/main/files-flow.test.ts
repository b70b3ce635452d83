// File transfer end to end between two real peers (services, IPC, real chunk worker) over in-memory binary ports.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fromB64u } from '../../../protocol/encoding';
import { disposeSides, finalize, offerFile, port, pump, room, sendFile, sliceOf, ZERO, type Side } from './files-harness';
import { idOf } from './harness';

afterEach(disposeSides);

describe('file transfer between two peers', () => {
  for (const [what, size] of [['~1 MB random file', 1_000_003], ['empty file', 0], ['size not a multiple of the chunk size', 3 * 65536 + 17],
    ['exact multiple of the chunk size', 2 * 65536]] as const) {
    it(`${what}: prepare → offer at once → receive → accept → seal/open → signed final → verified → save identical → finish`, async () => {
      const { a, b } = await room();
      const data = new Uint8Array(randomBytes(size));
      const t = await sendFile(a, b, data, 'report.bin');
      const progress = await pump(t, data, 1, 0, t.chunkCount);
      expect(progress).toEqual({ verifiedChunks: t.chunkCount, complete: false });
      expect(await b.peer.call('files:get', t.id)).toMatchObject({ state: 'receiving', sha256: '' });
      expect(await finalize(a, b, t.id)).toMatchObject({ state: 'verified', sha256: createHash('sha256').update(data).digest('hex') });
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
      const types = (p: Side) => p.peer.services.audit.tail(100).map((e) => e.type);
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

  it('pipelined port requests are answered in request order, including errors decided in main', async () => {
    const { a, b } = await room();
    const data = new Uint8Array(randomBytes(10 * 65536));
    const t = await sendFile(a, b, data);
    const before = t.pa.order.length;
    const replies = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => t.pa.request('seal', t.tid, 1, i, sliceOf(data, i))),
      t.pa.request('seal', new Uint8Array(16), 1, 0, new Uint8Array(1)),
      t.pa.request('seal', t.tid, 1, 8, sliceOf(data, 8))
    ]);
    expect(replies.map((r) => r.status)).toEqual([...Array(8).fill('ok'), 'not-found', 'ok']);
    const ids = t.pa.order.slice(before);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    const opened = await Promise.all(replies.filter((r) => r.status === 'ok').map((r) => t.pb.request('open', ZERO, 0, 0, r.payload)));
    expect(opened.map((r) => r.status)).toEqual(Array(9).fill('ok'));
  });

  it('a reloaded page connects again: both ports work, a closed one is dropped and gets no replies', async () => {
    const { a, b } = await room();
    const data = new Uint8Array(randomBytes(3 * 65536));
    const t = await sendFile(a, b, data);
    const second = await port(b);
    expect(b.peer.services.files.ports.attached).toBe(2);
    const sealed = await t.pa.request('seal', t.tid, 1, 0, sliceOf(data, 0));
    expect((await t.pb.request('open', ZERO, 0, 0, sealed.payload)).status).toBe('ok');
    t.pb.hangUp();
    expect(b.peer.services.files.ports.attached).toBe(1);
    const next = await t.pa.request('seal', t.tid, 1, 1, sliceOf(data, 1));
    const before = t.pb.order.length;
    expect((await second.request('open', ZERO, 0, 0, next.payload)).status).toBe('ok');
    expect(t.pb.order.length).toBe(before);
    expect((await b.peer.call('files:get', t.id)).verifiedChunks).toBe(2);
  });
});
