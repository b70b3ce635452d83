// The primitives the crypto layer needs (asymmetric, HKDF, AEAD) behind an injectable interface with a pure @noble default.
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { ctIsZero } from './bytes';
import { ed25519Precheck, Ed25519PublicKeyCache, nobleCofactorlessEquation } from './ed25519-rule';

/** Raised when a Diffie-Hellman result is all zero (low-order or malicious public key). */
export class ZeroSharedSecretError extends Error {
  constructor() {
    super('X25519 shared secret is all zero');
    this.name = 'ZeroSharedSecretError';
  }
}

/**
 * ChaCha20-Poly1305 (RFC 8439) with a 32-byte key, 12-byte nonce and 16-byte tag. `seal` returns ciphertext ‖ tag.
 * `open` returns the plaintext only after the tag verified, and null on any authentication failure (it must never
 * return or leak unauthenticated plaintext, and must not throw for a bad tag). Sizes are checked by the caller.
 */
export interface Aead {
  readonly name: string;
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null;
}

/** The pure @noble ChaCha20-Poly1305: the reference every other Aead is cross-checked against. */
export const nobleAead: Aead = {
  name: 'noble',
  seal: (key, nonce, aad, plaintext) => chacha20poly1305(key, nonce, aad).encrypt(plaintext),
  open(key, nonce, aad, sealed) {
    try {
      return chacha20poly1305(key, nonce, aad).decrypt(sealed);
    } catch {
      return null;
    }
  }
};

/**
 * Ed25519 keys are 32-byte seeds (RFC 8032 secret keys) and 32-byte public keys; X25519 keys are raw
 * 32-byte scalars and u-coordinates. Every implementation must apply the one Ed25519 acceptance rule (ed25519-rule.ts:
 * the shared pre-check, then the cofactorless equation), and `x25519` must throw ZeroSharedSecretError on an all-zero output.
 */
export interface CryptoBackend {
  readonly name: string;
  randomBytes(n: number): Uint8Array;
  ed25519PublicKey(seed: Uint8Array): Uint8Array;
  ed25519Sign(message: Uint8Array, seed: Uint8Array): Uint8Array;
  ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  x25519PublicKey(secret: Uint8Array): Uint8Array;
  x25519(secret: Uint8Array, publicKey: Uint8Array): Uint8Array;
  /** Optional fast paths: fresh key pairs (secret, public) and HKDF-SHA-256; the crypto layer falls back to the methods above / noble. */
  ed25519Generate?(): { secret: Uint8Array; publicKey: Uint8Array };
  x25519Generate?(): { secret: Uint8Array; publicKey: Uint8Array };
  hkdfSha256?(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /** Optional ChaCha20-Poly1305 fast path (e.g. node:crypto where it has the cipher and passed a self-test); else noble. */
  aead?: Aead;
  /** Lets a backend drop any cached copy of a secret key it derived from these bytes. */
  forget?(secret: Uint8Array): void;
}

const nobleKeys = new Ed25519PublicKeyCache();

/** The shared rule (ed25519-rule.ts), then the cofactorless equation in noble's point arithmetic. */
function ed25519VerifyNoble(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    const A = ed25519Precheck(signature, publicKey, nobleKeys);
    return A !== null && nobleCofactorlessEquation(signature, message, publicKey, A);
  } catch {
    return false;
  }
}

export const nobleBackend: CryptoBackend = {
  name: 'noble',
  randomBytes: (n) => randomBytes(n),
  ed25519PublicKey: (seed) => ed25519.getPublicKey(seed),
  ed25519Sign: (message, seed) => ed25519.sign(message, seed),
  ed25519Verify: ed25519VerifyNoble,
  x25519PublicKey: (secret) => x25519.getPublicKey(secret),
  x25519(secret, publicKey) {
    if (secret.length !== 32 || publicKey.length !== 32) throw new RangeError('X25519 keys are 32 bytes');
    let shared: Uint8Array;
    try {
      shared = x25519.getSharedSecret(secret, publicKey);
    } catch {
      throw new ZeroSharedSecretError();
    }
    if (ctIsZero(shared)) throw new ZeroSharedSecretError();
    return shared;
  }
};
