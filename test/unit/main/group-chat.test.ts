// Room chat sealed once per message (real crypto, real mains): keys follow the media keys, and every receive check refuses without changing state.
import { afterEach, describe, expect, it } from 'vitest';
import { fromB64u, toB64u } from '../../../protocol/encoding';
import { GROUP_CHAT_LIMITS } from '../../../protocol/group-chat';
import type { MediaKeyOutgoing } from '../../../protocol/ipc-media';
import { LIMITS } from '../../../protocol/limits';
import { deriveGroupChatKey, openGroupChatBody, parseGroupChat, sealGroupChat } from '../../../main/crypto';
import { Clock, expectCode, idOf, makePeer, partsOf, text, untext } from './harness';
import { introduceAll, receiveKeys, ROOM, route, startCall, type Member } from './media-keys-harness';

const live: Member[] = [];
afterEach(async () => {
  for (const m of live.splice(0)) m.peer.services.e2ee.dispose();
});
/** `introduced`: how many of the first members know each other at the start (the rest join later). */
async function call(names: string[], clock = new Clock(), introduced = names.length) {
  const ms = await startCall(names, clock);
  live.push(...ms);
  await introduceAll(ms.slice(0, introduced));
  return { ms, clock };
}
const seal = (m: Member, s: string) => m.peer.call('media:sealGroupChat', ROOM, text(s));
const open = (to: Member, fromPeerId: string, blob: string) => to.peer.call('media:openGroupChat', ROOM, fromPeerId, blob);
const seedOf = async (m: Member) => (await partsOf(m.peer.services).identity.get()).seed;
const backendOf = (m: Member) => partsOf(m.peer.services).backend;
/** The chat key `holder` can derive for `sender`'s newest KID: from the base key its key port received (what a member really holds). */
/** The chat key `holder` derived for `sender`'s `kid` (the newest posted for it). */
function heldChatKey(holder: Member, sender: Member, kid: number): { kid: number; chatKey: Uint8Array } {
  const k = receiveKeys(holder, sender.peerId).filter((x) => x.kid === kid).at(-1)!;
  return { kid: k.kid, chatKey: deriveGroupChatKey(backendOf(holder), k.baseKey, ROOM, k.kid) };
}
const refusals = (m: Member) => m.peer.services.mediaKeys['call']!.chat.refusalCounts();

describe('room chat: sealed once, opened by every member that holds the key', () => {
  it('one seal reaches both others; each sees the sender and the plaintext; the sender names who is covered', async () => {
    const { ms: [a, b, c] } = await call(['alice', 'bob', 'carol']);
    const sealed = await seal(a!, 'hello room');
    expect(sealed.covered.sort()).toEqual([b!.peerId, c!.peerId].sort());
    for (const to of [b!, c!]) {
      const opened = await open(to, a!.peerId, sealed.blob);
      expect(opened).toMatchObject({ peerId: a!.peerId, identityKey: a!.identityKey });
      expect(untext(opened.plaintext)).toBe('hello room');
    }
    // Counters grow per key: the next message is counter 1 under the same KID.
    const next = parseGroupChat(fromB64u((await seal(a!, 'again')).blob)!, 1e6)!;
    expect(next.header).toMatchObject({ kid: sealed.kid, counter: 1 });
  });

  it('a member without a session (pending) is not covered: it must get the line pairwise', async () => {
    const { ms: [a], clock } = await call(['alice', 'bob']);
    const dave = await makePeer('dave', { clock });
    await dave.call('keys:create', ROOM);
    await a!.peer.call('media:memberJoined', ROOM, 'peer-dave-000', await idOf(dave));
    const sealed = await seal(a!, 'x');
    expect(sealed.covered).toEqual(['peer-bob-000']);
    dave.services.e2ee.dispose();
  });
});

