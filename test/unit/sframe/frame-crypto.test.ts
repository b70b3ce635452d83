// The frame worker's core: key-port validation, VP8 clear prefix (authenticated), drops counted per sender, no key bytes in status.
import { describe, expect, it } from 'vitest';
import type { FrameWorkerStatus, KeyPortReply } from '../../../protocol/media-keys';
import { FrameCrypto } from '../../../renderer/src/sframe/frame-crypto';
import { makeKid } from '../../../renderer/src/sframe/contexts';

const VP8_KEY = { kind: 'video' as const, mimeType: 'video/VP8', frameType: 'key' };
const AUDIO = { kind: 'audio' as const, mimeType: 'audio/opus' };
const frame = (n: number) => new Uint8Array(n).map((_, i) => (i * 13 + 1) & 0xff);

function setup() {
  const statuses: FrameWorkerStatus[] = [];
  const replies: KeyPortReply[] = [];
  const fc = new FrameCrypto((s) => statuses.push(s));
  const key = (m: unknown) => fc.onKeyMessage(m, (r) => replies.push(r));
  return { fc, statuses, replies, key };
}

describe('FrameCrypto', () => {
  it('drops outgoing frames until a send key arrives', async () => {
    const { fc, statuses } = setup();
    expect(await fc.sealFrame(frame(100), AUDIO)).toBeNull();
    fc.flush();
    expect(statuses.at(-1)).toMatchObject({ type: 'send-status', state: 'waiting-key', dropped: 1, encrypted: 0 });
  });

  it('refuses malformed key messages with a reply and keeps the old state', async () => {
    const { fc, replies, key } = setup();
    await key({ type: 'set-send-key', kid: makeKid(1, 0), baseKey: new Uint8Array(32).fill(1) });
    for (const bad of [
      { type: 'set-send-key', kid: -1, baseKey: new Uint8Array(32) },
      { type: 'set-send-key', kid: 1, baseKey: new Uint8Array(8) },
      { type: 'set-receive-key', senderId: '../x', kid: 1, baseKey: new Uint8Array(32) },
      { type: 'drop-send-key', extra: 1 }, 'set-send-key', null
    ]) await key(bad);
    expect(replies).toEqual(Array(6).fill({ type: 'key-refused', reason: 'invalid-message' }));
    expect(await fc.sealFrame(frame(50), AUDIO)).not.toBeNull();
  });

  it('keeps the VP8 keyframe prefix in the clear but authenticated, and opens the rest', async () => {
    const { fc, key } = setup();
    const kid = makeKid(2, 7);
    await key({ type: 'set-send-key', kid, baseKey: new Uint8Array(32).fill(4) });
    await key({ type: 'set-receive-key', senderId: 'alice', kid, baseKey: new Uint8Array(32).fill(4) });
    const pt = frame(300);
    const sealed = await fc.sealFrame(pt, VP8_KEY);
    if (!sealed) throw new Error('not sealed');
    expect(Buffer.from(sealed.subarray(0, 10)).equals(Buffer.from(pt.subarray(0, 10)))).toBe(true);
    expect(Buffer.from(sealed).includes(Buffer.from(pt.subarray(10, 30)))).toBe(false);
    const tampered = new Uint8Array(sealed);
    tampered[5] = (tampered[5] ?? 0) ^ 0x40;
    expect(await fc.openFrame('alice', tampered, VP8_KEY)).toBeNull();
    const opened = await fc.openFrame('alice', sealed, VP8_KEY);
    expect(opened && Buffer.from(opened).equals(Buffer.from(pt))).toBe(true);
  });

  it('counts drops per sender, reports states, and never puts key bytes in a status', async () => {
    const { fc, statuses, key } = setup();
    const base = new Uint8Array(32).fill(0xab);
    await key({ type: 'set-send-key', kid: makeKid(3, 0), baseKey: new Uint8Array(base) });
    const sealed = await fc.sealFrame(frame(80), AUDIO);
    if (!sealed) throw new Error('not sealed');
    expect(await fc.openFrame('bob', sealed, AUDIO)).toBeNull();
    await key({ type: 'set-receive-key', senderId: 'bob', kid: makeKid(3, 0), baseKey: new Uint8Array(32).fill(0xcd) });
    expect(await fc.openFrame('bob', sealed, AUDIO)).toBeNull();
    await key({ type: 'set-receive-key', senderId: 'carol', kid: makeKid(3, 0), baseKey: new Uint8Array(base) });
    expect(await fc.openFrame('carol', sealed, AUDIO)).not.toBeNull();
    fc.flush();
    const last = (id: string) => statuses.filter((s) => s.type === 'receive-status' && s.senderId === id).at(-1);
    expect(last('bob')).toMatchObject({ state: 'cannot-decrypt', decrypted: 0, dropped: 2, dropReasons: { 'unknown-kid': 1, 'auth-failed': 1 } });
    expect(last('carol')).toMatchObject({ state: 'decrypting', decrypted: 1, dropped: 0 });
    expect(JSON.stringify(statuses)).not.toMatch(/171|"ab"|abab/);
  });

  it('wipes the delivered base key once imported, and forgets a dropped sender', async () => {
    const { fc, statuses, key } = setup();
    const base = new Uint8Array(32).fill(9);
    const msg = { type: 'set-receive-key', senderId: 'dave', kid: 5, baseKey: base };
    await key({ type: 'set-send-key', kid: 5, baseKey: new Uint8Array(32).fill(9) });
    await key(msg);
    expect(base.every((b) => b === 0)).toBe(true);
    const sealed = await fc.sealFrame(frame(40), AUDIO);
    if (!sealed) throw new Error('not sealed');
    expect(await fc.openFrame('dave', sealed, AUDIO)).not.toBeNull();
    await key({ type: 'drop-sender', senderId: 'dave' });
    expect(statuses.at(-1)).toMatchObject({ type: 'receive-status', senderId: 'dave', state: 'waiting-key' });
    expect(await fc.openFrame('dave', (await fc.sealFrame(frame(40), AUDIO)) ?? new Uint8Array(), AUDIO)).toBeNull();
  });
});

describe('clear prefix by codec', () => {
  it('keeps 10 bytes of VP8 keyframes and 3 of VP8 delta frames, none of audio or other codecs', async () => {
    const { clearPrefixBytes } = await import('../../../renderer/src/sframe/clear-prefix');
    expect(clearPrefixBytes(VP8_KEY)).toBe(10);
    expect(clearPrefixBytes({ kind: 'video', mimeType: 'video/vp8', frameType: 'delta' })).toBe(3);
    expect(clearPrefixBytes({ kind: 'video', mimeType: 'video/VP9', frameType: 'key' })).toBe(0);
    expect(clearPrefixBytes(AUDIO)).toBe(0);
  });

  it('drops a received VP8 frame shorter than its clear prefix as malformed', async () => {
    const { fc, statuses, key } = setup();
    await key({ type: 'set-receive-key', senderId: 'erin', kid: 1, baseKey: new Uint8Array(32).fill(3) });
    expect(await fc.openFrame('erin', frame(6), VP8_KEY)).toBeNull();
    fc.flush();
    expect(statuses.filter((s) => s.type === 'receive-status').at(-1)).toMatchObject({ senderId: 'erin', dropped: 1, dropReasons: { malformed: 1 } });
  });
});
