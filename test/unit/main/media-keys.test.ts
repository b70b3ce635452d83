// SFU media keys in main (real crypto): ratchet on join, fresh key on leave, the trust gate, and every receive check.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toB64u } from '../../../protocol/encoding';
import { mediaKid, type MediaKeyMessage } from '../../../protocol/media-key-wire';
import { ratchetBaseKey } from '../../../main/crypto';
import { Clock, expectCode, idOf, makePeer, partsOf, text } from './harness';
import { hex, introduceAll, receiveKeys, ROOM, route, sendKeys, startCall, waitFor, type Member } from './media-keys-harness';

const live: Member[] = [];
afterEach(async () => {
  for (const m of live.splice(0)) m.peer.services.e2ee.dispose();
});
async function call(names: string[], clock?: Clock) {
  const ms = await startCall(names, clock);
  live.push(...ms);
  return ms;
}

/** A hostile member's own main seals whatever media-key message it likes to `to` (its session is real). */
async function forge(from: Member, to: Member, patch: Partial<MediaKeyMessage>, base: Partial<MediaKeyMessage> = {}): Promise<string> {
  const msg: MediaKeyMessage = { v: 1, t: 'media-key', roomId: ROOM, senderId: from.peerId, recipientId: to.peerId, senderIndex: 7,
    generation: 0, epoch: 5, kid: mediaKid(7, 5), baseKey: toB64u(new Uint8Array(32).fill(9)), ...base, ...patch };
  return toB64u(await from.peer.services.e2ee.sealMediaKey(ROOM, to.identityKey, text(JSON.stringify(msg))));
}

const chainFrom = (k: Uint8Array, steps: number) => {
  const out: string[] = [];
  let cur = k;
  for (let i = 0; i < steps; i++) { cur = ratchetBaseKey(partsOf(live[0]!.peer.services).backend, cur); out.push(hex(cur)); }
  return out;
};

