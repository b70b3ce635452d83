// The "your messages wait" notice: signed by the identity key of a member holding a key-change decision about the subject (PROTOCOL.md §21).
import { z } from 'zod';
import { b64uBytes, IDENTITY_KEY_BYTES, KEY_ID_BYTES, roomIdSchema, SIGNATURE_BYTES, timestampSchema } from './keys';

export const HELD_NOTICE_LABEL = 'veil/v1/held-notice\0';
export const HELD_NOTICE_VERSION = 1;
/** A notice older (or further in the future) than this is refused: a replayed one cannot keep a stale warning up. */
export const HELD_NOTICE_MAX_AGE_MS = 5 * 60_000;
/** A holder sends at most one notice per subject key within this time (the subject also rate-limits what it checks). */
export const HELD_NOTICE_RESEND_MS = 30_000;

/**
 * `signer` holds a decision about `subject`'s identity key (a key change or a look-alike name), so it opens no link to
 * `subject` and `subject`'s messages wait; `subjectKeyId` is the room key of `subject` it saw, `issuedAt` its clock.
 */
export const wireHeldNoticeSchema = z.strictObject({
  v: z.literal(HELD_NOTICE_VERSION),
  signer: b64uBytes(IDENTITY_KEY_BYTES),
  roomId: roomIdSchema,
  subject: b64uBytes(IDENTITY_KEY_BYTES),
  subjectKeyId: b64uBytes(KEY_ID_BYTES),
  issuedAt: timestampSchema,
  signature: b64uBytes(SIGNATURE_BYTES)
});
export type WireHeldNotice = z.infer<typeof wireHeldNoticeSchema>;
