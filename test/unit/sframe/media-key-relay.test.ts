// The page's media-key relay against real mains: keys that arrive before their sender is announced wait, rate-limited sends are retried.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildVeilApi } from '../../../preload/api';
import type { IpcChannel } from '../../../protocol/ipc';
import { MediaKeyRelay } from '../../../renderer/src/sframe/media-key-relay';
import { APP_URL } from '../main/harness';
import { receiveKeys, ROOM, startCall, type Member } from '../main/media-keys-harness';

const live: Member[] = [];
afterEach(() => { for (const m of live.splice(0)) m.peer.services.mediaKeys.dispose(); });

function relayOf(m: Member, send: (to: string, blob: string) => Promise<unknown>, problems: string[]) {
  const api = buildVeilApi((channel: IpcChannel, ...args: unknown[]) => m.peer.dispatch(APP_URL, channel, args));
  return new MediaKeyRelay({ roomId: ROOM, media: api.media, send, onProblem: (p, code) => problems.push(`${p}:${code}`), sleep: async () => {} });
}

describe('media-key relay (page side)', () => {
  it('holds a key from a member main was not told about yet, and hands it over once announced', async () => {
    const [a, b] = await startCall(['alice', 'bob']);
    live.push(a!, b!);
    const problems: string[] = [];
    const relays = new Map<string, MediaKeyRelay>();
    // The "server": delivers to the recipient's relay with `from` stamped.
    const server = (from: Member) => async (to: string, blob: string) => { await relays.get(to)!.received(from.peerId, blob); };
    relays.set(a!.peerId, relayOf(a!, server(a!), problems));
    relays.set(b!.peerId, relayOf(b!, server(b!), problems));
    await relays.get(b!.peerId)!.memberJoined(a!.peerId, a!.identityKey);
    await relays.get(b!.peerId)!.sent();
    expect(receiveKeys(a!, b!.peerId)).toEqual([]);
    await relays.get(a!.peerId)!.memberJoined(b!.peerId, b!.identityKey);
    await relays.get(a!.peerId)!.sent();
    // Each holds the other's key and its join ratchet (derived ahead).
    expect(receiveKeys(a!, b!.peerId).length).toBe(2);
    expect(receiveKeys(b!, a!.peerId).length).toBe(2);
    expect(problems).toEqual([]);
  });

  it('retries a rate-limited send, and reports a send refused for good', async () => {
    const [a, b] = await startCall(['alice', 'bob']);
    live.push(a!, b!);
    const problems: string[] = [];
    let tries = 0;
    const flaky = async () => { tries++; if (tries < 2) throw Object.assign(new Error('slow down'), { code: 'rate-limited' }); };
    const ra = relayOf(a!, flaky, problems);
    await ra.memberJoined(b!.peerId, b!.identityKey);
    await ra.sent();
    expect(tries).toBe(2);
    expect(problems).toEqual([]);
    const refusing = async () => { throw Object.assign(new Error('no'), { code: 'unknown-peer' }); };
    const rb = relayOf(b!, refusing, problems);
    await rb.memberJoined(a!.peerId, a!.identityKey);
    await rb.sent();
    expect(problems).toEqual([`${a!.peerId}:unknown-peer`]);
  });

  it('sends again when the ack timed out though the key got through, and the receiver takes the repeat quietly', async () => {
    const [a, b] = await startCall(['alice', 'bob']);
    live.push(a!, b!);
    const problems: string[] = [];
    const relays = new Map<string, MediaKeyRelay>();
    let sends = 0;
    // The first delivery arrives but its ack is lost (the server's request timeout); the repeat is acked.
    const lossyAck = (from: Member) => async (to: string, blob: string) => {
      sends++;
      await relays.get(to)!.received(from.peerId, blob);
      if (sends === 1) throw Object.assign(new Error('no ack'), { code: 'timeout' });
    };
    relays.set(a!.peerId, relayOf(a!, lossyAck(a!), problems));
    relays.set(b!.peerId, relayOf(b!, lossyAck(b!), problems));
    await relays.get(b!.peerId)!.memberJoined(a!.peerId, a!.identityKey);
    await relays.get(b!.peerId)!.sent();
    await relays.get(a!.peerId)!.memberJoined(b!.peerId, b!.identityKey);
    await relays.get(a!.peerId)!.sent();
    expect(sends).toBe(3);
    // The key and its ratchet derived ahead, once each: the repeat was refused as a replay and posted nothing.
    expect(receiveKeys(b!, a!.peerId).length).toBe(2);
    expect(receiveKeys(a!, b!.peerId).length).toBe(2);
    expect(problems).toEqual([]);
  });

  it('a send whose ack is slow holds back neither the next member nor the keys we receive', async () => {
    const [a, b] = await startCall(['alice', 'bob']);
    live.push(a!, b!);
    const problems: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    // Alice's sends wait for an ack that comes only when the test says; Bob's go straight to Alice's relay.
    const ra = relayOf(a!, () => held, problems);
    const rb = relayOf(b!, async (_to, blob) => { await ra.received(b!.peerId, blob); }, problems);
    let joined = false;
    void ra.memberJoined(b!.peerId, b!.identityKey).then(() => { joined = true; });
    await vi.waitFor(() => expect(joined).toBe(true));
    await rb.memberJoined(a!.peerId, a!.identityKey);
    await rb.sent();
    // Alice's main holds Bob's key and its ratchet while her own send to Bob still waits for its ack.
    expect(receiveKeys(a!, b!.peerId).length).toBe(2);
    release();
    await ra.sent();
    expect(problems).toEqual([]);
  });
});
