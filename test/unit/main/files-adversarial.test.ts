// File transfer refusals: bad offers (each check of PROTOCOL.md 14.1), limits, unknown ids, garbage frames, cancel, resume, restart.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toB64u } from '../../../protocol/encoding';
import { FILE_LIMITS } from '../../../protocol/file-limits';
import { disposeSides, finalize, offerFile, port, pump, random, room, sendFile, side, sliceOf, ZERO } from './files-harness';
import { Clock, expectCode, idOf, joinAll, makePeer, tempDir } from './harness';

afterEach(disposeSides);

const rejectedReasons = (s: Awaited<ReturnType<typeof room>>['a']) =>
  s.peer.services.audit.tail(100).filter((e) => e.type === 'file-offer-rejected').map((e) => e.reason);

describe('incoming offers are checked in order and refused without any state change', () => {
  it('wrong recipient, wrong room, forged sender, bad signature, malformed, replayed', async () => {
    const { a, b, c } = await room(3);
    const data = random(5000);
    const { results } = await offerFile(a, data, [b]);
    const offer = (results[0] as { offer: Uint8Array }).offer;
    const alice = await idOf(a.peer);
    // Carol is not the recipient named in the manifest.
    await expectCode(c!.peer.call('files:receiveOffer', 'room', alice, offer), 'wrong-recipient');
    // Bob is, but the envelope came from Carol's session: the offer is not hers.
    await expectCode(b.peer.call('files:receiveOffer', 'room', await idOf(c!.peer), offer), 'bad-signature');
    await expectCode(b.peer.call('files:receiveOffer', 'other-room', alice, offer), 'wrong-recipient');
    const badSig = offer.slice();
    badSig[badSig.length - 5]! ^= 0x10;
    await expectCode(b.peer.call('files:receiveOffer', 'room', alice, badSig), 'bad-signature');
    const badName = offer.slice();
    badName[0] = 1;
    await expectCode(b.peer.call('files:receiveOffer', 'room', alice, badName), 'malformed');
    await expectCode(b.peer.call('files:receiveOffer', 'room', alice, new Uint8Array(10)), 'malformed');
    expect(await b.peer.call('files:list')).toEqual([]);
    expect(await c!.peer.call('files:list')).toEqual([]);
    expect(rejectedReasons(b)).toEqual(['signature', 'wrong-recipient', 'signature', 'malformed', 'malformed']);
    const info = await b.peer.call('files:receiveOffer', 'room', alice, offer);
    expect(info.state).toBe('offered');
    await expectCode(b.peer.call('files:receiveOffer', 'room', alice, offer), 'replay');
    // Even after the transfer ends, the same id is refused.
    await b.peer.call('files:decline', info.transferId);
    await expectCode(b.peer.call('files:receiveOffer', 'room', alice, offer), 'replay');
    expect(rejectedReasons(b).at(-1)).toBe('replay');
    const log = readFileSync(path.join(b.peer.dataDir, 'audit.jsonl'), 'utf8');
    expect(log).not.toContain('data.bin');
  });

  it('an offer naming a session that no longer exists (closed) is refused', async () => {
    const { a, b } = await room();
    const { results } = await offerFile(a, random(10), [b]);
    await b.peer.call('session:close', 'room', await idOf(a.peer));
    await expectCode(b.peer.call('files:receiveOffer', 'room', await idOf(a.peer), (results[0] as { offer: Uint8Array }).offer), 'unknown-key');
  });

  it('too large: prepare above our setting, and an incoming offer above the recipient\'s setting', async () => {
    const { a, b } = await room();
    await b.peer.call('settings:set', { maxFileBytes: FILE_LIMITS.minMaxFileBytes });
    const { results } = await offerFile(a, random(FILE_LIMITS.minMaxFileBytes + 1), [b]);
    await expectCode(b.peer.call('files:receiveOffer', 'room', await idOf(a.peer), (results[0] as { offer: Uint8Array }).offer), 'too-large');
    expect(rejectedReasons(b)).toEqual(['too-large']);
    await expectCode(b.peer.call('files:prepare', 'room', { name: 'x', size: FILE_LIMITS.minMaxFileBytes + 1, mime: '' }), 'too-large');
    await expectCode(a.peer.call('files:prepare', 'room', { name: 'x', size: FILE_LIMITS.defaultMaxFileBytes + 1, mime: '' }), 'too-large');
    await expectCode(a.peer.call('files:prepare', 'no-such-room', { name: 'x', size: 1, mime: '' }), 'no-room-key');
    await expectCode(a.peer.call('files:prepare', 'room', { name: 'a/b', size: 1, mime: '' }), 'malformed');
  });
});

