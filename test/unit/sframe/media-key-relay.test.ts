// The page's media-key relay against real mains: keys that arrive before their sender is announced wait, rate-limited sends are retried.
import { afterEach, describe, expect, it } from 'vitest';
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
    expect(receiveKeys(a!, b!.peerId)).toEqual([]);
    await relays.get(a!.peerId)!.memberJoined(b!.peerId, b!.identityKey);
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
    await relayOf(a!, flaky, problems).memberJoined(b!.peerId, b!.identityKey);
    expect(tries).toBe(2);
    expect(problems).toEqual([]);
    const refusing = async () => { throw Object.assign(new Error('no'), { code: 'unknown-peer' }); };
    await relayOf(b!, refusing, problems).memberJoined(a!.peerId, a!.identityKey);
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
    await relays.get(a!.peerId)!.memberJoined(b!.peerId, b!.identityKey);
    expect(sends).toBe(3);
    // The key and its ratchet derived ahead, once each: the repeat was refused as a replay and posted nothing.
    expect(receiveKeys(b!, a!.peerId).length).toBe(2);
    expect(receiveKeys(a!, b!.peerId).length).toBe(2);
    expect(problems).toEqual([]);
  });
});
