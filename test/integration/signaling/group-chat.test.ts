// Room chat over a real signaling server: one seal reaches every other proven member through `chat:group`; relay bounds and metrics.
import { afterEach, describe, expect, it } from 'vitest';
import { GROUP_CHAT_LIMITS } from '../../../protocol/group-chat';
import type { MediaKeyOutgoing } from '../../../protocol/ipc-media';
import { Harness } from '../../support/signaling-harness';
import { errorCode, expectOk, type TestClient } from '../../support/signaling-client';
import { Clock, idOf, makePeer, untext, text, type Peer } from '../../unit/main/harness';
import { capturedPort } from '../../unit/main/media-keys-harness';

const ROOM = 'chat-int';
const h = new Harness();
const peers: Peer[] = [];
afterEach(async () => {
  await h.closeAll();
  for (const p of peers.splice(0)) p.services.mediaKeys.dispose();
});

interface Member { name: string; peer: Peer; client: TestClient; peerId: string; identityKey: string }

/** A real main joins the real server with its own bundle and join proof, opens sessions with everyone present, starts its call. */
async function join(url: string, name: string, present: Member[], clock: Clock): Promise<Member> {
  const peer = await makePeer(name, { clock, media: { openMediaKeyPort: capturedPort().opener } });
  peers.push(peer);
  const client = await h.client(url);
  const keys = await peer.call('keys:create', ROOM);
  const { proof } = await peer.call('identity:proveJoin', await client.challenge(), ROOM, client.origin, keys.keyId);
  const joined = expectOk(await client.call<{ selfId: string; members: { displayName: string; bundle: unknown }[] }>('room:join',
    { roomId: ROOM, displayName: name, bundle: keys.bundle, origin: client.origin, proof }));
  for (const other of joined.members) await peer.call('session:open', other.bundle, other.displayName);
  for (const other of present) await other.peer.call('session:open', keys.bundle, name);
  await peer.call('media:startCall', ROOM, joined.selfId);
  return { name, peer, client, peerId: joined.selfId, identityKey: await idOf(peer) };
}

/** Every member tells its main about every other; the media-key blobs go through the server and into the recipients' mains. */
async function introduceAll(all: Member[]): Promise<void> {
  const sent: [Member, MediaKeyOutgoing][] = [];
  for (const m of all) for (const o of all) if (o !== m) sent.push([m, await m.peer.call('media:memberJoined', ROOM, o.peerId, o.identityKey)]);
  for (const [from, out] of sent) {
    for (const d of out.outgoing) {
      expectOk(await from.client.call('media:key', d));
      const to = all.find((x) => x.peerId === d.to)!;
      const ev = await to.client.next('media:key');
      await to.peer.call('media:receiveKey', ROOM, ev.from, ev.blob);
    }
  }
}