describe('sender side', () => {
  it('offer goes out at once (nothing hashed first); unknown recipients get a per-recipient no-session', async () => {
    const { a, b } = await room();
    const data = random(70_000);
    const prep = await a.peer.call('files:prepare', 'room', { name: 'f', size: data.length, mime: '' });
    const stranger = toB64u(new Uint8Array(32).fill(7));
    const results = await a.peer.call('files:offer', prep.prepareId, [stranger, await idOf(b.peer)]);
    expect(results[0]).toMatchObject({ ok: false, recipientIdentityKey: stranger, error: { code: 'no-session' } });
    expect(results[1]).toMatchObject({ ok: true });
    // The prepared file is dropped once offered.
    await expectCode(a.peer.call('files:offer', prep.prepareId, [await idOf(b.peer)]), 'not-found');
  });
});

describe('unknown ids and garbage', () => {
  it('unknown transfer ids are not-found everywhere; garbage port frames are ignored and counted', async () => {
    const { a, b } = await room();
    const unknown = toB64u(new Uint8Array(16).fill(9));
    for (const ch of ['files:get', 'files:accept', 'files:decline', 'files:cancel', 'files:finish', 'files:save'] as const) {
      await expectCode(b.peer.call(ch, unknown), 'not-found');
    }
    await expectCode(b.peer.call('files:resume', unknown, 0), 'not-found');
    await expectCode(b.peer.call('files:offer', unknown, [await idOf(a.peer)]), 'not-found');
    const pb = await port(b);
    pb.sendRaw(new Uint8Array(3));
    pb.sendRaw(Uint8Array.of(0x7f, ...new Uint8Array(40)));
    pb.sendRaw('text' as unknown as Uint8Array);
    // 0x01 was the retired hash op: not a request any more.
    pb.sendRaw(Uint8Array.of(0x01, ...new Uint8Array(40)));
    expect(b.peer.services.files.ports.garbageFrames).toBe(4);
    const stray = Uint8Array.of(1, ...new Uint8Array(16).fill(9), 0, 0, 0, 1, 0, 0, 0, 0, ...new Uint8Array(20));
    expect((await pb.request('open', ZERO, 0, 0, stray)).status).toBe('not-found');
    expect((await pb.request('seal', new Uint8Array(16), 1, 0, new Uint8Array(1))).status).toBe('not-found');
    expect((await pb.request('sealFromDisk', new Uint8Array(16), 1, 0, new Uint8Array(0))).status).toBe('not-found');
    expect(await b.peer.call('files:list')).toEqual([]);
  });

  it('connect without a window is bad-state', async () => {
    const p = await makePeer('lonely', { clock: new Clock() });
    await expectCode(p.call('files:connect'), 'bad-state');
    await p.services.dispose();
  });
});

