// Link binding: HMAC-SHA-256 under a key derived from one session direction, over room, identities, key pairs, DTLS fingerprints and the SDP answered.
import { hmac } from '@noble/hashes/hmac.js';
import type { CryptoBackend } from './backend';
import { concatBytes, ctEqual, lp8, u32be, u8, utf8, wipe } from './bytes';
import { hkdfSha256, sha256 } from './primitives';
import { LINK_BINDING_MAC_BYTES, LINK_SDP_DIGEST_BYTES } from '../../protocol/link';

export { LINK_BINDING_MAC_BYTES, LINK_SDP_DIGEST_BYTES };

export const LINK_BINDING_KEY_INFO = 'veil/v1/link-binding-key\0';
export const LINK_BINDING_LABEL = 'veil/v1/link-binding\0';
export const LINK_ROLE_BYTE = { offer: 1, answer: 2, confirm: 3 } as const;

export interface LinkTranscript {
  role: 'offer' | 'answer' | 'confirm';
  roomId: string;
  senderIdentityKey: Uint8Array; recipientIdentityKey: Uint8Array;
  senderKeyId: Uint8Array; senderEpoch: number;
  recipientKeyId: Uint8Array; recipientEpoch: number;
  /** `sha-256 AB:CD:…` as in SDP. */
  senderFingerprint: string;
  /** The other side's fingerprint; empty in an offer. */
  recipientFingerprint: string;
  /** Answer only: SHA-256 of the offer SDP as the answerer received it (absent in an offer or confirm). */
  offerDigest?: Uint8Array;
  /** Confirm only: SHA-256 of the answer SDP as the offerer received it (absent in an offer or answer). */
  answerDigest?: Uint8Array;
}

/** The one digest a role binds: an answer the offer's, a confirm the answer's, an offer none; RangeError on any other mix. */
function boundDigest(t: LinkTranscript): Uint8Array | undefined {
  const want = t.role === 'answer' ? t.offerDigest : t.role === 'confirm' ? t.answerDigest : undefined;
  const stray = t.role === 'answer' ? t.answerDigest : t.role === 'confirm' ? t.offerDigest : (t.offerDigest ?? t.answerDigest);
  if (stray !== undefined) throw new RangeError('an offer binds no digest, an answer only the offer digest, a confirm only the answer digest');
  if (t.role !== 'offer' && want?.length !== LINK_SDP_DIGEST_BYTES) throw new RangeError(`a ${t.role} binds a 32-byte SDP digest`);
  return want;
}

/** The exact bytes the MAC covers (docs/PROTOCOL.md, "Link binding"). Throws RangeError on a wrong field size. */
export function linkTranscript(t: LinkTranscript): Uint8Array {
  if (t.senderIdentityKey.length !== 32 || t.recipientIdentityKey.length !== 32) throw new RangeError('identity keys are 32 bytes');
  if (t.senderKeyId.length !== 16 || t.recipientKeyId.length !== 16) throw new RangeError('key ids are 16 bytes');
  if (t.role === 'offer' && t.recipientFingerprint !== '') throw new RangeError('an offer binds no recipient fingerprint');
  if (t.role !== 'offer' && t.recipientFingerprint === '') throw new RangeError('an answer or confirm binds both fingerprints');
  const digest = boundDigest(t);
  const base = concatBytes(utf8(LINK_BINDING_LABEL), u8(LINK_ROLE_BYTE[t.role]), lp8(t.roomId), t.senderIdentityKey, t.recipientIdentityKey,
    t.senderKeyId, u32be(t.senderEpoch), t.recipientKeyId, u32be(t.recipientEpoch), lp8(t.senderFingerprint), lp8(t.recipientFingerprint));
  return digest ? concatBytes(base, digest) : base;
}

/** HKDF-SHA-256(ikm = the direction's session key, salt = empty, info = label): never the session key itself. */
export function linkBindingKey(directionKey: Uint8Array, backend?: CryptoBackend): Uint8Array {
  if (directionKey.length !== 32) throw new RangeError('session direction keys are 32 bytes');
  return hkdfSha256(directionKey, new Uint8Array(0), utf8(LINK_BINDING_KEY_INFO), 32, backend);
}

/** The sender's MAC, keyed from its send key; the bind key is wiped before returning. */
export function linkBindingMac(sendKey: Uint8Array, t: LinkTranscript, backend?: CryptoBackend): Uint8Array {
  const transcript = linkTranscript(t);
  const key = linkBindingKey(sendKey, backend);
  try {
    return hmac(sha256, key, transcript);
  } finally {
    wipe(key);
  }
}

/** The receiver's check, keyed from its receive key (= the sender's send key); constant-time compare. */
export function verifyLinkBindingMac(recvKey: Uint8Array, t: LinkTranscript, mac: Uint8Array, backend?: CryptoBackend): boolean {
  if (mac.length !== LINK_BINDING_MAC_BYTES) return false;
  let expected: Uint8Array;
  try {
    expected = linkBindingMac(recvKey, t, backend);
  } catch {
    return false;
  }
  const ok = ctEqual(expected, mac);
  wipe(expected);
  return ok;
}