describe('room chat: every refusal is typed, counted per sender, and changes nothing', () => {
  /** The refusal has its code, and the valid message still opens afterwards. */
  async function refusedThenValid(to: Member, from: string, blob: string, code: string, valid: { from: string; blob: string }) {
    await expectCode(open(to, from, blob), code);
    expect(untext((await open(to, valid.from, valid.blob)).plaintext)).toBe('valid');
  }

  it('not a member → not-member; relabelled as another member → no-key (she holds no key for the sender KID)', async () => {
    const { ms: [a, b, c] } = await call(['alice', 'bob', 'carol']);
    const valid = { from: a!.peerId, blob: (await seal(a!, 'valid')).blob };
    await expectCode(open(b!, 'peer-mallory-0', valid.blob), 'not-member');
    // The server says carol sent alice's message: carol holds no key for alice's KID.
    await expectCode(open(b!, c!.peerId, valid.blob), 'no-key');
    expect(untext((await open(b!, valid.from, valid.blob)).plaintext)).toBe('valid');
    expect(refusals(b!).nonMembers).toBe(1);
    expect(refusals(b!).members[c!.peerId]).toEqual({ 'no-key': 1 });
  });

  it('a forged signature, or a member that holds the key signing as another → bad-signature', async () => {
    const { ms: [a, b, c], clock } = await call(['alice', 'bob', 'carol']);
    const sealedValid = await seal(a!, 'valid');
    const valid = { from: a!.peerId, blob: sealedValid.blob };
    const bytes = fromB64u(valid.blob)!;
    const forged = bytes.slice();
    forged[forged.length - 1]! ^= 1;
    await expectCode(open(b!, a!.peerId, toB64u(forged)), 'bad-signature');
    // Carol holds alice's chat key (she is a member): she can write under it, but only with her own signature.
    const { kid, chatKey } = heldChatKey(c!, a!, sealedValid.kid);
    const byCarol = sealGroupChat(backendOf(c!), { chatKey, kid, counter: 40, sentAt: clock.now(), roomId: ROOM,
      senderIdentityKey: fromB64u(a!.identityKey)!, signingSeed: await seedOf(c!) }, text('I am alice'));
    await refusedThenValid(b!, a!.peerId, toB64u(byCarol), 'bad-signature', valid);
    expect(refusals(b!).members[a!.peerId]).toEqual({ 'bad-signature': 2 });
  });

  it('sealed for another room → bad-signature; under another KID → no-key; wrong key but signed → decrypt-failed', async () => {
    const { ms: [a, b], clock } = await call(['alice', 'bob']);
    const sealedValid = await seal(a!, 'valid');
    const valid = { from: a!.peerId, blob: sealedValid.blob };
    const { kid, chatKey } = heldChatKey(b!, a!, sealedValid.kid);
    const seed = await seedOf(a!);
    const id = fromB64u(a!.identityKey)!;
    const make = (o: { roomId?: string; kid?: number; chatKey?: Uint8Array; counter?: number }) => toB64u(sealGroupChat(backendOf(a!), {
      chatKey: o.chatKey ?? chatKey, kid: o.kid ?? kid, counter: o.counter ?? 50, sentAt: clock.now(), roomId: o.roomId ?? ROOM,
      senderIdentityKey: id, signingSeed: seed }, text('x')));
    await expectCode(open(b!, a!.peerId, make({ roomId: 'other-room', chatKey: deriveGroupChatKey(backendOf(a!), new Uint8Array(32).fill(1), 'other-room', kid) })),
      'bad-signature');
    await expectCode(open(b!, a!.peerId, make({ kid: (kid ^ 0x80) >>> 0 })), 'no-key');
    await refusedThenValid(b!, a!.peerId, make({ chatKey: new Uint8Array(32).fill(7) }), 'decrypt-failed', valid);
    // Under the right key it opens: the refusals above consumed no counter.
    expect(untext((await open(b!, a!.peerId, make({ counter: 50 }))).plaintext)).toBe('x');
  });

  it('the same message twice → replay; a replay window per sender and KID', async () => {
    const { ms: [a, b, c] } = await call(['alice', 'bob', 'carol']);
    const m0 = (await seal(a!, 'valid')).blob;
    await open(b!, a!.peerId, m0);
    await expectCode(open(b!, a!.peerId, m0), 'replay');
    // Carol never opened it: her window is her own.
    expect(untext((await open(c!, a!.peerId, m0)).plaintext)).toBe('valid');
  });

  it('sentAt older or newer than the freshness window → stale (and it opens inside the window)', async () => {
    const { ms: [a, b], clock } = await call(['alice', 'bob']);
    const old = (await seal(a!, 'valid')).blob;
    clock.advance(LIMITS.freshnessTtlMs + 1);
    await expectCode(open(b!, a!.peerId, old), 'stale');
    const future = (await seal(a!, 'valid')).blob;
    clock.advance(-2 * (LIMITS.freshnessTtlMs + 1));
    await expectCode(open(b!, a!.peerId, future), 'stale');
    clock.advance(LIMITS.freshnessTtlMs + 1);
    expect(untext((await open(b!, a!.peerId, old)).plaintext)).toBe('valid');
  });

  it('truncated or not a message → malformed; oversized → refused at the IPC boundary', async () => {
    const { ms: [a, b] } = await call(['alice', 'bob']);
    const valid = { from: a!.peerId, blob: (await seal(a!, 'valid')).blob };
    await expectCode(open(b!, a!.peerId, toB64u(fromB64u(valid.blob)!.subarray(0, 100))), 'malformed');
    await expectCode(open(b!, a!.peerId, 'AAAA'), 'malformed');
    await expectCode(open(b!, a!.peerId, 'A'.repeat(GROUP_CHAT_LIMITS.maxBlobChars + 1)), 'bad-arguments');
    await expectCode(a!.peer.call('media:sealGroupChat', ROOM, new Uint8Array(GROUP_CHAT_LIMITS.maxPlaintextBytes + 1)), 'bad-arguments');
    await refusedThenValid(b!, a!.peerId, 'AQ', 'malformed', valid);
  });

  it(`bounds: more than ${GROUP_CHAT_LIMITS.receivePerMemberPerWindow} messages from one member within 10 s → over-quota`, async () => {
    const { ms: [a, b], clock } = await call(['alice', 'bob']);
    for (let i = 0; i < GROUP_CHAT_LIMITS.receivePerMemberPerWindow; i++) await open(b!, a!.peerId, (await seal(a!, 'm')).blob);
    await expectCode(open(b!, a!.peerId, (await seal(a!, 'm')).blob), 'over-quota');
    clock.advance(GROUP_CHAT_LIMITS.receiveWindowMs);
    await open(b!, a!.peerId, (await seal(a!, 'm')).blob);
  });
});

