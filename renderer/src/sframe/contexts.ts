// Per-sender SFrame state: the send context (one key, one never-reused counter) and the receive keyring (keys by sender and KID).
import { ReplayWindow } from './replay-window';
import { importSFrameKey, openFrame, peekFrame, sealFrame, type OpenResult, type SFrameKey } from './sframe';

/**
 * KID layout: senderIndex (24 bits, assigned by main per call member) << 8 | epoch (8 bits, wraps).
 * A KID names one sender's key in one epoch; a receiver only accepts it on that sender's own tracks.
 */
export const MAX_SENDER_INDEX = 0xffffff;
export function makeKid(senderIndex: number, epoch: number): number {
  if (!Number.isInteger(senderIndex) || senderIndex < 0 || senderIndex > MAX_SENDER_INDEX) throw new RangeError('sender index out of range');
  if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError('epoch out of range');
  return senderIndex * 256 + (epoch & 0xff);
}
export function splitKid(kid: number): { senderIndex: number; epoch: number } {
  return { senderIndex: Math.floor(kid / 256), epoch: kid & 0xff };
}

/**
 * Frames one key may seal before the sender refuses (AES-GCM usage limit, far above a day of 60 fps video).
 * The counter itself never restarts, not even on a new key, so a re-delivered key can never repeat a nonce.
 */
export const FRAMES_PER_KEY_LIMIT = 2n ** 32n;
/** The counter's ceiling; reaching it stops the sender for good (unique nonces by construction). */
export const MAX_COUNTER = 2n ** 48n;

/** `kid` and `ctr`: what the frame was sealed under, for the frame-origin report (PROTOCOL.md §22a). */
export type SealResult = { ok: true; frame: Uint8Array; kid: number; ctr: bigint } | { ok: false; reason: 'no-key' | 'exhausted' };

export class SendContext {
  private key: SFrameKey | null = null;
  private sealedWithKey = 0n;
  private nextCtr = 0n;
  /** Counters claimed by seals still awaiting WebCrypto. */
  private readonly inFlight = new Set<bigint>();

  async setKey(kid: number, baseKey: Uint8Array): Promise<void> {
    const key = await importSFrameKey(BigInt(kid), baseKey);
    this.key = key;
    this.sealedWithKey = 0n;
  }

  forget(): void { this.key = null; }
  get hasKey(): boolean { return this.key !== null; }
  get currentKid(): number | null { return this.key ? Number(this.key.kid) : null; }
  /** Every counter below this one has finished sealing (or failed): the origin report may call a gap there empty. */
  get settledBelow(): bigint {
    let low = this.nextCtr;
    for (const c of this.inFlight) if (c < low) low = c;
    return low;
  }

  /** Seals one frame. The counter is claimed before any await, so concurrent tracks never share one. */
  async seal(plaintext: Uint8Array, metadata?: Uint8Array): Promise<SealResult> {
    const key = this.key;
    if (!key) return { ok: false, reason: 'no-key' };
    if (this.nextCtr >= MAX_COUNTER || this.sealedWithKey >= FRAMES_PER_KEY_LIMIT) return { ok: false, reason: 'exhausted' };
    const ctr = this.nextCtr;
    this.nextCtr += 1n;
    this.sealedWithKey += 1n;
    this.inFlight.add(ctr);
    try {
      return { ok: true, frame: await sealFrame(key, ctr, plaintext, metadata), kid: Number(key.kid), ctr };
    } finally {
      this.inFlight.delete(ctr);
    }
  }
}

/** How many KIDs (epochs) of one sender stay usable at once, and how many senders a worker tracks. */
export const MAX_KIDS_PER_SENDER = 4;
export const MAX_SENDERS = 256;

interface ReceiveKey { key: SFrameKey; window: ReplayWindow }

export class ReceiveKeyring {
  private readonly senders = new Map<string, Map<bigint, ReceiveKey>>();

  /** Adds (or replaces) one sender's key for `kid`; the oldest KID goes when the sender has too many. */
  async setKey(senderId: string, kid: number, baseKey: Uint8Array): Promise<'ok' | 'too-many-senders'> {
    const key = await importSFrameKey(BigInt(kid), baseKey);
    let kids = this.senders.get(senderId);
    if (!kids) {
      if (this.senders.size >= MAX_SENDERS) return 'too-many-senders';
      kids = new Map();
      this.senders.set(senderId, kids);
    }
    kids.delete(key.kid);
    kids.set(key.kid, { key, window: new ReplayWindow() });
    while (kids.size > MAX_KIDS_PER_SENDER) {
      const oldest = kids.keys().next().value;
      if (oldest === undefined) break;
      kids.delete(oldest);
    }
    return 'ok';
  }

  /** Forgets every key of the sender (the CryptoKeys are non-extractable; dropping them is all WebCrypto allows). */
  dropSender(senderId: string): void { this.senders.delete(senderId); }
  hasSender(senderId: string): boolean { return this.senders.has(senderId); }

  /** Opens a frame that arrived on `senderId`'s track. Another sender's KID there is 'unknown-kid'. */
  async open(senderId: string, frame: Uint8Array, metadata?: Uint8Array): Promise<OpenResult> {
    const h = peekFrame(frame);
    if (!h) return { ok: false, reason: 'malformed' };
    const entry = this.senders.get(senderId)?.get(h.kid);
    if (!entry) return { ok: false, reason: 'unknown-kid' };
    if (!entry.window.wouldAccept(h.ctr)) return { ok: false, reason: 'replay' };
    const result = await openFrame(entry.key, frame, metadata);
    // Checked again after the await: two copies of one frame racing on two tracks must not both pass.
    if (result.ok && !entry.window.accept(result.ctr)) return { ok: false, reason: 'replay' };
    return result;
  }
}
