// IPC channels of encrypted file transfer (control plane); chunk bytes travel on the binary port (see file-frames.ts).
import { z } from 'zod';
import { channel } from './ipc-channel';
import type { IpcError } from './ipc-error';
import { b64uBytes, roomIdSchema, IDENTITY_KEY_BYTES } from './keys';
import { FILE_LIMITS } from './file-limits';
import { TRANSFER_ID_BYTES } from './file-frames';

const identityKey = b64uBytes(IDENTITY_KEY_BYTES);
export const transferIdSchema = b64uBytes(TRANSFER_ID_BYTES);

/** What the renderer says about the file the user picked; main checks it against the limits and the bytes it hashes. */
export const fileMetaSchema = z.strictObject({
  /** Display name only (no folders); main sanitizes it again before it becomes a save-dialog default. */
  name: z.string().min(1).max(FILE_LIMITS.maxNameLength),
  size: z.number().int().min(0).max(FILE_LIMITS.hardMaxFileBytes),
  mime: z.string().max(FILE_LIMITS.maxMimeLength).regex(/^[\x20-\x7e]*$/)
});
export type FileMeta = z.infer<typeof fileMetaSchema>;

export type TransferDirection = 'in' | 'out';
/**
 * in:  offered → receiving → verified → saved, or declined / cancelled / failed.
 * out: sending (after offer) → done (receiver verified the hash), or cancelled / failed.
 */
export type TransferState = 'offered' | 'receiving' | 'verified' | 'saved' | 'sending' | 'done' | 'declined' | 'cancelled' | 'failed';

export interface TransferInfo {
  transferId: string;
  direction: TransferDirection;
  roomId: string;
  peerIdentityKey: string;
  name: string;
  size: number;
  mime: string;
  chunkSize: number;
  chunkCount: number;
  /** SHA-256 of the whole file, lowercase hex, from the signed final message ('' until it is known). */
  sha256: string;
  createdAt: number;
  state: TransferState;
  /** in: chunks opened, verified and spooled (the resume point); out: highest chunk sealed + 1. */
  verifiedChunks: number;
  /** Current send attempt (bumped by every resume; part of the chunk nonce). */
  attempt: number;
  error?: IpcError;
}

/** A file ready to offer: picked in main's dialog, dropped (main reads it from disk) or pasted (the page brings its bytes). */
export interface PreparedFile { prepareId: string; chunkSize: number; chunkCount: number; name: string; size: number; mime: string;
  /** True when main reads the file itself: chunks are then sealed with the `sealFromDisk` port op. */
  fromDisk: boolean }
export type OfferResult =
  | { recipientIdentityKey: string; ok: true; transferId: string; /** Signed manifest ‖ signature, for the recipient's `files:receiveOffer`. */ offer: Uint8Array }
  | { recipientIdentityKey: string; ok: false; error: IpcError };

const offerBytes = z.instanceof(Uint8Array).refine((b) => b.length <= FILE_LIMITS.maxOfferBytes, `at most ${FILE_LIMITS.maxOfferBytes} bytes`);

