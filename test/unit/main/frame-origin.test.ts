// Frame-origin digests through real mains (PROTOCOL.md §22a): ours signed only from our worker's own KIDs, members' checked in order before the worker sees them.
import { afterEach, describe, expect, it } from 'vitest';
import { fromB64u, toB64u } from '../../../protocol/encoding';
import { FRAME_ORIGIN_LIMITS } from '../../../protocol/frame-origin';
import type { KeyPortMessage } from '../../../protocol/media-keys';
import { parseFrameOrigin, signFrameOrigin } from '../../../main/crypto';
import { Clock, expectCode, partsOf } from './harness';
import { introduceAll, ROOM, startCall, waitFor, type Member } from './media-keys-harness';

const live: Member[] = [];
afterEach(async () => {
  for (const m of live.splice(0)) m.peer.services.e2ee.dispose();
});
async function call(names: string[], clock = new Clock()) {
  const ms = await startCall(names, clock);
  live.push(...ms);
  await introduceAll(ms);
  return { ms, clock };
}
const indexOf = (m: Member) => m.peer.services.mediaKeys['call']!.senderIndex;
const kidOf = (m: Member, epoch = 0) => indexOf(m) * 256 + epoch;
const tags = (n: number, fill = 7) => Uint8Array.from({ length: n * 8 }, (_, i) => (i * 31 + fill) & 0xff || 1);
const take = (m: Member) => m.peer.call('media:takeOriginDigests', ROOM);
const check = (to: Member, from: string, blob: string) => to.peer.call('media:checkOrigin', ROOM, from, blob);
const senderFrames = (m: Member) => m.port.filter((x): x is Extract<KeyPortMessage, { type: 'sender-frames' }> => x.type === 'sender-frames');

/** Plays `m`'s worker reporting one run, and waits until main signed it. */
async function sealedRun(m: Member, run: { kid: number; firstCtr: number; tags: Uint8Array }): Promise<string> {
  m.fromWorker({ type: 'sent-frames', ...run });
  const outbox = m.peer.services.mediaKeys['call']!.origin;
  await waitFor(() => (outbox as unknown as { outbox: string[] }).outbox.length > 0, 'a signed digest');
  return (await take(m))[0]!;
}

describe('frame-origin digests: ours', () => {
  it("signs exactly what our worker sealed under our own KID; the member's main checks it and gives its worker the same run", async () => {
    const { ms: [a, b] } = await call(['alice', 'bob']);
    const run = { kid: kidOf(a!), firstCtr: 1234, tags: tags(40) };
    const blob = await sealedRun(a!, run);
    const parsed = parseFrameOrigin(fromB64u(blob)!, FRAME_ORIGIN_LIMITS.maxFramesPerDigest)!;
    expect(parsed.digest).toMatchObject({ kid: run.kid, firstCtr: 1234 });
    expect([...parsed.digest.tags]).toEqual([...run.tags]);
    expect(await take(a!)).toEqual([]);
    expect(await check(b!, a!.peerId, blob)).toEqual({ senderId: a!.peerId, kid: run.kid, firstCtr: 1234, frames: 40 });
    const posted = senderFrames(b!);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ senderId: a!.peerId, kid: run.kid, firstCtr: 1234 });
    expect([...posted[0]!.tags]).toEqual([...run.tags]);
  });

  it("signs nothing the worker says of another member's KID, nor anything malformed", async () => {
    const { ms: [a, b] } = await call(['alice', 'bob']);
    for (const bad of [
      { type: 'sent-frames', kid: kidOf(b!), firstCtr: 0, tags: tags(1) },
      { type: 'sent-frames', kid: kidOf(a!), firstCtr: 0, tags: new Uint8Array(7) },
      { type: 'sent-frames', kid: kidOf(a!), firstCtr: 0, tags: tags(FRAME_ORIGIN_LIMITS.maxFramesPerDigest + 1) },
      { type: 'sent-frames', kid: kidOf(a!), firstCtr: -1, tags: tags(1) },
      { type: 'sent-frames', kid: kidOf(a!), firstCtr: 0, tags: tags(1), extra: 1 },
      { type: 'key-refused', reason: 'invalid-message' }, 'garbage', null
    ]) a!.fromWorker(bad);
    // A good run after them is signed and is the only one: the bad ones were dropped, not queued.
    const blob = await sealedRun(a!, { kid: kidOf(a!), firstCtr: 5, tags: tags(1) });
    expect(parseFrameOrigin(fromB64u(blob)!, 512)!.digest.firstCtr).toBe(5);
    expect(await take(a!)).toEqual([]);
  });

  it('keeps at most 8 signed digests for a page that stops taking them (the oldest go)', async () => {
    const { ms: [a] } = await call(['alice', 'bob']);
    for (let i = 0; i < 12; i++) a!.fromWorker({ type: 'sent-frames', kid: kidOf(a!), firstCtr: i * 10, tags: tags(1) });
    const origin = a!.peer.services.mediaKeys['call']!.origin;
    await waitFor(() => origin.dropped === 4, 'four digests dropped');
    const kept = await take(a!);
    expect(kept.map((b) => parseFrameOrigin(fromB64u(b)!, 512)!.digest.firstCtr)).toEqual([40, 50, 60, 70, 80, 90, 100, 110]);
  });
});