describe('room chat: keys follow the media keys (join ratchet, fresh key on leave, trust, stop)', () => {
  it('after a join the newcomer cannot open earlier messages, and the key from before the join cannot open later ones', async () => {
    const { ms: [a, b, c] } = await call(['alice', 'bob', 'carol'], new Clock(), 2);
    const before = await seal(a!, 'before');
    expect(before.covered).toEqual([b!.peerId]);
    const beforeKey = heldChatKey(b!, a!, before.kid);
    expect(beforeKey.kid).toBe(before.kid);
    const sent: [Member, MediaKeyOutgoing][] = [];
    for (const m of [a!, b!]) {
      sent.push([m, await m.peer.call('media:memberJoined', ROOM, c!.peerId, c!.identityKey)]);
      sent.push([c!, await c!.peer.call('media:memberJoined', ROOM, m.peerId, m.identityKey)]);
    }
    for (const [from, out] of sent) await route(from, out, [a!, b!, c!]);
    await expectCode(open(c!, a!.peerId, before.blob), 'no-key');
    const after = await seal(a!, 'after the join');
    expect(after.kid).toBe(before.kid + 1);
    expect(after.covered.sort()).toEqual([b!.peerId, c!.peerId].sort());
    const parsed = parseGroupChat(fromB64u(after.blob)!, 1e6)!;
    expect(openGroupChatBody(backendOf(b!), parsed, beforeKey.chatKey, ROOM, fromB64u(a!.identityKey)!)).toBeNull();
    for (const m of [b!, c!]) expect(untext((await open(m, a!.peerId, after.blob)).plaintext)).toBe('after the join');
  });

  it("a leaver's key cannot open messages after the leave, and the others wipe its chat keys", async () => {
    const { ms: [a, b, c] } = await call(['alice', 'bob', 'carol']);
    const before = await seal(a!, 'before');
    await b!.peer.call('media:memberLeft', ROOM, c!.peerId);
    await route(a!, await a!.peer.call('media:memberLeft', ROOM, c!.peerId), [a!, b!]);
    const after = await seal(a!, 'after the leave');
    expect(after.kid).not.toBe(before.kid);
    expect(after.covered).toEqual([b!.peerId]);
    // Carol holds alice's old key: it does not open the message sealed after she left, and her main has nothing newer.
    // Nor does the join ratchet of it that her main derived ahead, under the KID the fresh key took.
    expect(receiveKeys(c!, a!.peerId).map((k) => k.kid)).toEqual([before.kid, before.kid + 1]);
    expect(after.kid).toBe(before.kid + 1);
    const parsed = parseGroupChat(fromB64u(after.blob)!, 1e6)!;
    for (const kid of [before.kid, before.kid + 1]) {
      expect(openGroupChatBody(backendOf(c!), parsed, heldChatKey(c!, a!, kid).chatKey, ROOM, fromB64u(a!.identityKey)!)).toBeNull();
    }
    // Her main holds a key for that KID (the ratchet it derived), but not the one used: the body does not authenticate.
    await expectCode(open(c!, a!.peerId, after.blob), 'decrypt-failed');
    expect(untext((await open(b!, a!.peerId, after.blob)).plaintext)).toBe('after the leave');
    expect(b!.peer.services.mediaKeys['call']!.chat.heldKids(c!.peerId)).toEqual([]);
    await expectCode(open(b!, c!.peerId, (await seal(c!, 'gone')).blob), 'not-member');
  });

  it('a member whose key change waits for our decision reads as no-key until we accept it', async () => {
    const { ms: [a, b] } = await call(['alice', 'bob']);
    const blob = (await seal(a!, 'valid')).blob;
    const parts = partsOf(b!.peer.services);
    const trustOf = parts.contacts.trustOf.bind(parts.contacts);
    parts.contacts.trustOf = (key, name) => (key === a!.identityKey ? 'changed' : trustOf(key, name));
    await expectCode(open(b!, a!.peerId, blob), 'no-key');
    parts.contacts.trustOf = trustOf;
    expect(untext((await open(b!, a!.peerId, blob)).plaintext)).toBe('valid');
  });

  it('at most 4 chat keys per sender (the oldest goes first, wiped); all wiped when the call stops', async () => {
    const { ms: [a, b] } = await call(['alice', 'bob']);
    const chat = b!.peer.services.mediaKeys['call']!.chat;
    const [first] = receiveKeys(b!, a!.peerId);
    const received = chat['received'].get(a!.peerId)!;
    const firstKey = received.get(first!.kid)!.key;
    for (let i = 1; i <= 4; i++) chat.accept(a!.peerId, first!.kid + i, new Uint8Array(32).fill(i));
    expect(chat.heldKids(a!.peerId)).toEqual([1, 2, 3, 4].map((i) => first!.kid + i));
    expect(firstKey.every((x: number) => x === 0)).toBe(true);
    const keys = [...received.values()].map((k) => k.key);
    await b!.peer.call('media:stopCall', ROOM);
    for (const k of keys) expect(k.every((x: number) => x === 0)).toBe(true);
  });
});