export const filesIpc = {
  /** Asks main for the binary port; it arrives as a window `message` event whose data is `{ veilFilePort: token }`. */
  'files:connect': channel<z.ZodTuple<[]>, { token: string }>(z.tuple([])),
  /** Data with no file behind it (pasted): the page brings its bytes with `seal` port requests. */
  'files:prepare': channel<z.ZodTuple<[typeof roomIdSchema, typeof fileMetaSchema]>, PreparedFile>(z.tuple([roomIdSchema, fileMetaSchema])),
  /** Main shows its own open dialog and reads the chosen file itself; null when the user cancelled. The path never reaches the page. */
  'files:pick': channel<z.ZodTuple<[typeof roomIdSchema]>, PreparedFile | null>(z.tuple([roomIdSchema])),
  /**
   * A file dropped on the window. Not on `window.veil` as a path: the preload exposes `files.dropped(roomId, file)`,
   * which asks Electron for the File's own path; main checks it (regular, readable, size limit) and reads it itself.
   */
  'files:dropped': channel<z.ZodTuple<[typeof roomIdSchema, z.ZodString]>, PreparedFile>(z.tuple([roomIdSchema, z.string().min(1).max(4096)])),
  /** Signs one manifest per recipient (each its own transfer id and key) at once: nothing of the file is read first. */
  'files:offer': channel<z.ZodTuple<[typeof transferIdSchema, z.ZodArray<typeof identityKey>]>, OfferResult[]>(
    z.tuple([transferIdSchema, z.array(identityKey).min(1).max(FILE_LIMITS.maxRecipients)])),
  /** Verifies an offer that arrived (inside a sealed envelope) from `senderIdentityKey` in `roomId`. */
  'files:receiveOffer': channel<z.ZodTuple<[typeof roomIdSchema, typeof identityKey, z.ZodType<Uint8Array>]>, TransferInfo>(
    z.tuple([roomIdSchema, identityKey, offerBytes])),
  'files:accept': channel<z.ZodTuple<[typeof transferIdSchema]>, TransferInfo>(z.tuple([transferIdSchema])),
  'files:decline': channel<z.ZodTuple<[typeof transferIdSchema]>, TransferInfo>(z.tuple([transferIdSchema])),
  /** Either side, any state: stops the transfer, wipes its key and deletes its encrypted spool. */
  'files:cancel': channel<z.ZodTuple<[typeof transferIdSchema]>, TransferInfo>(z.tuple([transferIdSchema])),
  /** Sender: the recipient reported the whole-file hash verified; wipes the transfer key. */
  'files:finish': channel<z.ZodTuple<[typeof transferIdSchema]>, TransferInfo>(z.tuple([transferIdSchema])),
  /** Sender, once every chunk was sealed: the signed final message (the whole-file SHA-256) for the recipient. */
  'files:final': channel<z.ZodTuple<[typeof transferIdSchema]>, Uint8Array>(z.tuple([transferIdSchema])),
  /** Recipient: the sender's final message; verified, it completes the transfer once every chunk opened and the hashes match. */
  'files:receiveFinal': channel<z.ZodTuple<[typeof transferIdSchema, z.ZodType<Uint8Array>]>, TransferInfo>(
    z.tuple([transferIdSchema, z.instanceof(Uint8Array).refine((b) => b.length <= 512, 'at most 512 bytes')])),
  /** Sender: continue from chunk `fromIndex` (the recipient's resume point) under a new attempt number. */
  'files:resume': channel<z.ZodTuple<[typeof transferIdSchema, z.ZodNumber]>, TransferInfo>(
    z.tuple([transferIdSchema, z.number().int().min(0).max(0xffffffff)])),
  'files:get': channel<z.ZodTuple<[typeof transferIdSchema]>, TransferInfo>(z.tuple([transferIdSchema])),
  'files:list': channel<z.ZodTuple<[]>, TransferInfo[]>(z.tuple([])),
  /** Recipient, after `verified`: main asks where to save (its own dialog) and decrypts the spool there. */
  'files:save': channel<z.ZodTuple<[typeof transferIdSchema]>, { saved: boolean; fileName?: string }>(z.tuple([transferIdSchema]))
};

/**
 * Control messages between the two renderers, carried as JSON inside ordinary sealed chat envelopes
 * (so they are end-to-end encrypted, signed per settings, replay-checked). `id` is the transfer id (base64url).
 */
/** Why a recipient's app refused an offer by itself: larger than its size limit, or too many unanswered offers. */
export const FILE_REFUSALS = ['too-large', 'over-quota'] as const;
export type FileRefusal = (typeof FILE_REFUSALS)[number];

export const fileControlSchema = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('file-offer'), offer: z.string().max(FILE_LIMITS.maxOfferBytes * 2) }),
  z.strictObject({ t: z.literal('file-accept'), id: transferIdSchema }),
  /**
   * Set when the recipient's main refused the offer unasked, so the sender knows at once: `refused` says which rule
   * (the sender words it itself), `limitBytes` the recipient's size limit for `too-large`; `reason` is free text for
   * older senders.
   */
  z.strictObject({
    t: z.literal('file-decline'), id: transferIdSchema, reason: z.string().max(200).optional(),
    refused: z.enum(FILE_REFUSALS).optional(), limitBytes: z.number().int().min(0).max(FILE_LIMITS.hardMaxFileBytes).optional()
  }),
  z.strictObject({ t: z.literal('file-cancel'), id: transferIdSchema, reason: z.string().max(200) }),
  /** Receiver → sender: chunks [0, next) are verified (progress, flow-control credit, resume point). */
  z.strictObject({ t: z.literal('file-ack'), id: transferIdSchema, next: z.number().int().min(0).max(0xffffffff) }),
  /** Receiver → sender after a reconnect: please continue from `next`. */
  z.strictObject({ t: z.literal('file-resume'), id: transferIdSchema, next: z.number().int().min(0).max(0xffffffff) }),
  /** Sender → receiver, after the last chunk: base64url of the signed final message (whole-file SHA-256, PROTOCOL.md 14.6). */
  z.strictObject({ t: z.literal('file-final'), id: transferIdSchema, final: z.string().max(400) }),
  /** Receiver → sender: every chunk verified and the whole-file SHA-256 matched the signed final. */
  z.strictObject({ t: z.literal('file-done'), id: transferIdSchema })
]);
export type FileControl = z.infer<typeof fileControlSchema>;