describe('media keys: schedule', () => {
  it('three members exchange keys; each switches to its send key only after delivering it', async () => {
    const [a, b, c] = await call(['alice', 'bob', 'carol']);
    await introduceAll([a!, b!, c!]);
    for (const m of [a!, b!, c!]) await waitFor(() => sendKeys(m).length === 1, `${m.name}'s send key`);
    for (const m of [a!, b!, c!]) {
      const mine = sendKeys(m)[0]!;
      for (const other of [a!, b!, c!].filter((o) => o !== m)) {
        // Every member holds exactly the key m sends under, for m's KID.
        expect(receiveKeys(other, m.peerId).map((k) => [k.kid, hex(k.baseKey)])).toContainEqual([mine.kid, hex(mine.baseKey)]);
      }
    }
  });

  it('a join ratchets: the newcomer gets only the new key, which is HKDF of the old, and cannot derive any earlier one', async () => {
    const [a, b, c] = await call(['alice', 'bob', 'carol']);
    await introduceAll([a!, b!]);
    await waitFor(() => sendKeys(a!).length === 1, "alice's first send key");
    const before = sendKeys(a!)[0]!;
    await c!.peer.call('media:memberJoined', ROOM, a!.peerId, a!.identityKey);
    await route(a!, await a!.peer.call('media:memberJoined', ROOM, c!.peerId, c!.identityKey), [a!, b!, c!]);
    await waitFor(() => sendKeys(a!).length === 2, "alice's switch to the ratcheted key");
    const after = sendKeys(a!)[1]!;
    expect(after.kid).toBe(before.kid + 1);
    expect(hex(after.baseKey)).toBe(hex(ratchetBaseKey(partsOf(a!.peer.services).backend, before.baseKey)));
    // Carol holds the new key and its own ratchet (derived ahead for the next join), nothing older.
    const carolHas = receiveKeys(c!, a!.peerId);
    expect(carolHas.map((k) => k.kid)).toEqual([after.kid, after.kid + 1]);
    expect(hex(carolHas[1]!.baseKey)).toBe(hex(ratchetBaseKey(partsOf(a!.peer.services).backend, after.baseKey)));
    // Bob derived the ratchet when he accepted the old key, so it was his before alice sent it; sent, it is not posted again.
    const bobHas = receiveKeys(b!, a!.peerId);
    expect(bobHas.map((k) => k.kid)).toEqual([before.kid, after.kid, after.kid + 1]);
    expect(hex(bobHas[1]!.baseKey)).toBe(hex(after.baseKey));
    // Forward only: nothing carol can compute from what she has reaches alice's earlier key.
    expect([hex(carolHas[0]!.baseKey), ...chainFrom(carolHas[0]!.baseKey, 300)]).not.toContain(hex(before.baseKey));
  });

  it('a leave makes a fresh random key in a new generation: none of the leaver\'s keys, nor their ratchets, ever equals a later one', async () => {
    const [a, b, c] = await call(['alice', 'bob', 'carol']);
    await introduceAll([a!, b!, c!]);
    await waitFor(() => sendKeys(a!).length === 1, "alice's send key");
    const out = await a!.peer.call('media:memberLeft', ROOM, c!.peerId);
    expect(out.outgoing.map((d) => d.to)).toEqual([b!.peerId]);
    expect(a!.port.at(-1)).toEqual({ type: 'drop-sender', senderId: c!.peerId });
    await route(a!, out, [a!, b!, c!]);
    await waitFor(() => sendKeys(a!).length === 2, "alice's switch to the fresh key");
    // Carol keeps going as if still there: more joins ratchet alice's key further.
    for (let i = 0; i < 3; i++) {
      const x = `peer-late${i}-00`;
      await a!.peer.call('media:memberJoined', ROOM, x, toB64u(new Uint8Array(32).fill(i + 1)));
      await waitFor(() => sendKeys(a!).length === 3 + i, 'alice ratchets for a late joiner');
    }
    const later = sendKeys(a!).slice(1).map((k) => hex(k.baseKey));
    const carols = receiveKeys(c!, a!.peerId).map((k) => k.baseKey);
    for (const k of carols) for (const derived of [hex(k), ...chainFrom(k, 50)]) expect(later).not.toContain(derived);
    const fresh = await a!.peer.call('audit:tail', 200);
    expect(fresh.find((e) => e.type === 'media-key-fresh')).toMatchObject({ reason: 'member-left', peerId: c!.peerId, generation: 1 });
  });

  it('bounds: at most maxRoomMembers members per call, one call and one key port at a time', async () => {
    const [a] = await call(['alice']);
    for (let i = 0; i < 64; i++) await a!.peer.call('media:memberJoined', ROOM, `peer-m${String(i).padStart(3, '0')}-x`, toB64u(new Uint8Array(32).fill(i)));
    await expectCode(a!.peer.call('media:memberJoined', ROOM, 'peer-one-too-many', toB64u(new Uint8Array(32).fill(200))), 'room-too-large');
    await expectCode(a!.peer.call('media:memberJoined', ROOM, a!.peerId, a!.identityKey), 'denied');
    await expectCode(a!.peer.call('media:startCall', ROOM, a!.peerId), 'bad-state');
    await expectCode(a!.peer.call('media:keyPort'), 'bad-state');
  });
});