describe('cancel, resume, failure, restart', () => {
  it('the receiver cancels mid-transfer: spool deleted, later frames refused; cancel on a final state is idempotent', async () => {
    const { a, b } = await room();
    const data = random(300_000);
    const t = await sendFile(a, b, data);
    await pump(t, data, 1, 0, 2);
    expect(readdirSync(path.join(b.peer.dataDir, 'transfers'))).toHaveLength(1);
    expect((await b.peer.call('files:cancel', t.id)).state).toBe('cancelled');
    expect(readdirSync(path.join(b.peer.dataDir, 'transfers'))).toEqual([]);
    const next = await t.pa.request('seal', t.tid, 1, 2, sliceOf(data, 2));
    expect((await t.pb.request('open', ZERO, 0, 0, next.payload)).status).toBe('bad-state');
    expect((await b.peer.call('files:cancel', t.id)).state).toBe('cancelled');
    await expectCode(b.peer.call('files:save', t.id), 'bad-state');
    await expectCode(b.peer.call('files:accept', t.id), 'bad-state');
    expect(b.peer.services.audit.tail(50).some((e) => e.type === 'file-cancelled')).toBe(true);
  });

  it('the sender cancels: sealing stops', async () => {
    const { a, b } = await room();
    const data = random(200_000);
    const t = await sendFile(a, b, data);
    await pump(t, data, 1, 0, 1);
    expect((await a.peer.call('files:cancel', t.id)).state).toBe('cancelled');
    expect((await t.pa.request('seal', t.tid, 1, 1, sliceOf(data, 1))).status).toBe('bad-state');
    await expectCode(a.peer.call('files:resume', t.id, 1), 'bad-state');
  });

  it('resume after a cut: attempt bumps, old-attempt frames are stale, nothing verified is sent again, the file is identical', async () => {
    const { a, b } = await room();
    const data = random(5 * 65536 + 3);
    const t = await sendFile(a, b, data);
    expect(await pump(t, data, 1, 0, 2)).toEqual({ verifiedChunks: 2, complete: false });
    // Chunk 2 was sealed but lost on the cut.
    const lost = await t.pa.request('seal', t.tid, 1, 2, sliceOf(data, 2));
    await expectCode(a.peer.call('files:resume', t.id, t.chunkCount + 1), 'bad-arguments');
    const resumed = await a.peer.call('files:resume', t.id, 2);
    expect(resumed).toMatchObject({ attempt: 2, verifiedChunks: 2 });
    expect((await t.pa.request('seal', t.tid, 1, 3, sliceOf(data, 3))).status).toBe('stale-attempt');
    expect(await pump(t, data, 2, 2, 3)).toEqual({ verifiedChunks: 3, complete: false });
    // The lost frame of attempt 1 turns up late, after attempt 2 began: dropped without harm.
    expect((await t.pb.request('open', ZERO, 0, 0, lost.payload)).status).toBe('stale-attempt');
    expect((await b.peer.call('files:get', t.id))).toMatchObject({ state: 'receiving', verifiedChunks: 3 });
    expect(await pump(t, data, 2, 3, t.chunkCount)).toEqual({ verifiedChunks: t.chunkCount, complete: false });
    // The resent chunk 2 was not hashed twice: the sender's final matches.
    expect((await finalize(a, b, t.id)).state).toBe('verified');
    expect((await b.peer.call('files:save', t.id)).saved).toBe(true);
    expect(Buffer.compare(readFileSync(path.join(b.saveDir, 'data.bin')), Buffer.from(data))).toBe(0);
  });

  it('out-of-order and tampered chunks fail the transfer with a typed error and delete the spool', async () => {
    const { a, b } = await room();
    const data = random(4 * 65536);
    const t = await sendFile(a, b, data);
    await pump(t, data, 1, 0, 1);
    await t.pa.request('seal', t.tid, 1, 1, sliceOf(data, 1));
    const skipped = await t.pa.request('seal', t.tid, 1, 2, sliceOf(data, 2));
    expect((await t.pb.request('open', ZERO, 0, 0, skipped.payload)).status).toBe('out-of-order');
    expect(await b.peer.call('files:get', t.id)).toMatchObject({ state: 'failed', error: { code: 'out-of-order' } });
    expect(readdirSync(path.join(b.peer.dataDir, 'transfers'))).toEqual([]);
    expect(b.peer.services.audit.tail(50).filter((e) => e.type === 'file-failed').map((e) => e.reason)).toEqual(['out-of-order']);
  });

  it('save: a cancelled dialog saves nothing and keeps the transfer; the name offered is sanitized', async () => {
    const { a, b } = await room();
    const data = random(1000);
    const t = await sendFile(a, b, data, 'evil\u202e name.txt');
    await pump(t, data, 1, 0, 1);
    await finalize(a, b, t.id);
    b.choose = () => null;
    expect(await b.peer.call('files:save', t.id)).toEqual({ saved: false });
    expect((await b.peer.call('files:get', t.id)).state).toBe('verified');
    expect(b.suggested).toEqual(['evil name.txt']);
    b.choose = (n) => path.join(b.saveDir, 'chosen', n);
    mkdirSync(path.join(b.saveDir, 'chosen'));
    expect(await b.peer.call('files:save', t.id)).toEqual({ saved: true, fileName: 'evil name.txt' });
  });

  it('stale spools are deleted at start-up; dispose deletes spools of unfinished transfers', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'transfers'), { recursive: true });
    writeFileSync(path.join(dir, 'transfers', 'deadbeef.spool'), 'old ciphertext');
    const clock = new Clock();
    const b = await side('bob', clock, dir);
    expect(existsSync(path.join(dir, 'transfers', 'deadbeef.spool'))).toBe(false);
    const a = await side('alice', clock);
    await joinAll('room', [a.peer, b.peer]);
    const data = random(200_000);
    const t = await sendFile(a, b, data);
    expect(await pump(t, data, 1, 0, 1)).toEqual({ verifiedChunks: 1, complete: false });
    expect(readdirSync(path.join(dir, 'transfers'))).toHaveLength(1);
    await b.peer.services.dispose();
    expect(readdirSync(path.join(dir, 'transfers'))).toEqual([]);
  });

  it('at most maxTransfers own transfers at once; unanswered offers expire after offerTtlMs; finished ones make room', async () => {
    const { clock, a, b } = await room();
    const alice = await idOf(a.peer);
    const bob = await idOf(b.peer);
    const ids: string[] = [];
    for (let i = 0; i < FILE_LIMITS.maxTransfers; i++) {
      const prep = await a.peer.call('files:prepare', 'room', { name: `f${i}`, size: 1, mime: '' });
      const [r] = await a.peer.call('files:offer', prep.prepareId, [bob]);
      if (!r?.ok) throw new Error('offer failed');
      ids.push(r.transferId);
      // Bob holds only his pending-offer quota of them (offer-quotas.test.ts covers the refusals).
      if (i < FILE_LIMITS.maxPendingOffersPerPeer) await b.peer.call('files:receiveOffer', 'room', alice, r.offer);
    }
    await expectCode(a.peer.call('files:prepare', 'room', { name: 'one-more', size: 1, mime: '' }), 'bad-state');
    expect(await b.peer.call('files:list')).toHaveLength(FILE_LIMITS.maxPendingOffersPerPeer);
    clock.advance(FILE_LIMITS.offerTtlMs + 1);
    expect(await b.peer.call('files:list')).toEqual([]);
    await expectCode(b.peer.call('files:accept', ids[0]!), 'not-found');
    // The sender's transfers are still live (not final) until they end.
    await expectCode(a.peer.call('files:prepare', 'room', { name: 'one-more', size: 1, mime: '' }), 'bad-state');
    await a.peer.call('files:cancel', ids[0]!);
    expect((await a.peer.call('files:prepare', 'room', { name: 'one-more', size: 1, mime: '' })).chunkCount).toBe(1);
    await expectCode(a.peer.call('files:get', ids[0]!), 'not-found');
  });
});
