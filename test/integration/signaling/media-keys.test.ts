// SFU media keys end to end over a real signaling server: three mains exchange keys through `media:key`; join ratchets, leave re-keys; relay bounds.
import { afterEach, describe, expect, it } from 'vitest';
import type { KeyPortMessage } from '../../../protocol/media-keys';
import type { MediaKeyOutgoing } from '../../../protocol/ipc-media';
import { MEDIA_KEY_LIMITS } from '../../../protocol/media-key-wire';
import { Harness } from '../../support/signaling-harness';
import { errorCode, expectOk, type TestClient } from '../../support/signaling-client';
import { Clock, idOf, makePeer, type Peer } from '../../unit/main/harness';
import { capturedPort, hex, waitFor } from '../../unit/main/media-keys-harness';

const ROOM = 'sfu-int';
const h = new Harness();
const peers: Peer[] = [];
afterEach(async () => {
  await h.closeAll();
  for (const p of peers.splice(0)) p.services.mediaKeys.dispose();
});

interface Member {
  name: string; peer: Peer; client: TestClient; peerId: string; identityKey: string; port: KeyPortMessage[]; errors: string[];
  /** Members this page already announced to main, and keys that arrived before their sender was announced. */
  known: Set<string>; held: { from: string; blob: string }[];
}

function deliverKey(m: Member, from: string, blob: string): void {
  m.peer.call('media:receiveKey', ROOM, from, blob).catch((e: Error) => m.errors.push(e.message));
}

async function announce(m: Member, o: Member): Promise<MediaKeyOutgoing> {
  const out = await m.peer.call('media:memberJoined', ROOM, o.peerId, o.identityKey);
  m.known.add(o.peerId);
  for (const ev of m.held.filter((x) => x.from === o.peerId)) deliverKey(m, ev.from, ev.blob);
  m.held = m.held.filter((x) => x.from !== o.peerId);
  return out;
}

/** A real main joins the real server with its own bundle and join proof, opens sessions with everyone present, starts its call. */
async function join(url: string, name: string, present: Member[], clock: Clock): Promise<Member> {
  const { messages, opener } = capturedPort();
  const peer = await makePeer(name, { clock, media: { openMediaKeyPort: opener } });
  peers.push(peer);
  const client = await h.client(url);
  const keys = await peer.call('keys:create', ROOM);
  const challenge = await client.challenge();
  const { proof } = await peer.call('identity:proveJoin', challenge, ROOM, client.origin, keys.keyId);
  const joined = expectOk(await client.call<{ selfId: string; members: { peerId: string; displayName: string; bundle: unknown }[] }>('room:join',
    { roomId: ROOM, displayName: name, bundle: keys.bundle, origin: client.origin, proof }));
  const m: Member = { name, peer, client, peerId: joined.selfId, identityKey: await idOf(peer), port: messages, errors: [], known: new Set(), held: [] };
  // The page's part: every `media:key` goes to main unopened, `from` as the server stamped it, once main knows that member.
  client.socket.on('media:key', (ev) => {
    if (m.known.has(ev.from)) deliverKey(m, ev.from, ev.blob);
    else m.held.push(ev);
  });
  for (const other of joined.members) await peer.call('session:open', other.bundle, other.displayName);
  for (const other of present) await other.peer.call('session:open', keys.bundle, name);
  await peer.call('media:startCall', ROOM, m.peerId);
  await peer.call('media:keyPort');
  return m;
}

async function send(from: Member, out: MediaKeyOutgoing): Promise<void> {
  for (const d of out.outgoing) expectOk(await from.client.call('media:key', d));
}

/** Tells every member about `m` and `m` about every member; the blobs go through the server. */
async function introduce(m: Member, others: Member[]): Promise<void> {
  for (const o of others) await send(m, await announce(m, o));
  for (const o of others) await send(o, await announce(o, m));
}

const sendKids = (m: Member) => m.port.filter((x) => x.type === 'set-send-key').map((x) => (x as { kid: number }).kid);
const receivedFrom = (m: Member, sender: Member) => m.port.filter((x): x is Extract<KeyPortMessage, { type: 'set-receive-key' }> =>
  x.type === 'set-receive-key' && x.senderId === sender.peerId);

