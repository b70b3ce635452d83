// Key notices (rotation, revocation) from two transports: the server and peers' data channels, applied in order by main.
import type { WireRevocationNotice, WireRotationNotice } from '../../../protocol/keys';
import { decodeNoticeFrame as decodeNotice, encodeNoticeFrame as encodeNotice, MAX_NOTICE_FRAME_BYTES, NOTICE_FRAME_FIRST_BYTE,
  type NoticeFrame } from '../../../protocol/peer';
import { isolate } from '../lib/shown-names';
import { errorText, strictUtf8, unwrap } from '../lib/veil';
import type { AppStore } from '../store';
import { shownNameOf } from './names';

export type Transport = 'server' | 'peer';
export type { NoticeFrame };

/** A clear notice frame off a data channel, through the one peer-message contract; null for envelopes and garbage. */
export function decodeNoticeFrame(bytes: Uint8Array): NoticeFrame | null {
  if (bytes[0] !== NOTICE_FRAME_FIRST_BYTE || bytes.length > MAX_NOTICE_FRAME_BYTES) return null;
  const text = strictUtf8(bytes);
  return text === null ? null : decodeNotice(text);
}

export function encodeNoticeFrame(frame: NoticeFrame): Uint8Array {
  return new TextEncoder().encode(encodeNotice(frame));
}

/**
 * Applies notices one at a time (a revocation must land before its replacement rotation). The same notice legitimately
 * arrives once per transport; a second copy on the same transport is a replay and goes to main, which refuses it.
 */
export class NoticeApplier {
  private chain: Promise<void> = Promise.resolve();
  private seen = new Map<string, Set<Transport>>();

  constructor(private readonly store: AppStore) {}

  private firstOnOtherTransport(signature: string, via: Transport): boolean {
    const got = this.seen.get(signature) ?? new Set<Transport>();
    const duplicateAcross = got.size > 0 && !got.has(via);
    got.add(via);
    this.seen.set(signature, got);
    if (this.seen.size > 1000) this.seen.delete(this.seen.keys().next().value as string);
    return duplicateAcross;
  }

  private nameOf(identityKey: string): string {
    return isolate(shownNameOf(this.store.getState(), identityKey).label);
  }

  rotation(notice: WireRotationNotice, via: Transport): Promise<void> {
    if (this.firstOnOtherTransport(notice.signature, via)) return this.chain;
    this.chain = this.chain.then(async () => {
      try {
        const info = await unwrap(window.veil.keys.applyRotation(notice));
        this.store.getState().upsertPeer(info.peerIdentityKey, { epoch: info.peerEpoch, keyId: info.peerKeyId, trust: info.trust });
      } catch (err) {
        this.store.getState().pushAlert(`Refused key rotation notice for ${this.nameOf(notice.identityKey)} (via ${via}): ${errorText(err)}`);
      }
    });
    return this.chain;
  }

  revocation(notice: WireRevocationNotice, via: Transport): Promise<void> {
    if (this.firstOnOtherTransport(notice.signature, via)) return this.chain;
    this.chain = this.chain.then(async () => {
      try {
        await unwrap(window.veil.keys.applyRevocation(notice));
        this.store.getState().pushAlert(`${this.nameOf(notice.identityKey)} revoked a room key`);
      } catch (err) {
        this.store.getState().pushAlert(`Refused key revocation notice for ${this.nameOf(notice.identityKey)} (via ${via}): ${errorText(err)}`);
      }
    });
    return this.chain;
  }

  frame(frame: NoticeFrame): Promise<void> {
    if (frame.revocation) void this.revocation(frame.revocation, 'peer');
    if (frame.rotation) void this.rotation(frame.rotation, 'peer');
    return this.chain;
  }
}
