// Wire shape of a link binding: the HMAC that ties one WebRTC offer/answer to a pairwise session and its DTLS fingerprints.
import { z } from 'zod';
import { b64uBytes, KEY_ID_BYTES } from './keys';

export const LINK_BINDING_MAC_BYTES = 32;
export const LINK_ROLES = ['offer', 'answer', 'confirm'] as const;
/** SHA-256 of the answer SDP a confirm is bound to. */
export const LINK_ANSWER_DIGEST_BYTES = 32;
export type LinkRole = (typeof LINK_ROLES)[number];

/** Rides beside an offer, answer or confirm in `signal:relay`; the server relays it opaquely. */
export const wireLinkBindingSchema = z.strictObject({
  v: z.literal(1),
  role: z.enum(LINK_ROLES),
  senderKeyId: b64uBytes(KEY_ID_BYTES),
  recipientKeyId: b64uBytes(KEY_ID_BYTES),
  mac: b64uBytes(LINK_BINDING_MAC_BYTES)
});
export type WireLinkBinding = z.infer<typeof wireLinkBindingSchema>;
