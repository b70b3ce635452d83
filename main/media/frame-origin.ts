// One call's frame-origin digests (PROTOCOL.md §22a): ours signed from what our worker sealed, each member's checked before its worker sees it.
import { fromB64u, toB64u } from '../../protocol/encoding';
import { FRAME_ORIGIN_LIMITS, sentFramesMessageSchema } from '../../protocol/frame-origin';
import { parseFrameOrigin, verifyFrameOrigin, type CryptoBackend } from '../crypto';
import { DomainError } from '../errors';

/** Why a member's digest was refused, in check order. */
export type FrameOriginRefusal = 'not-member' | 'over-quota' | 'malformed' | 'wrong-sender' | 'no-key' | 'bad-signature' | 'stale';

export class FrameOriginRefused extends DomainError {
  constructor(readonly reason: FrameOriginRefusal, message: string) {
    super(reason, message);
  }
}

/** What the check needs to know of the member the server named as sender. */
export interface OriginSender {
  peerId: string;
  identityKey: string;
  /** The senderIndex of its KIDs in this call (null: no key from it yet, so no frame of it opens either). */
  senderIndex: number | null;
  /** Our gate passes for it now. */
  trusted: boolean;
}

/** A checked digest, ready for our worker's key port. */
export interface CheckedRun { senderId: string; kid: number; firstCtr: number; tags: Uint8Array<ArrayBuffer> }

export class FrameOriginDigests {
  private readonly outbox: string[] = [];
  private readonly recent = new Map<string, number[]>();
  private droppedFromOutbox = 0;

  constructor(private readonly backend: CryptoBackend, private readonly roomId: string, private readonly senderIndex: number) {}

  /**
   * What our worker says it sealed, if it is a well-formed run under one of our own KIDs: returned for signing.
   * Anything else from the port is ignored (the worker also replies `key-refused` there).
   */
  ownRun(data: unknown): { kid: number; firstCtr: number; tags: Uint8Array } | null {
    const parsed = sentFramesMessageSchema.safeParse(data);
    if (!parsed.success || Math.floor(parsed.data.kid / 256) !== this.senderIndex) return null;
    return { kid: parsed.data.kid, firstCtr: parsed.data.firstCtr, tags: new Uint8Array(parsed.data.tags) };
  }

  /** Keeps a signed digest for the page; a page that stops taking them loses the oldest, never grows main's memory. */
  queue(signed: Uint8Array): void {
    this.outbox.push(toB64u(signed));
    while (this.outbox.length > FRAME_ORIGIN_LIMITS.outboxDigests) {
      this.outbox.shift();
      this.droppedFromOutbox++;
    }
  }

  /** The digests signed since the last call, oldest first, for `media:origin`. */
  take(): string[] { return this.outbox.splice(0); }

  get dropped(): number { return this.droppedFromOutbox; }

  /** Every check in order; the first failure is thrown and changes nothing but the member's rate count. */
  check(sender: OriginSender | null, fromPeerId: string, blob: string, now: number): CheckedRun {
    if (!sender) throw new FrameOriginRefused('not-member', 'frame digest from someone who is not a member of the call');
    const recent = (this.recent.get(fromPeerId) ?? []).filter((t) => now - t < FRAME_ORIGIN_LIMITS.receiveWindowMs);
    if (recent.length >= FRAME_ORIGIN_LIMITS.receivePerMemberPerWindow) throw new FrameOriginRefused('over-quota', 'too many frame digests from this member');
    this.recent.set(fromPeerId, [...recent, now]);
    const bytes = fromB64u(blob);
    const parsed = bytes ? parseFrameOrigin(bytes, FRAME_ORIGIN_LIMITS.maxFramesPerDigest) : null;
    if (!parsed) throw new FrameOriginRefused('malformed', 'frame digest is malformed');
    if (sender.senderIndex === null || Math.floor(parsed.digest.kid / 256) !== sender.senderIndex) {
      throw new FrameOriginRefused('wrong-sender', "frame digest names a KID that is not this member's");
    }
    if (!sender.trusted) throw new FrameOriginRefused('no-key', 'this member is not trusted here now');
    if (!verifyFrameOrigin(this.backend, parsed, this.roomId, fromB64u(sender.identityKey)!)) {
      throw new FrameOriginRefused('bad-signature', "frame digest is not signed by this member's identity key");
    }
    if (Math.abs(now - parsed.digest.sentAt) > FRAME_ORIGIN_LIMITS.freshnessMs) throw new FrameOriginRefused('stale', 'frame digest outside the freshness window');
    const d = parsed.digest;
    return { senderId: fromPeerId, kid: d.kid, firstCtr: d.firstCtr, tags: new Uint8Array(d.tags) };
  }

  /** The member left: its rate count goes with it. */
  forget(peerId: string): void { this.recent.delete(peerId); }
}
