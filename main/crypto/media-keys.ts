// SFU media key schedule: the join ratchet of a base key, and the wrap key that seals media-key messages on a pairwise session.
import type { CryptoBackend } from './backend';
import { utf8 } from './bytes';
import { hkdfSha256 } from './primitives';

/** Labels end in a zero byte, like every other Veil label (main/crypto/signed.ts). */
export const MEDIA_KEY_LABELS = {
  ratchet: 'veil/v1/media-ratchet\0',
  wrap: 'veil/v1/media-key-wrap\0'
} as const;
export const MEDIA_BASE_KEY_BYTES = 32;
const EMPTY = new Uint8Array(0);

/** next = HKDF-SHA256(ikm = current, salt = empty, info = ratchet label, 32): one-way, so a newcomer cannot go back. */
export function ratchetBaseKey(backend: CryptoBackend, current: Uint8Array): Uint8Array {
  if (current.length !== MEDIA_BASE_KEY_BYTES) throw new RangeError('media base keys are 32 bytes');
  return hkdfSha256(current, EMPTY, utf8(MEDIA_KEY_LABELS.ratchet), MEDIA_BASE_KEY_BYTES, backend);
}

/** A fresh random base key: nothing links it to any earlier one. */
export function freshBaseKey(backend: CryptoBackend): Uint8Array {
  return backend.randomBytes(MEDIA_BASE_KEY_BYTES);
}

/**
 * The key that seals media-key messages in one direction of a pairwise session: HKDF-SHA256(ikm = that direction's
 * session key, salt = empty, info = wrap label, 32). Separate from the chat key, so a media-key envelope never opens
 * as a chat message (`message:open` would hand its plaintext to the page) and a chat envelope never opens as a key.
 */
export function mediaKeyWrapKey(backend: CryptoBackend, sessionDirectionKey: Uint8Array): Uint8Array {
  if (sessionDirectionKey.length !== 32) throw new RangeError('session keys are 32 bytes');
  return hkdfSha256(sessionDirectionKey, EMPTY, utf8(MEDIA_KEY_LABELS.wrap), 32, backend);
}
