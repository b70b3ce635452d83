// Wire shapes of public key material that travels through the untrusted server: bundles, notices, DTLS fingerprints.
// Signed byte layouts live in main/crypto and docs/PROTOCOL.md; these schemas only check shape and size.
import { z } from 'zod';
import { b64uLength } from './encoding';
import { LIMITS, ROOM_ID_PATTERN } from './limits';

const B64U = /^[A-Za-z0-9_-]*$/;
/** A base64url field that must decode to exactly `n` bytes. */
export const b64uBytes = (n: number) => z.string().length(b64uLength(n)).regex(B64U);

export const roomIdSchema = z.string().regex(ROOM_ID_PATTERN);
export const displayNameSchema = z.string().min(1).max(LIMITS.displayNameMaxLength);
export const epochSchema = z.number().int().min(0).max(0xffffffff);
export const timestampSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const IDENTITY_KEY_BYTES = 32;
export const EPHEMERAL_KEY_BYTES = 32;
export const KEY_ID_BYTES = 16;
export const SIGNATURE_BYTES = 64;

/** An ephemeral X25519 room key, signed by its owner's Ed25519 identity key. */
export const wireKeyBundleSchema = z.strictObject({
  v: z.literal(1),
  identityKey: b64uBytes(IDENTITY_KEY_BYTES),
  roomId: roomIdSchema,
  keyId: b64uBytes(KEY_ID_BYTES),
  epoch: epochSchema,
  ephemeralKey: b64uBytes(EPHEMERAL_KEY_BYTES),
  createdAt: timestampSchema,
  expiresAt: timestampSchema,
  signature: b64uBytes(SIGNATURE_BYTES)
});
export type WireKeyBundle = z.infer<typeof wireKeyBundleSchema>;

/** "My room key is now this one": carries the new bundle, signed again over the whole notice. */
export const wireRotationNoticeSchema = z.strictObject({
  v: z.literal(1),
  type: z.literal('rotate'),
  identityKey: b64uBytes(IDENTITY_KEY_BYTES),
  roomId: roomIdSchema,
  epoch: epochSchema,
  previousKeyId: b64uBytes(KEY_ID_BYTES),
  bundle: wireKeyBundleSchema,
  issuedAt: timestampSchema,
  signature: b64uBytes(SIGNATURE_BYTES)
});
export type WireRotationNotice = z.infer<typeof wireRotationNoticeSchema>;

/** "Stop using this key of mine": signed by the identity key, with an epoch that only grows. */
export const wireRevocationNoticeSchema = z.strictObject({
  v: z.literal(1),
  type: z.literal('revoke'),
  identityKey: b64uBytes(IDENTITY_KEY_BYTES),
  roomId: roomIdSchema,
  keyId: b64uBytes(KEY_ID_BYTES),
  epoch: epochSchema,
  issuedAt: timestampSchema,
  signature: b64uBytes(SIGNATURE_BYTES)
});
export type WireRevocationNotice = z.infer<typeof wireRevocationNoticeSchema>;

/** A DTLS certificate fingerprint as it appears in SDP: `sha-256 AB:CD:...`. */
export const dtlsFingerprintSchema = z.string().max(200).regex(/^sha-(1|224|256|384|512) ([0-9A-F]{2}:)*[0-9A-F]{2}$/);
