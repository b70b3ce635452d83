// Proof of frame origin on the SFU path (PROTOCOL.md §22a): the signed digest of the frames one sender sealed, its limits, and the worker's verdicts.
import { z } from 'zod';

export const FRAME_ORIGIN_LIMITS = {
  /** Bytes of each frame's AES-GCM tag a digest carries: its first 8 (a forger must hit 2^64 to pass a frame off). */
  tagPrefixBytes: 8,
  /** Frames one digest covers at most (one second of audio, video and two more simulcast layers fits well under it). */
  maxFramesPerDigest: 512,
  /** How often the sender's worker hands main the frames it sealed since its last report. */
  flushIntervalMs: 1000,
  /** A frame no digest of its sender has covered this long after it opened counts as unproven (its feed is held back). */
  deadlineMs: 6000,
  /** Opened frames a receiver's worker remembers per sender while waiting for their digest (oldest dropped as unproven). */
  pendingPerSender: 4096,
  /** Signed digests main keeps for the page to take; past this the oldest goes (the page takes them twice a second). */
  outboxDigests: 8,
  /** Digests main checks from one member per `receiveWindowMs` before refusing with `over-quota`. */
  receivePerMemberPerWindow: 40,
  receiveWindowMs: 10_000,
  /** Digests one socket may send to its room per second through the server. */
  relayPerSocketPerSec: 4,
  /** A digest signed further than this from our clock (either way) is refused as stale. */
  freshnessMs: 60_000,
  /** base64url of header (23) + 512 × 8 tag bytes + signature (64) = 4183 bytes. */
  maxBlobChars: 5578
} as const;

/** The signed blob as the server relays it (`media:origin`): opaque to the page and the server. */
export const frameOriginBlobSchema = z.string().min(1).max(FRAME_ORIGIN_LIMITS.maxBlobChars).regex(/^[A-Za-z0-9_-]+$/);

const kidSchema = z.number().int().min(0).max(0xffffffff);
/** Counters are below 2^48 (the worker stops there), so they are safe integers on every wire. */
const ctrSchema = z.number().int().min(0).max(2 ** 48 - 1);
const tagsSchema = z.instanceof(Uint8Array).refine(
  (b) => b.length > 0 && b.length % FRAME_ORIGIN_LIMITS.tagPrefixBytes === 0
    && b.length / FRAME_ORIGIN_LIMITS.tagPrefixBytes <= FRAME_ORIGIN_LIMITS.maxFramesPerDigest,
  'tags: 1..512 prefixes of 8 bytes');

/** One run of frames under one KID: tag prefixes of counters firstCtr, firstCtr + 1, …; eight zero bytes: no frame at that counter. */
export const frameRunShape = { kid: kidSchema, firstCtr: ctrSchema, tags: tagsSchema };

/** Worker → main on the key port: the frames we sealed since the last report. Never key material. */
export const sentFramesMessageSchema = z.strictObject({ type: z.literal('sent-frames'), ...frameRunShape });
export type SentFramesMessage = z.infer<typeof sentFramesMessageSchema>;

/**
 * What the worker says of one feed's frames: `pending` until a digest covered one; `proven` while the digests cover
 * them; `unproven` when one went past the deadline uncovered (held back until covered frames come again); `forged`
 * when a digest covered its counter with another tag: a holder of the sender's key made it (held back for good).
 */
export type FrameOriginState = 'pending' | 'proven' | 'unproven' | 'forged';
export const FRAME_ORIGIN_STATES = ['pending', 'proven', 'unproven', 'forged'] as const;

/** Feed ids the page gives a receive transform (Janus feed ids are numbers; written as decimal strings). */
export const feedIdSchema = z.string().min(1).max(32).regex(/^[A-Za-z0-9_-]+$/);

/** Worker → page: one feed's origin state and counts (never tags or keys). */
export interface FrameOriginStatus {
  type: 'origin-status'; senderId: string; feedId: string; state: FrameOriginState; proven: number; forged: number; unproven: number;
}

/** What `media:checkOrigin` answers once every check passed and the digest went to the worker. */
export interface CheckedFrameOrigin { senderId: string; kid: number; firstCtr: number; frames: number }
