// SFrame refusals: tampering, wrong keys, replays, truncation, another sender's KID, counter uniqueness and exhaustion.
import { describe, expect, it } from 'vitest';
import { decodeHeader, encodeHeader } from '../../../renderer/src/sframe/header';
import { importSFrameKey, openFrame, sealFrame } from '../../../renderer/src/sframe/sframe';
import { FRAMES_PER_KEY_LIMIT, makeKid, ReceiveKeyring, SendContext, splitKid } from '../../../renderer/src/sframe/contexts';
import { REPLAY_WINDOW } from '../../../renderer/src/sframe/replay-window';

const baseKey = (fill: number) => new Uint8Array(32).fill(fill);
const frame = (n: number) => new Uint8Array(n).map((_, i) => (i * 7) & 0xff);

async function sealed(kid = makeKid(3, 1), key = baseKey(1)) {
  const send = new SendContext();
  await send.setKey(kid, key);
  const rx = new ReceiveKeyring();
  await rx.setKey('alice', kid, key);
  return { send, rx };
}
async function sealOne(send: SendContext, pt = frame(200)): Promise<Uint8Array> {
  const r = await send.seal(pt);
  if (!r.ok) throw new Error(`seal refused: ${r.reason}`);
  return r.frame;
}

describe('SFrame refusals', () => {
  it('opens what it sealed, and the plaintext is not in the frame', async () => {
    const { send, rx } = await sealed();
    const pt = new TextEncoder().encode('a very recognisable plaintext frame');
    const f = await sealOne(send, pt);
    expect(Buffer.from(f).includes(Buffer.from(pt.subarray(0, 8)))).toBe(false);
    const r = await rx.open('alice', f);
    expect(r.ok && Buffer.from(r.plaintext).equals(Buffer.from(pt))).toBe(true);
  });

  it('refuses a frame with any single byte flipped (header, ciphertext or tag)', async () => {
    const key = await importSFrameKey(0x301n, baseKey(1));
    const f = await sealFrame(key, 9n, frame(40));
    for (let i = 0; i < f.length; i += 1) {
      const t = new Uint8Array(f);
      t[i] = (t[i] ?? 0) ^ 0x01;
      const r = await openFrame(key, t);
      expect(r.ok, `byte ${i}`).toBe(false);
    }
  });

  it('refuses a frame under the wrong base key as auth-failed', async () => {
    const { send } = await sealed();
    const rx = new ReceiveKeyring();
    await rx.setKey('alice', makeKid(3, 1), baseKey(2));
    expect(await rx.open('alice', await sealOne(send))).toEqual({ ok: false, reason: 'auth-failed' });
  });

  it('refuses a replayed counter, and counters older than the window', async () => {
    const { send, rx } = await sealed();
    const first = await sealOne(send);
    expect((await rx.open('alice', first)).ok).toBe(true);
    expect(await rx.open('alice', first)).toEqual({ ok: false, reason: 'replay' });
    const late = await sealOne(send);
    for (let i = 0n; i < REPLAY_WINDOW + 1n; i += 1n) expect((await rx.open('alice', await sealOne(send))).ok).toBe(true);
    expect(await rx.open('alice', late)).toEqual({ ok: false, reason: 'replay' });
  });

  it('lets only one of two racing copies of a frame through', async () => {
    const { send, rx } = await sealed();
    const f = await sealOne(send);
    const results = await Promise.all([rx.open('alice', f), rx.open('alice', f)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: 'replay' });
  });

  it('refuses truncated and non-minimal headers as malformed, and a frame shorter than the tag', async () => {
    const { send, rx } = await sealed();
    const f = await sealOne(send);
    expect(await rx.open('alice', new Uint8Array(0))).toEqual({ ok: false, reason: 'malformed' });
    expect(await rx.open('alice', f.subarray(0, 2))).toEqual({ ok: false, reason: 'malformed' });
    expect(decodeHeader(Uint8Array.of(0x90))).toBeNull(); // KID length 2, no bytes
    expect(decodeHeader(Uint8Array.of(0x80, 0x05))).toBeNull(); // KID 5 must ride in the config byte
    expect(decodeHeader(Uint8Array.of(0x90, 0x00, 0x10))).toBeNull(); // leading zero byte
    expect(decodeHeader(Uint8Array.of(0x09, 0x00, 0xff))).toBeNull(); // CTR with a leading zero byte
    expect(await rx.open('alice', Uint8Array.of(...encodeHeader({ kid: 0x301n, ctr: 0n }), ...new Uint8Array(15)))).toEqual({ ok: false, reason: 'malformed' });
  });

  it("refuses one sender's frame relayed on another sender's track (unknown-kid)", async () => {
    const { send, rx } = await sealed(makeKid(3, 1));
    await rx.setKey('bob', makeKid(4, 1), baseKey(9));
    expect(await rx.open('bob', await sealOne(send))).toEqual({ ok: false, reason: 'unknown-kid' });
  });

  it('forgets every key of a dropped sender', async () => {
    const { send, rx } = await sealed();
    rx.dropSender('alice');
    expect(rx.hasSender('alice')).toBe(false);
    expect(await rx.open('alice', await sealOne(send))).toEqual({ ok: false, reason: 'unknown-kid' });
  });

  it('refuses to seal without a key instead of passing plaintext', async () => {
    const send = new SendContext();
    expect(await send.seal(frame(10))).toEqual({ ok: false, reason: 'no-key' });
  });

  it('never repeats a counter: concurrent seals, and a new key, continue the same sequence', async () => {
    const { send } = await sealed();
    const frames = await Promise.all(Array.from({ length: 50 }, () => sealOne(send)));
    await send.setKey(makeKid(3, 1), baseKey(1)); // the same key delivered again
    frames.push(await sealOne(send));
    const ctrs = frames.map((f) => decodeHeader(f)?.ctr);
    expect(new Set(ctrs).size).toBe(51);
    expect(ctrs.at(-1)).toBe(50n);
  });

  it('refuses to seal once a key reached its frame limit', async () => {
    const { send } = await sealed();
    (send as unknown as { sealedWithKey: bigint }).sealedWithKey = FRAMES_PER_KEY_LIMIT;
    expect(await send.seal(frame(10))).toEqual({ ok: false, reason: 'exhausted' });
    (send as unknown as { nextCtr: bigint }).nextCtr = 2n ** 48n;
    await send.setKey(makeKid(3, 2), baseKey(5));
    expect(await send.seal(frame(10))).toEqual({ ok: false, reason: 'exhausted' });
  });

  it('lays out KIDs as senderIndex << 8 | epoch', () => {
    expect(makeKid(3, 257)).toBe(0x301);
    expect(splitKid(0xabcdef12)).toEqual({ senderIndex: 0xabcdef, epoch: 0x12 });
    expect(() => makeKid(2 ** 24, 0)).toThrow(RangeError);
  });
});
