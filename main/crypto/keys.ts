// Key generation: the Ed25519 identity key pair and X25519 ephemeral room keys, with their 16-byte key ids.
import { KEY_ID_BYTES } from '../../protocol/keys';
import type { CryptoBackend } from './backend';
import { wipe } from './bytes';

export interface IdentityKeyPair { seed: Uint8Array; publicKey: Uint8Array }
export interface EphemeralKeyPair { secretKey: Uint8Array; publicKey: Uint8Array; keyId: Uint8Array }

export function generateIdentity(backend: CryptoBackend): IdentityKeyPair {
  const fast = backend.ed25519Generate?.();
  if (fast) return { seed: fast.secret, publicKey: fast.publicKey };
  const seed = backend.randomBytes(32);
  return { seed, publicKey: backend.ed25519PublicKey(seed) };
}

/** Rebuilds an identity from its stored seed (the seed is not copied: the caller owns it). */
export function identityFromSeed(backend: CryptoBackend, seed: Uint8Array): IdentityKeyPair {
  if (seed.length !== 32) throw new RangeError('identity seed must be 32 bytes');
  return { seed, publicKey: backend.ed25519PublicKey(seed) };
}

/** A fresh X25519 key pair and a random key id (independent of the key, so ids leak nothing). */
export function generateEphemeral(backend: CryptoBackend): EphemeralKeyPair {
  const fast = backend.x25519Generate?.();
  if (fast) return { secretKey: fast.secret, publicKey: fast.publicKey, keyId: backend.randomBytes(KEY_ID_BYTES) };
  const secretKey = backend.randomBytes(32);
  return { secretKey, publicKey: backend.x25519PublicKey(secretKey), keyId: backend.randomBytes(KEY_ID_BYTES) };
}

export function wipeIdentity(id: IdentityKeyPair | null | undefined, backend?: CryptoBackend): void {
  if (!id) return;
  backend?.forget?.(id.seed);
  wipe(id.seed);
}

export function wipeEphemeral(k: EphemeralKeyPair | null | undefined, backend?: CryptoBackend): void {
  if (!k) return;
  backend?.forget?.(k.secretKey);
  wipe(k.secretKey);
}
