// Key notices from two transports: once per transport is normal, a second copy on one transport is a replay for main to refuse.
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeNoticeFrame, encodeNoticeFrame, NoticeApplier } from '../../renderer/src/app/notices';
import { createAppStore } from '../../renderer/src/store';
import type { WireRotationNotice } from '../../protocol/keys';
import { installFakeVeil } from './fake-veil';

const bundle = { v: 1 as const, identityKey: 'K'.repeat(43), roomId: 'r', keyId: 'N'.repeat(22), epoch: 5, ephemeralKey: 'E'.repeat(43),
  createdAt: 1, expiresAt: 2, signature: 'B'.repeat(86) };
/** Well-formed (the frame decoder checks shape; main checks the signature, which the fake main here does not). */
const notice: WireRotationNotice = { v: 1, type: 'rotate', identityKey: 'K'.repeat(43), roomId: 'r', epoch: 5, previousKeyId: 'P'.repeat(22),
  bundle, issuedAt: 3, signature: 'S'.repeat(86) };

describe('NoticeApplier', () => {
  let applied: unknown[];
  beforeEach(() => {
    applied = [];
    const seen = new Set<string>();
    installFakeVeil({
      'keys:applyRotation': (n) => {
        const sig = (n as WireRotationNotice).signature;
        if (seen.has(sig)) throw Object.assign(new Error('notice already applied'), { code: 'replay' });
        seen.add(sig);
        applied.push(n);
        return { peerIdentityKey: notice.identityKey, peerEpoch: 5, peerKeyId: 'k', trust: 'known' };
      }
    });
  });

  it('applies a notice once when it arrives on both transports', async () => {
    const store = createAppStore();
    store.getState().upsertPeer(notice.identityKey, { displayName: 'Bob', epoch: 4 });
    const n = new NoticeApplier(store);
    await n.rotation(notice, 'peer');
    await n.rotation(notice, 'server');
    expect(applied).toHaveLength(1);
    expect(store.getState().peers[notice.identityKey]!.epoch).toBe(5);
    expect(store.getState().alerts).toEqual([]);
  });

  it('hands a second copy on the same transport to main, which refuses it, and shows why', async () => {
    const store = createAppStore();
    store.getState().upsertPeer(notice.identityKey, { displayName: 'Bob' });
    const n = new NoticeApplier(store);
    await n.rotation(notice, 'server');
    await n.rotation(notice, 'server');
    expect(applied).toHaveLength(1);
    expect(store.getState().alerts.map((a) => a.text)).toEqual([expect.stringMatching(/Refused key rotation notice for \u2068Bob\u2069 \(via server\): replay/)]);
  });
});

const encodeAny = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe('notice frames', () => {
  it('round-trip and never look like an envelope (which starts with byte 1)', () => {
    const bytes = encodeNoticeFrame({ t: 'keys', rotation: notice });
    expect(bytes[0]).toBe(0x7b);
    expect(decodeNoticeFrame(bytes)).toEqual({ t: 'keys', rotation: notice });
    expect(decodeNoticeFrame(Uint8Array.of(1, 2, 3))).toBeNull();
    expect(decodeNoticeFrame(new TextEncoder().encode('{"t":"msg"}'))).toBeNull();
    expect(decodeNoticeFrame(new TextEncoder().encode('{oops'))).toBeNull();
    expect(decodeNoticeFrame(new TextEncoder().encode('{"t":"keys"}'))).toBeNull();
    expect(decodeNoticeFrame(encodeAny({ t: 'keys', rotation: { ...notice, extra: 1 } }))).toBeNull();
    expect(decodeNoticeFrame(encodeAny({ t: 'keys', rotation: notice, chat: 'hi' }))).toBeNull();
  });
});