describe('media keys: only members that pass the trust gate get our key', () => {
  it('no session (pending) gets nothing, and gets the key once its session is open', async () => {
    const [a, b] = await call(['alice', 'bob']);
    const clock = new Clock();
    const late = await makePeer('dave', { clock });
    await late.call('keys:create', ROOM);
    const lateId = await idOf(late);
    const out = await a!.peer.call('media:memberJoined', ROOM, 'peer-dave-000', lateId);
    expect(out.outgoing).toEqual([]);
    await a!.peer.call('session:open', (await late.call('keys:get', ROOM)).bundle, 'dave');
    const synced = await a!.peer.call('media:syncTrust', ROOM);
    expect(synced.outgoing.map((d) => d.to)).toEqual(['peer-dave-000']);
    void b;
    late.services.e2ee.dispose();
  });

  it('a changed key or a look-alike name gets nothing until the user decides; then it gets the key', async () => {
    const [a, b] = await call(['alice', 'bob']);
    await a!.peer.call('trust:setVerified', b!.identityKey, true);
    const clock = new Clock();
    const imp = await makePeer('bob', { clock });
    const alike = await makePeer('b0b', { clock });
    for (const [p, name] of [[imp, 'bob'], [alike, 'b0b']] as const) {
      await p.call('keys:create', ROOM);
      await a!.peer.call('session:open', (await p.call('keys:get', ROOM)).bundle, name);
    }
    const impId = await idOf(imp);
    const alikeId = await idOf(alike);
    expect((await a!.peer.call('media:memberJoined', ROOM, 'peer-imp-0000', impId)).outgoing).toEqual([]);
    expect((await a!.peer.call('media:memberJoined', ROOM, 'peer-alike-000', alikeId)).outgoing).toEqual([]);
    await expect(a!.peer.services.e2ee.sealMediaKey(ROOM, impId, text('x'))).rejects.toMatchObject({ code: 'key-changed' });
    const withheld = (await a!.peer.call('audit:tail', 200)).filter((e) => e.type === 'media-key-withheld').map((e) => e.reason);
    expect(withheld).toEqual(expect.arrayContaining(['changed', 'lookalike']));
    await a!.peer.call('trust:acceptChange', impId);
    await a!.peer.call('trust:markDistinct', alikeId);
    const synced = await a!.peer.call('media:syncTrust', ROOM);
    expect(synced.outgoing.map((d) => d.to).sort()).toEqual(['peer-alike-000', 'peer-imp-0000']);
    imp.services.e2ee.dispose();
    alike.services.e2ee.dispose();
  });

  it('a revoked member gets nothing more: its keys are dropped and the others get a fresh key', async () => {
    const [a, b, c] = await call(['alice', 'bob', 'carol']);
    await introduceAll([a!, b!, c!]);
    const { revocation } = await c!.peer.call('keys:revoke', ROOM);
    await a!.peer.call('keys:applyRevocation', revocation);
    const out = await a!.peer.call('media:syncTrust', ROOM);
    expect(out.outgoing.map((d) => d.to)).toEqual([b!.peerId]);
    expect(a!.port).toContainEqual({ type: 'drop-sender', senderId: c!.peerId });
    const [answer] = await route(a!, out, [a!, b!, c!]);
    expect(answer).toMatchObject({ senderId: a!.peerId });
    // Bob: the first key and its ratchet derived ahead, then the fresh key (which replaces that ratchet's KID) and its ratchet.
    const bobHas = receiveKeys(b!, a!.peerId);
    expect(bobHas.map((k) => k.kid - bobHas[0]!.kid)).toEqual([0, 1, 1, 2]);
    expect(hex(bobHas[2]!.baseKey)).not.toBe(hex(bobHas[1]!.baseKey));
  });
});