describe('room chat over the signaling server', () => {
  it('one seal, one send: both others open it as from the sender; the sender and other rooms get nothing', async () => {
    const s = await h.server();
    const clock = new Clock(Date.now());
    const a = await join(s.url, 'alice', [], clock);
    const b = await join(s.url, 'bob', [a], clock);
    const c = await join(s.url, 'carol', [a, b], clock);
    const elsewhere = await h.client(s.url);
    expectOk(await elsewhere.join('another-room', 'eve'));
    await introduceAll([a, b, c]);

    const sealed = await a.peer.call('media:sealGroupChat', ROOM, text('hello room'));
    expect(sealed.covered.sort()).toEqual([b.peerId, c.peerId].sort());
    expectOk(await a.client.call('chat:group', { blob: sealed.blob }));
    for (const m of [b, c]) {
      const ev = await m.client.next('chat:group');
      expect(ev).toEqual({ from: a.peerId, blob: sealed.blob });
      const opened = await m.peer.call('media:openGroupChat', ROOM, ev.from, ev.blob);
      expect(opened).toMatchObject({ peerId: a.peerId, identityKey: a.identityKey });
      expect(untext(opened.plaintext)).toBe('hello room');
    }
    // Bob answers: alice gets exactly his message (hers never came back to her), eve in another room gets nothing.
    const reply = await b.peer.call('media:sealGroupChat', ROOM, text('hi alice'));
    expectOk(await b.client.call('chat:group', { blob: reply.blob }));
    const atAlice = await a.client.next('chat:group');
    expect(atAlice.from).toBe(b.peerId);
    expect(a.client.pending('chat:group')).toEqual([]);
    expect(untext((await a.peer.call('media:openGroupChat', ROOM, atAlice.from, atAlice.blob)).plaintext)).toBe('hi alice');
    // Eve's own room still relays (she is connected and reading), and she saw nothing of the other room.
    const eve2 = await h.client(s.url);
    expectOk(await eve2.join('another-room', 'eve2'));
    expectOk(await eve2.call('chat:group', { blob: 'AQID' }));
    expect(await elsewhere.next('chat:group')).toMatchObject({ from: eve2.selfId });
    expect(elsewhere.pending('chat:group')).toEqual([]);
    // A server that relabels alice's message as bob's gets it refused at carol.
    const relabelled = await a.peer.call('media:sealGroupChat', ROOM, text('relabelled'));
    await expect(c.peer.call('media:openGroupChat', ROOM, b.peerId, relabelled.blob)).rejects.toThrow(/no-key|bad-signature/);
  }, 60_000);

  it('the relay: proven members only, size-bounded, rate-limited, counted', async () => {
    const s = await h.server({ metricsToken: 'group-chat-metrics-token-0123', maxStrikes: 1000 });
    const x = await h.client(s.url);
    const y = await h.client(s.url);
    const outsider = await h.client(s.url);
    expectOk(await x.join(ROOM, 'x'));
    expectOk(await y.join(ROOM, 'y'));
    expect(errorCode(await outsider.call('chat:group', { blob: 'AAAA' }))).toBe('not-in-room');
    // A join whose proof fails leaves the socket outside the room: it can neither send nor receive.
    const unproven = await h.client(s.url);
    expect(errorCode(await unproven.joinWith(ROOM, 'u', { signedRoomId: 'another-room' }))).not.toBeNull();
    expect(errorCode(await unproven.call('chat:group', { blob: 'AAAA' }))).toBe('not-in-room');
    expect(errorCode(await x.call('chat:group', { blob: 'A'.repeat(GROUP_CHAT_LIMITS.maxBlobChars + 1) }))).toBe('payload-too-large');
    expect(errorCode(await x.call('chat:group', { blob: 'AAAA', to: 'someone-00000' }))).toBe('bad-request');
    expect(errorCode(await x.call('chat:group', { blob: 'not base64!' }))).toBe('bad-request');
    expectOk(await x.call('chat:group', { blob: 'AQID' }));
    expect(await y.next('chat:group')).toEqual({ from: x.selfId, blob: 'AQID' });
    expect(outsider.pending('chat:group')).toEqual([]);
    expect(unproven.pending('chat:group')).toEqual([]);
    const burst = await Promise.all(Array.from({ length: GROUP_CHAT_LIMITS.relayPerSocketPerSec + 10 }, () => y.call('chat:group', { blob: 'AQID' })));
    expect(burst.filter((r) => errorCode(r) === 'rate-limited').length).toBeGreaterThan(0);
    expect(burst.filter((r) => r.ok).length).toBeLessThanOrEqual(GROUP_CHAT_LIMITS.relayPerSocketPerSec);
    const metrics = await (await fetch(`${s.url}/metrics`, { headers: { authorization: 'Bearer group-chat-metrics-token-0123' } })).text();
    expect(metrics).toMatch(/veil_signaling_group_chat_total\{outcome="relayed"\} \d+/);
    expect(metrics).toMatch(/veil_signaling_group_chat_total\{outcome="not-in-room"\} 2/);
    expect(metrics).toMatch(/veil_signaling_group_chat_total\{outcome="rate-limited"\} \d+/);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });
});
