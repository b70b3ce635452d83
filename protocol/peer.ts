// The contract of everything that rides a data channel between two peers: sealed chat lines, acks, media state, file control, notice frames.
import { z } from 'zod';
import { fileControlSchema } from './ipc-files';
import { timestampSchema, wireRevocationNoticeSchema, wireRotationNoticeSchema } from './keys';
import { LIMITS } from './limits';

/** A chat line's id: 9 random bytes as lowercase hex (unique per sender; the receiver keys it by the sender too). */
export const chatIdSchema = z.string().regex(/^[0-9a-f]{18}$/);

/**
 * What a sealed envelope may contain once main has opened it: a chat line, an acknowledgement, or file control.
 * Strict objects: an unknown `t`, a missing or extra field, a wrong type or an oversized text is not a message.
 */
/**
 * A peer's own microphone, camera and screen-share state, sent when it changes and when a link comes up. Informational
 * only: it decides what that peer's tile shows, never what media flows or whom we trust.
 */
export const mediaStateSchema = z.strictObject({ t: z.literal('media'), mic: z.boolean(), cam: z.boolean(), screen: z.boolean() });
export type MediaState = z.infer<typeof mediaStateSchema>;

export const sealedPeerMessageSchema = z.union([
  // `sentAt` (ms) only on a line that was held while no link existed: when its author sent it, before the envelope's time.
  z.strictObject({ t: z.literal('msg'), id: chatIdSchema, text: z.string().min(1).max(LIMITS.maxChatChars), sentAt: timestampSchema.optional() }),
  z.strictObject({ t: z.literal('ack'), id: chatIdSchema }),
  mediaStateSchema,
  fileControlSchema
]);
export type SealedPeerMessage = z.infer<typeof sealedPeerMessageSchema>;
export type ChatLine = Extract<SealedPeerMessage, { t: 'msg' | 'ack' }>;

/** Public, signed key notices sent in the clear on a data channel (main verifies the signatures). At least one is present. */
export const noticeFrameSchema = z.strictObject({
  t: z.literal('keys'),
  revocation: wireRevocationNoticeSchema.optional(),
  rotation: wireRotationNoticeSchema.optional()
}).refine((f) => f.revocation !== undefined || f.rotation !== undefined, 'a notice frame carries a notice');
export type NoticeFrame = z.infer<typeof noticeFrameSchema>;

/** Envelopes start with their version byte (1); notice frames are JSON and start with '{'. */
export const NOTICE_FRAME_FIRST_BYTE = 0x7b;
export const MAX_NOTICE_FRAME_BYTES = 16 * 1024;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The one decoder for opened envelope plaintext (UTF-8 decoded by the caller); null for anything that is not exactly a Veil peer message. */
export function decodeSealedPeerMessage(text: string): SealedPeerMessage | null {
  const parsed = sealedPeerMessageSchema.safeParse(parseJson(text));
  return parsed.success ? parsed.data : null;
}

export function encodeSealedPeerMessage(message: SealedPeerMessage): string {
  return JSON.stringify(sealedPeerMessageSchema.parse(message));
}

/** The one decoder for clear notice frames (text of at most MAX_NOTICE_FRAME_BYTES bytes starting with '{'). */
export function decodeNoticeFrame(text: string): NoticeFrame | null {
  const parsed = noticeFrameSchema.safeParse(parseJson(text));
  return parsed.success ? parsed.data : null;
}

export function encodeNoticeFrame(frame: NoticeFrame): string {
  return JSON.stringify(noticeFrameSchema.parse(frame));
}
