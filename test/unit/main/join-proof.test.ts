// identity:proveJoin: main signs only the join-proof layout, for a room it holds a key for, and the server accepts it.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { toB64u } from '../../../protocol/encoding';
import { checkJoinProof } from '../../../signaling-server/join-proof';
import { Clock, makePeer, type Peer } from './harness';

let peers: Peer[] = [];
afterEach(async () => {
  for (const p of peers) await p.services.dispose();
  peers = [];
});

const ORIGIN = 'https://veil.example.org:8443';

describe('identity:proveJoin', () => {
  it('produces a proof the signaling server verifies, bound to challenge, room, origin and key', async () => {
    const p = await makePeer('a', { clock: new Clock() });
    peers.push(p);
    const key = await p.call('keys:create', 'r');
    const challengeBytes = randomBytes(32);
    const challenge = toB64u(challengeBytes);
    const { proof } = await p.call('identity:proveJoin', challenge, 'r', ORIGIN, key.keyId);
    const held = { bytes: challengeBytes, expiresAt: Date.now() + 60_000 };
    const input = { identityKey: key.bundle.identityKey, roomId: 'r', origin: ORIGIN, keyId: key.keyId, proof };
    const origins = new Set([ORIGIN, 'https://other.example']);
    expect(checkJoinProof(held, Date.now(), origins, input)).toBeNull();
    expect(checkJoinProof({ ...held, bytes: randomBytes(32) }, Date.now(), origins, input)).toBe('proof-invalid');
    expect(checkJoinProof(held, Date.now(), origins, { ...input, roomId: 'r2' })).toBe('proof-invalid');
    expect(checkJoinProof(held, Date.now(), origins, { ...input, origin: 'https://other.example' })).toBe('proof-invalid');
    expect(checkJoinProof(held, Date.now(), origins, { ...input, keyId: toB64u(randomBytes(16)) })).toBe('proof-invalid');
    expect((await p.call('audit:tail', 5)).some((e) => e.type === 'join-proof-signed' && e.roomId === 'r')).toBe(true);
  });

  it('refuses without a room key, for another keyId, and on malformed arguments', async () => {
    const p = await makePeer('a', { clock: new Clock() });
    peers.push(p);
    const challenge = toB64u(randomBytes(32));
    const keyId = toB64u(randomBytes(16));
    await expect(p.call('identity:proveJoin', challenge, 'r', ORIGIN, keyId)).rejects.toThrow(/^no-room-key/);
    const key = await p.call('keys:create', 'r');
    await expect(p.call('identity:proveJoin', challenge, 'r', ORIGIN, keyId)).rejects.toThrow(/^unknown-key/);
    const bad: unknown[][] = [
      [toB64u(randomBytes(31)), 'r', ORIGIN, key.keyId], [challenge, 'bad room!', ORIGIN, key.keyId],
      [challenge, 'r', 'ftp://x.example', key.keyId], [challenge, 'r', 'https://a b', key.keyId],
      [challenge, 'r', ORIGIN, key.keyId.slice(1)], [challenge, 'r', ORIGIN], [new Uint8Array(32), 'r', ORIGIN, key.keyId]
    ];
    for (const args of bad) expect((await p.raw('identity:proveJoin', args)), JSON.stringify(args)).toMatchObject({ ok: false, error: { code: 'bad-arguments' } });
    // Right length and alphabet, but the unused low bits of the last character are set: not one of the 32-byte spellings.
    const nonCanonical = `${challenge.slice(0, -1)}${'AEIMQUYcgkosw048'.includes(challenge.at(-1)!) ? 'B' : 'A'}`;
    await expect(p.call('identity:proveJoin', nonCanonical, 'r', ORIGIN, key.keyId)).rejects.toThrow(/^malformed/);
  });
});