describe("frame-origin digests: a member's, refused in order, changing nothing", () => {
  it('a flipped bit, another member named as sender, a non-member, garbage, a stale digest, a flood', async () => {
    const { ms: [a, b, c], clock } = await call(['alice', 'bob', 'carol']);
    const blob = await sealedRun(a!, { kid: kidOf(a!), firstCtr: 0, tags: tags(4) });
    const bytes = fromB64u(blob)!;
    const flipped = bytes.slice();
    flipped[30]! ^= 1;
    await expectCode(check(b!, a!.peerId, toB64u(flipped)), 'bad-signature');
    // The server says carol sent it: carol's KIDs are not alice's.
    await expectCode(check(b!, c!.peerId, blob), 'wrong-sender');
    await expectCode(check(b!, 'peer-mallory-000', blob), 'not-member');
    await expectCode(check(b!, a!.peerId, toB64u(bytes.subarray(0, 40))), 'malformed');
    const wrongVersion = bytes.slice();
    wrongVersion[0] = 2;
    await expectCode(check(b!, a!.peerId, toB64u(wrongVersion)), 'malformed');
    expect(senderFrames(b!)).toEqual([]);
    clock.advance(FRAME_ORIGIN_LIMITS.freshnessMs + 1);
    await expectCode(check(b!, a!.peerId, blob), 'stale');
    clock.advance(-(FRAME_ORIGIN_LIMITS.freshnessMs + 1));
    expect(senderFrames(b!)).toEqual([]);
    // Alice's KID signed by carol (a member holding alice's key cannot sign as alice).
    const carolSeed = (await partsOf(c!.peer.services).identity.get()).seed;
    const forged = signFrameOrigin(partsOf(c!.peer.services).backend, ROOM, { kid: kidOf(a!), firstCtr: 0, sentAt: clock.now(), tags: tags(4, 9) }, carolSeed);
    await expectCode(check(b!, a!.peerId, toB64u(forged)), 'bad-signature');
    // Signed by alice for another room.
    const aliceSeed = (await partsOf(a!.peer.services).identity.get()).seed;
    const otherRoom = signFrameOrigin(partsOf(a!.peer.services).backend, 'other-room', { kid: kidOf(a!), firstCtr: 0, sentAt: clock.now(), tags: tags(4) }, aliceSeed);
    await expectCode(check(b!, a!.peerId, toB64u(otherRoom)), 'bad-signature');
    expect(senderFrames(b!)).toEqual([]);
    // The flood: past the per-member quota, even valid digests are refused until the window moves on.
    let accepted = 1;
    expect(await check(b!, a!.peerId, blob)).toMatchObject({ frames: 4 });
    for (;;) {
      try { await check(b!, a!.peerId, blob); accepted++; } catch { break; }
    }
    await expectCode(check(b!, a!.peerId, blob), 'over-quota');
    expect(accepted).toBeLessThan(FRAME_ORIGIN_LIMITS.receivePerMemberPerWindow);
    expect(senderFrames(b!).length).toBe(accepted);
    clock.advance(FRAME_ORIGIN_LIMITS.receiveWindowMs);
    expect(await check(b!, a!.peerId, blob)).toMatchObject({ frames: 4 });
  });

  it('a member whose key we do not hold yet, or whose key change waits for our decision, proves nothing', async () => {
    const clock = new Clock();
    const ms = await startCall(['alice', 'bob'], clock);
    live.push(...ms);
    const [a, b] = ms;
    // Bob knows alice as a member but has no key of hers yet.
    await b!.peer.call('media:memberJoined', ROOM, a!.peerId, a!.identityKey);
    const blob = await sealedRun(a!, { kid: kidOf(a!), firstCtr: 0, tags: tags(2) });
    await expectCode(check(b!, a!.peerId, blob), 'wrong-sender');
    await introduceAll(ms);
    const parts = partsOf(b!.peer.services);
    const trustOf = parts.contacts.trustOf.bind(parts.contacts);
    parts.contacts.trustOf = (key, name) => (key === a!.identityKey ? 'changed' : trustOf(key, name));
    await expectCode(check(b!, a!.peerId, blob), 'no-key');
    parts.contacts.trustOf = trustOf;
    expect(await check(b!, a!.peerId, blob)).toMatchObject({ senderId: a!.peerId, frames: 2 });
  });
});
