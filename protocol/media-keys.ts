// Messages of the SFrame frame-transform worker: main → worker on the key port, transform options, worker → page status.
import { z } from 'zod';
import { feedIdSchema, frameRunShape, type FrameOriginStatus, type SentFramesMessage } from './frame-origin';

/** Base keys are 16..64 random bytes chosen by main; the worker derives the SFrame key and salt from them. */
export const MEDIA_BASE_KEY_BYTES = { min: 16, max: 64 } as const;
/** KID = senderIndex (24 bits) << 8 | epoch (8 bits): at most 2^32 - 1. */
export const MAX_MEDIA_KID = 0xffffffff;

export const mediaSenderIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
const kidSchema = z.number().int().min(0).max(MAX_MEDIA_KID);
const baseKeySchema = z.instanceof(Uint8Array).refine(
  (b) => b.length >= MEDIA_BASE_KEY_BYTES.min && b.length <= MEDIA_BASE_KEY_BYTES.max, 'base key must be 16..64 bytes');

/** What main sends on the key port. The page never sees these: it only forwards the port. */
export const keyPortMessageSchema = z.discriminatedUnion('type', [
  /** Our own key for everything we send from now on (a new KID per epoch). */
  z.object({ type: z.literal('set-send-key'), kid: kidSchema, baseKey: baseKeySchema }).strict(),
  /** One member's key for one KID; up to four KIDs per member stay usable (the oldest goes). */
  z.object({ type: z.literal('set-receive-key'), senderId: mediaSenderIdSchema, kid: kidSchema, baseKey: baseKeySchema }).strict(),
  /** The member left (or was not verified): forget all its keys; its frames drop from now on. */
  z.object({ type: z.literal('drop-sender'), senderId: mediaSenderIdSchema }).strict(),
  /** Stop sending: forget our own key (frames are dropped until a new one arrives). */
  z.object({ type: z.literal('drop-send-key') }).strict(),
  /** From now on a feed's frames that its sender's signed digests do not cover are held back (main sends it first, §22a). */
  z.object({ type: z.literal('require-origin') }).strict(),
  /** A member's frame-origin digest that main verified (PROTOCOL.md §22a): which of its frames it really sealed. */
  z.object({ type: z.literal('sender-frames'), senderId: mediaSenderIdSchema, ...frameRunShape }).strict()
]);
export type KeyPortMessage = z.infer<typeof keyPortMessageSchema>;

/** What the worker sends main on the key port: which message it refused, and the frames it sealed; never any key material. */
export type KeyPortReply = { type: 'key-refused'; reason: 'invalid-message' | 'too-many-senders' | 'import-failed' } | SentFramesMessage;

export const transformSideSchema = z.enum(['send', 'receive']);
/** Options of `new RTCRtpScriptTransform(worker, options)`: the page says which side and whose track. */
/** `feedId` (receivers): which feed the track came from, so origin verdicts are per feed, not per claimed sender. */
export const transformOptionsSchema = z.object({ side: transformSideSchema, senderId: mediaSenderIdSchema, feedId: feedIdSchema.optional() }).strict();
export type TransformOptions = z.infer<typeof transformOptionsSchema>;

/** Per-sender state the worker reports to the page (counts only, never keys or frame bytes). */
export type MediaSenderState = 'waiting-key' | 'decrypting' | 'cannot-decrypt';
/** `origin-*`: the frame opened, but its sender's signed digests do not cover it, or name another frame (§22a). */
export type DropReason = 'malformed' | 'unknown-kid' | 'auth-failed' | 'replay' | 'origin-unproven' | 'origin-forged';
export type FrameWorkerStatus =
  | { type: 'receive-status'; senderId: string; state: MediaSenderState; decrypted: number; dropped: number; dropReasons: Record<DropReason, number> }
  | { type: 'send-status'; state: 'waiting-key' | 'encrypting' | 'exhausted'; encrypted: number; dropped: number }
  | FrameOriginStatus
  | { type: 'worker-error'; reason: 'key-port-missing' | 'invalid-setup' | 'invalid-transform-options' };