describe('media keys over the signaling server', () => {
  it('three members exchange keys; a join ratchets, a leave re-keys; every holder of the key in use holds its join ratchet before the sender switches, a fresh key reaches every receiver first', async () => {
    const s = await h.server();
    const clock = new Clock(Date.now());
    const a = await join(s.url, 'alice', [], clock);
    const b = await join(s.url, 'bob', [a], clock);
    const c = await join(s.url, 'carol', [a, b], clock);
    await introduce(b, [a]);
    await introduce(c, [a, b]);
    const all = [a, b, c];
    for (const m of all) await waitFor(() => sendKids(m).length === 1, `${m.name} switches to its first key`);
    for (const m of all) for (const o of all) if (o !== m) expect(receivedFrom(o, m).map((k) => k.kid)).toContain(sendKids(m)[0]);

    // Before Dave joins, every member already holds each other's join ratchet: derived when it accepted the key in use.
    const heldBefore = new Map(all.map((m) => [m, all.filter((o) => o !== m)
      .map((o) => receivedFrom(o, m).filter((k) => k.kid === sendKids(m)[0]! + 1).map((k) => hex(k.baseKey)))]));
    // Dave joins: everyone ratchets and switches after the quick delay; only Dave waits for delivery.
    const d = await join(s.url, 'dave', all, clock);
    const four = [...all, d];
    const t0 = performance.now();
    await introduce(d, all);
    const delivered: number[] = [];
    await waitFor(() => {
      if (!all.every((m) => receivedFrom(d, m).some((k) => (k.kid & 0xff) === 1))) return false;
      delivered.push(performance.now() - t0);
      return true;
    }, 'the ratcheted keys to reach Dave', 15_000);
    await waitFor(() => all.every((m) => sendKids(m).length === 2), 'everyone switches to the ratcheted key', 15_000);
    const switched = performance.now() - t0;
    for (const m of all) {
      expect(sendKids(m)[1]).toBe(sendKids(m)[0]! + 1);
      const ratchet = hex((m.port.filter((x) => x.type === 'set-send-key').at(-1) as { baseKey: Uint8Array }).baseKey);
      // What m sends under now, every other member held before the join.
      for (const held of heldBefore.get(m)!) expect(held).toContain(ratchet);
      // Dave got only the new key of each of the others (and its own ratchet, derived ahead).
      expect(receivedFrom(d, m).map((k) => k.kid)).toEqual([sendKids(m)[1], sendKids(m)[1]! + 1]);
      expect(hex(receivedFrom(d, m)[0]!.baseKey)).toBe(ratchet);
    }
    console.info(`[media-keys] join: keys delivered to the newcomer after ${delivered[0]!.toFixed(0)} ms, senders switched after ${switched.toFixed(0)} ms `
      + `(quick switch ${MEDIA_KEY_LIMITS.quickSwitchDelayMs} ms; the others already held the ratchet)`);

    // Carol leaves: the others make fresh keys she never sees.
    const carolHad = new Set(four.flatMap((m) => receivedFrom(c, m).map((k) => hex(k.baseKey))));
    c.client.close();
    const left = (await a.client.next('room:left')).peerId;
    expect(left).toBe(c.peerId);
    const rest = [a, b, d];
    for (const m of rest) await send(m, await m.peer.call('media:memberLeft', ROOM, c.peerId));
    await waitFor(() => rest.every((m) => sendKids(m).length === (m === d ? 2 : 3)), 'everyone switches to a fresh key', 15_000);
    for (const m of rest) {
      const fresh = m.port.filter((x) => x.type === 'set-send-key').at(-1) as { baseKey: Uint8Array };
      expect(carolHad.has(hex(fresh.baseKey))).toBe(false);
      for (const o of rest) if (o !== m) expect(receivedFrom(o, m).map((k) => hex(k.baseKey))).toContain(hex(fresh.baseKey));
    }
    for (const m of rest) expect(m.port).toContainEqual({ type: 'drop-sender', senderId: c.peerId });
    for (const m of [...rest, c]) expect(m.errors).toEqual([]);
  }, 60_000);

  it('the relay: members only, not to oneself, known peers only, size-bounded, rate-limited, counted', async () => {
    const s = await h.server({ metricsToken: 'media-keys-metrics-token-0123', maxStrikes: 1000 });
    const x = await h.client(s.url);
    const y = await h.client(s.url);
    const outsider = await h.client(s.url);
    const jx = expectOk(await x.join(ROOM, 'x'));
    const jy = expectOk(await y.join(ROOM, 'y'));
    expect(errorCode(await outsider.call('media:key', { to: jx.selfId, blob: 'AAAA' }))).toBe('not-in-room');
    expect(errorCode(await x.call('media:key', { to: jx.selfId, blob: 'AAAA' }))).toBe('bad-request');
    expect(errorCode(await x.call('media:key', { to: 'nobody-here-000', blob: 'AAAA' }))).toBe('unknown-peer');
    expect(errorCode(await x.call('media:key', { to: jy.selfId, blob: 'A'.repeat(MEDIA_KEY_LIMITS.maxBlobChars + 1) }))).toBe('payload-too-large');
    expect(errorCode(await x.call('media:key', { to: jy.selfId, blob: 'AAAA', extra: 1 }))).toBe('bad-request');
    expectOk(await x.call('media:key', { to: jy.selfId, blob: 'AQID' }));
    expect(await y.next('media:key')).toEqual({ from: jx.selfId, blob: 'AQID' });
    // A burst past the per-socket bucket is refused, never relayed, and the server stays up.
    const burst = await Promise.all(Array.from({ length: MEDIA_KEY_LIMITS.relayPerSocketPerSec + 20 }, () =>
      y.call('media:key', { to: jx.selfId, blob: 'AQID' })));
    expect(burst.filter((r) => errorCode(r) === 'rate-limited').length).toBeGreaterThan(0);
    expect(burst.filter((r) => r.ok).length).toBeLessThanOrEqual(MEDIA_KEY_LIMITS.relayPerSocketPerSec);
    const metrics = await (await fetch(`${s.url}/metrics`, { headers: { authorization: 'Bearer media-keys-metrics-token-0123' } })).text();
    expect(metrics).toMatch(/veil_signaling_media_keys_total\{outcome="relayed"\} \d+/);
    expect(metrics).toMatch(/veil_signaling_media_keys_total\{outcome="not-in-room"\} 1/);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });
});
