// Wire shape of a link binding: the HMAC that ties one WebRTC offer/answer/confirm to a pairwise session, its DTLS fingerprints and the SDP it answers.
import { z } from 'zod';
import { b64uBytes, KEY_ID_BYTES } from './keys';

export const LINK_BINDING_MAC_BYTES = 32;
export const LINK_ROLES = ['offer', 'answer', 'confirm'] as const;
/** SHA-256 of an SDP: the offer an answer is bound to, or the answer a confirm is bound to. */
export const LINK_SDP_DIGEST_BYTES = 32;
/** Version 2: the answer's transcript commits to the offer it answers (docs/PROTOCOL.md §8); version 1 is refused. */
export const LINK_BINDING_VERSION = 2;
export type LinkRole = (typeof LINK_ROLES)[number];

/** Rides beside an offer, answer or confirm in `signal:relay`; the server relays it opaquely. */
export const wireLinkBindingSchema = z.strictObject({
  v: z.literal(LINK_BINDING_VERSION),
  role: z.enum(LINK_ROLES),
  senderKeyId: b64uBytes(KEY_ID_BYTES),
  recipientKeyId: b64uBytes(KEY_ID_BYTES),
  mac: b64uBytes(LINK_BINDING_MAC_BYTES)
});
export type WireLinkBinding = z.infer<typeof wireLinkBindingSchema>;
