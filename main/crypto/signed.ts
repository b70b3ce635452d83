// Canonical signed byte layouts (with domain-separation labels) of bundles and notices.
import { fromB64u, toB64u } from '../../protocol/encoding';
import { HELD_NOTICE_LABEL, type WireHeldNotice } from '../../protocol/held-notice';
import { JOIN_PROOF_LABEL, joinProofBytes, type JoinProofFields } from '../../protocol/join-proof';
import { EPHEMERAL_KEY_BYTES, IDENTITY_KEY_BYTES, KEY_ID_BYTES, SIGNATURE_BYTES, type WireKeyBundle,
  type WireRevocationNotice, type WireRotationNotice } from '../../protocol/keys';
import type { CryptoBackend } from './backend';
import { concatBytes, lp8, u32be, u64be, utf8 } from './bytes';
import { ed25519Verify } from './primitives';

/** Labels end in a zero byte, so no label is a prefix of another message kind. */
export const LABELS = {
  bundle: 'veil/v1/key-bundle\0',
  rotate: 'veil/v1/rotate\0',
  revoke: 'veil/v1/revoke\0',
  envelope: 'veil/v1/envelope-sig\0',
  joinProof: JOIN_PROOF_LABEL,
  held: HELD_NOTICE_LABEL
} as const;

/** Decodes a base64url field to exactly `n` bytes, or throws a SignedFormatError. */
export function decodeField(text: string, n: number, what: string): Uint8Array {
  const b = fromB64u(text);
  if (!b || b.length !== n) throw new SignedFormatError(`${what} must be ${n} bytes of base64url`);
  return b;
}

export class SignedFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignedFormatError';
  }
}

export type UnsignedBundle = Omit<WireKeyBundle, 'signature'>;
export type UnsignedRotation = Omit<WireRotationNotice, 'signature'>;
export type UnsignedRevocation = Omit<WireRevocationNotice, 'signature'>;
export type UnsignedHeldNotice = Omit<WireHeldNotice, 'signature'>;

export function bundleBytes(b: UnsignedBundle): Uint8Array {
  return concatBytes(utf8(LABELS.bundle), u32be(b.v), decodeField(b.identityKey, IDENTITY_KEY_BYTES, 'identityKey'), lp8(b.roomId),
    decodeField(b.keyId, KEY_ID_BYTES, 'keyId'), u32be(b.epoch), decodeField(b.ephemeralKey, EPHEMERAL_KEY_BYTES, 'ephemeralKey'),
    u64be(b.createdAt), u64be(b.expiresAt));
}

/** The rotation notice covers the whole new bundle including its signature. */
export function rotationBytes(n: UnsignedRotation): Uint8Array {
  return concatBytes(utf8(LABELS.rotate), u32be(n.v), decodeField(n.identityKey, IDENTITY_KEY_BYTES, 'identityKey'), lp8(n.roomId),
    u32be(n.epoch), decodeField(n.previousKeyId, KEY_ID_BYTES, 'previousKeyId'), bundleBytes(n.bundle),
    decodeField(n.bundle.signature, SIGNATURE_BYTES, 'bundle.signature'), u64be(n.issuedAt));
}

export function revocationBytes(n: UnsignedRevocation): Uint8Array {
  return concatBytes(utf8(LABELS.revoke), u32be(n.v), decodeField(n.identityKey, IDENTITY_KEY_BYTES, 'identityKey'), lp8(n.roomId),
    decodeField(n.keyId, KEY_ID_BYTES, 'keyId'), u32be(n.epoch), u64be(n.issuedAt));
}

/** `label(20) ‖ u32 v ‖ signer(32) ‖ lp8(roomId) ‖ subject(32) ‖ subjectKeyId(16) ‖ u64 issuedAt`: 113 + r bytes. */
export function heldNoticeBytes(n: UnsignedHeldNotice): Uint8Array {
  return concatBytes(utf8(LABELS.held), u32be(n.v), decodeField(n.signer, IDENTITY_KEY_BYTES, 'signer'), lp8(n.roomId),
    decodeField(n.subject, IDENTITY_KEY_BYTES, 'subject'), decodeField(n.subjectKeyId, KEY_ID_BYTES, 'subjectKeyId'), u64be(n.issuedAt));
}

function sign(backend: CryptoBackend, seed: Uint8Array, bytes: Uint8Array): string {
  return toB64u(backend.ed25519Sign(bytes, seed));
}

/** True only when the signature verifies (strictly) under the object's own identityKey. */
function verifyWith(backend: CryptoBackend, identityKey: string, signature: string, bytes: () => Uint8Array): boolean {
  try {
    const pub = decodeField(identityKey, IDENTITY_KEY_BYTES, 'identityKey');
    const sig = decodeField(signature, SIGNATURE_BYTES, 'signature');
    return ed25519Verify(backend, sig, bytes(), pub);
  } catch {
    return false;
  }
}

/** The join proof for the signaling server: only ever this labelled layout (protocol/join-proof.ts). */
export function signJoinProof(backend: CryptoBackend, seed: Uint8Array, f: JoinProofFields): string {
  let bytes: Uint8Array;
  try { bytes = joinProofBytes(f); } catch (err) { throw new SignedFormatError((err as Error).message); }
  return sign(backend, seed, bytes);
}

export function signBundle(backend: CryptoBackend, seed: Uint8Array, b: UnsignedBundle): WireKeyBundle {
  return { ...b, signature: sign(backend, seed, bundleBytes(b)) };
}
export function verifyBundle(backend: CryptoBackend, b: WireKeyBundle): boolean {
  return verifyWith(backend, b.identityKey, b.signature, () => bundleBytes(b));
}
export function signRotation(backend: CryptoBackend, seed: Uint8Array, n: UnsignedRotation): WireRotationNotice {
  return { ...n, signature: sign(backend, seed, rotationBytes(n)) };
}
export function verifyRotation(backend: CryptoBackend, n: WireRotationNotice): boolean {
  return verifyWith(backend, n.identityKey, n.signature, () => rotationBytes(n));
}
export function signRevocation(backend: CryptoBackend, seed: Uint8Array, n: UnsignedRevocation): WireRevocationNotice {
  return { ...n, signature: sign(backend, seed, revocationBytes(n)) };
}
export function verifyRevocation(backend: CryptoBackend, n: WireRevocationNotice): boolean {
  return verifyWith(backend, n.identityKey, n.signature, () => revocationBytes(n));
}

export function signHeldNotice(backend: CryptoBackend, seed: Uint8Array, n: UnsignedHeldNotice): WireHeldNotice {
  return { ...n, signature: sign(backend, seed, heldNoticeBytes(n)) };
}
/** True only when the signature verifies (strictly) under the notice's own `signer`; the caller checks who that must be. */
export function verifyHeldNotice(backend: CryptoBackend, n: WireHeldNotice): boolean {
  return verifyWith(backend, n.signer, n.signature, () => heldNoticeBytes(n));
}
