// Thin, strict wrappers over AEAD, HKDF and key agreement: the only doors through which the crypto layer uses them.
import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { nobleAead, type CryptoBackend } from './backend';

export const AEAD_KEY_BYTES = 32;
export const AEAD_TAG_BYTES = 16;
export type AeadAlgorithm = 'chacha20-poly1305' | 'xchacha20-poly1305';
const NONCE_BYTES: Record<AeadAlgorithm, number> = { 'chacha20-poly1305': 12, 'xchacha20-poly1305': 24 };

function cipher(alg: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array) {
  if (key.length !== AEAD_KEY_BYTES) throw new RangeError('AEAD key must be 32 bytes');
  if (nonce.length !== NONCE_BYTES[alg]) throw new RangeError(`${alg} nonce must be ${NONCE_BYTES[alg]} bytes`);
  return alg === 'chacha20-poly1305' ? chacha20poly1305(key, nonce, aad) : xchacha20poly1305(key, nonce, aad);
}

function checkSizes(alg: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== AEAD_KEY_BYTES) throw new RangeError('AEAD key must be 32 bytes');
  if (nonce.length !== NONCE_BYTES[alg]) throw new RangeError(`${alg} nonce must be ${NONCE_BYTES[alg]} bytes`);
}

/**
 * Returns ciphertext || 16-byte tag. Throws on a wrong key or nonce size. ChaCha20-Poly1305 goes through
 * `backend.aead` when the backend has one (same bytes, cross-checked against noble), else noble.
 */
export function aeadSeal(alg: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array,
  backend?: CryptoBackend): Uint8Array {
  checkSizes(alg, key, nonce);
  if (alg === 'chacha20-poly1305') return (backend?.aead ?? nobleAead).seal(key, nonce, aad, plaintext);
  return cipher(alg, key, nonce, aad).encrypt(plaintext);
}

/** Returns the plaintext, or null when the tag does not verify or the input is shorter than a tag. Throws on a wrong key or nonce size. */
export function aeadOpen(alg: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array,
  backend?: CryptoBackend): Uint8Array | null {
  checkSizes(alg, key, nonce);
  if (sealed.length < AEAD_TAG_BYTES) return null;
  if (alg === 'chacha20-poly1305') return (backend?.aead ?? nobleAead).open(key, nonce, aad, sealed);
  try {
    return cipher(alg, key, nonce, aad).decrypt(sealed);
  } catch {
    return null;
  }
}

/** HKDF-SHA-256 (RFC 5869), through the backend's fast path when it has one. Throws when `length` exceeds 255 × 32 bytes. */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number, backend?: CryptoBackend): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 255 * 32) throw new RangeError('HKDF output too long');
  if (length === 0) return new Uint8Array(0);
  return backend?.hkdfSha256 ? backend.hkdfSha256(ikm, salt, info, length) : hkdf(sha256, ikm, salt, info, length);
}

export { sha256 };

/** X25519 through the backend; throws ZeroSharedSecretError on an all-zero result. */
export function x25519Shared(backend: CryptoBackend, secret: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return backend.x25519(secret, publicKey);
}

/** Strict Ed25519 verification through the backend: never throws, false on any malformed input. */
export function ed25519Verify(backend: CryptoBackend, signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return backend.ed25519Verify(signature, message, publicKey);
  } catch {
    return false;
  }
}