describe('media keys: a received key is checked before it reaches the port, and a refusal changes nothing', () => {
  async function pair() {
    const [a, b, c] = await call(['alice', 'bob', 'carol']);
    await introduceAll([a!, b!, c!]);
    return { a: a!, b: b!, c: c! };
  }
  /** The refusal has its code, puts nothing on the port, and a valid next key from bob is still accepted. */
  async function refused(a: Member, b: Member, blob: string, from: string, code: string) {
    const before = a.port.length;
    await expectCode(a.peer.call('media:receiveKey', ROOM, from, blob), code);
    expect(a.port.length).toBe(before);
  }

  it('replayed envelope → replay', async () => {
    const { a, b, c } = await pair();
    const out = await b.peer.call('media:memberLeft', ROOM, c.peerId);
    const blob = out.outgoing.find((d) => d.to === a.peerId)!.blob;
    await a.peer.call('media:receiveKey', ROOM, b.peerId, blob);
    await refused(a, b, blob, b.peerId, 'replay');
  });

  it('sealed for another room → wrong-room; naming another recipient → wrong-recipient; another sender → wrong-sender', async () => {
    const { a, b } = await pair();
    const last = receiveKeys(a, b.peerId).at(-1)!;
    const base = { senderIndex: last.kid >>> 8, epoch: (last.kid & 0xff) + 1, kid: last.kid + 1 };
    await refused(a, b, await forge(b, a, { roomId: 'another-room' }, base), b.peerId, 'wrong-room');
    await refused(a, b, await forge(b, a, { recipientId: 'peer-someone-else' }, base), b.peerId, 'wrong-recipient');
    await refused(a, b, await forge(b, a, { senderId: 'peer-carol-000' }, base), b.peerId, 'wrong-sender');
    // State unchanged: the next honest-looking key from bob still goes through.
    await a.peer.call('media:receiveKey', ROOM, b.peerId, await forge(b, a, {}, base));
    const refusals = (await a.peer.call('audit:tail', 200)).filter((e) => e.type === 'media-key-refused').map((e) => e.reason);
    expect(refusals).toEqual(['wrong-room', 'wrong-recipient', 'wrong-sender']);
  });

  it("claiming another member's KID, or a KID that is not senderIndex<<8|epoch → wrong-sender", async () => {
    const { a, b, c } = await pair();
    const carols = receiveKeys(a, c.peerId).at(-1)!;
    const bobs = receiveKeys(a, b.peerId).at(-1)!;
    const cIndex = carols.kid >>> 8;
    await refused(a, b, await forge(b, a, { senderIndex: cIndex, epoch: 9, kid: mediaKid(cIndex, 9) }), b.peerId, 'wrong-sender');
    await refused(a, b, await forge(b, a, { senderIndex: bobs.kid >>> 8, epoch: 9, kid: mediaKid(bobs.kid >>> 8, 10) }), b.peerId, 'wrong-sender');
  });

  it('an epoch going backwards (or repeating) → old-epoch', async () => {
    const { a, b } = await pair();
    const last = receiveKeys(a, b.peerId).at(-1)!;
    const idx = last.kid >>> 8;
    await refused(a, b, await forge(b, a, { senderIndex: idx, epoch: 0, kid: mediaKid(idx, 0) }), b.peerId, 'old-epoch');
    await a.peer.call('media:receiveKey', ROOM, b.peerId, await forge(b, a, { senderIndex: idx, epoch: 3, kid: mediaKid(idx, 3), generation: 1 }));
    await refused(a, b, await forge(b, a, { senderIndex: idx, epoch: 3, kid: mediaKid(idx, 3), generation: 1 }), b.peerId, 'old-epoch');
    await refused(a, b, await forge(b, a, { senderIndex: idx, epoch: 4, kid: mediaKid(idx, 4), generation: 0 }), b.peerId, 'old-epoch');
  });

  it('a new senderIndex is the member\'s restarted call: its old keys are dropped, its epochs start over, and the ended call stays refused', async () => {
    const { a, b } = await pair();
    const oldIdx = receiveKeys(a, b.peerId).at(-1)!.kid >>> 8;
    const newIdx = (oldIdx + 1) & 0xffffff;
    const before = a.port.length;
    await a.peer.call('media:receiveKey', ROOM, b.peerId, await forge(b, a, { senderIndex: newIdx, epoch: 0, kid: mediaKid(newIdx, 0), generation: 0 }));
    const posted = a.port.slice(before);
    expect(posted[0]).toEqual({ type: 'drop-sender', senderId: b.peerId });
    expect(posted.slice(1).map((x) => x.type === 'set-receive-key' ? x.kid : null)).toEqual([mediaKid(newIdx, 0), mediaKid(newIdx, 1)]);
    // A key of the ended call, even with a later epoch, is refused and changes nothing; the new call goes on.
    await refused(a, b, await forge(b, a, { senderIndex: oldIdx, epoch: 40, kid: mediaKid(oldIdx, 40), generation: 5 }), b.peerId, 'wrong-sender');
    await a.peer.call('media:receiveKey', ROOM, b.peerId, await forge(b, a, { senderIndex: newIdx, epoch: 1, kid: mediaKid(newIdx, 1), generation: 0 }));
    expect((await a.peer.call('audit:tail', 200)).filter((e) => e.type === 'media-key-new-call')).toHaveLength(1);
  });

  it('from a non-member of the call → not-member; relabelled as coming from another member → refused', async () => {
    const { a, b, c } = await pair();
    const blob = await forge(b, a, { senderIndex: 1, epoch: 9, kid: mediaKid(1, 9) });
    await refused(a, b, blob, 'peer-stranger-0', 'not-member');
    // The server stamps `from`: a blob of bob's relabelled as carol's opens under no session of carol's.
    await refused(a, b, blob, c.peerId, 'unknown-key');
  });

  it("a media-key envelope never opens as a chat message (the page would read the key), nor a chat envelope as a key", async () => {
    const { a, b } = await pair();
    const out = await b.peer.call('media:memberLeft', ROOM, 'peer-carol-000');
    const blob = out.outgoing.find((d) => d.to === a.peerId)!.blob;
    await expectCode(a.peer.call('message:open', ROOM, b.identityKey, Buffer.from(blob, 'base64url')), 'decrypt-failed');
    const chat = await b.peer.call('message:seal', ROOM, a.identityKey, text('hello'));
    await refused(a, b, toB64u(chat), b.peerId, 'decrypt-failed');
  });

  it('bounds: more than 20 key messages from one member within 10 s → over-quota', async () => {
    const { a, b } = await pair();
    const idx = receiveKeys(a, b.peerId).at(-1)!.kid >>> 8;
    const start = (receiveKeys(a, b.peerId).at(-1)!.kid & 0xff) + 1;
    let accepted = receiveKeys(a, b.peerId).length >= 1 ? 1 : 0;
    for (let i = 0; accepted < 20; i++, accepted++) {
      await a.peer.call('media:receiveKey', ROOM, b.peerId, await forge(b, a, { senderIndex: idx, epoch: start + i, kid: mediaKid(idx, start + i) }));
    }
    await refused(a, b, await forge(b, a, { senderIndex: idx, epoch: 200, kid: mediaKid(idx, 200) }), b.peerId, 'over-quota');
  });
});

describe('media keys: nothing secret leaves main except on the key port', () => {
  it('no base key appears in any IPC result or in the audit log', async () => {
    const [a, b, c] = await call(['alice', 'bob', 'carol']);
    await introduceAll([a!, b!, c!]);
    await route(a!, await a!.peer.call('media:memberLeft', ROOM, c!.peerId), [a!, b!]);
    for (const m of [a!, b!, c!]) await waitFor(() => sendKeys(m).length >= 1, 'send keys');
    const keys = [a!, b!, c!].flatMap((m) => m.port.flatMap((x) => ('baseKey' in x ? [x.baseKey] : [])));
    expect(keys.length).toBeGreaterThan(6);
    for (const m of [a!, b!, c!]) {
      const ipc = JSON.stringify(m.peer.results);
      const log = readFileSync(path.join(m.peer.dataDir, 'audit.jsonl'), 'utf8');
      for (const k of keys) for (const form of [toB64u(k), Buffer.from(k).toString('base64'), hex(k)]) {
        expect(ipc).not.toContain(form);
        expect(log).not.toContain(form);
      }
    }
  });
});
