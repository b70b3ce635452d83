// libsodium backend (sodium-native, N-API): Ed25519 behind the shared acceptance rule, X25519, ChaCha20-Poly1305 IETF, self-tested.
import { hkdfSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ctIsZero, ed25519Precheck, Ed25519PublicKeyCache, ZeroSharedSecretError, type Aead, type CryptoBackend } from '../crypto';
import { selfTestBackend } from './self-test';

export type SodiumApi = typeof import('sodium-native');

/** Loads the addon, or null when it is absent or its binary does not load on this platform. */
export function loadSodium(): SodiumApi | null {
  try {
    // CommonJS bundles (main, chunk worker) have __filename; ESM (tests) has import.meta.url.
    const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
    return createRequire(here)('sodium-native') as SodiumApi;
  } catch {
    return null;
  }
}

const TAG = 16;

/** ChaCha20-Poly1305 (IETF, 12-byte nonce) in libsodium, which checks the tag before it writes any plaintext. */
export function createSodiumAead(na: SodiumApi): Aead {
  return {
    name: 'sodium',
    seal(key, nonce, aad, plaintext) {
      const out = new Uint8Array(plaintext.length + TAG);
      na.crypto_aead_chacha20poly1305_ietf_encrypt(out, plaintext, aad, null, nonce, key);
      return out;
    },
    open(key, nonce, aad, sealed) {
      if (sealed.length < TAG) return null;
      const out = new Uint8Array(sealed.length - TAG);
      try {
        na.crypto_aead_chacha20poly1305_ietf_decrypt(out, null, sealed, aad, nonce, key);
      } catch {
        return null;
      }
      return out;
    }
  };
}

export function createSodiumBackend(na: SodiumApi): CryptoBackend {
  const edKeys = new Ed25519PublicKeyCache();
  // libsodium signs with the 64-byte expanded key (seed ‖ public); derived once per seed, wiped by forget().
  const expanded = new WeakMap<Uint8Array, { sk: Uint8Array; pk: Uint8Array }>();
  const keypair = (seed: Uint8Array) => {
    if (seed.length !== 32) throw new RangeError('Ed25519 seeds are 32 bytes');
    let kp = expanded.get(seed);
    if (!kp) {
      kp = { sk: new Uint8Array(64), pk: new Uint8Array(32) };
      na.crypto_sign_seed_keypair(kp.pk, kp.sk, seed);
      expanded.set(seed, kp);
    }
    return kp;
  };
  const x25519Public = (secret: Uint8Array) => {
    if (secret.length !== 32) throw new RangeError('X25519 keys are 32 bytes');
    const pub = new Uint8Array(32);
    na.crypto_scalarmult_base(pub, secret);
    return pub;
  };
  const random = (n: number) => {
    const out = new Uint8Array(n);
    na.randombytes_buf(out);
    return out;
  };
  return {
    name: 'sodium',
    randomBytes: random,
    ed25519PublicKey: (seed) => keypair(seed).pk.slice(),
    ed25519Sign(message, seed) {
      const sig = new Uint8Array(64);
      na.crypto_sign_detached(sig, message, keypair(seed).sk);
      return sig;
    },
    ed25519Verify(signature, message, publicKey) {
      if (signature.length !== 64 || publicKey.length !== 32) return false;
      try {
        // libsodium's own checks (canonical S, small-order R and A) are weaker than the rule; its equation is cofactorless.
        if (ed25519Precheck(signature, publicKey, edKeys) === null) return false;
        return na.crypto_sign_verify_detached(signature, message, publicKey) === true;
      } catch {
        return false;
      }
    },
    ed25519Generate() {
      const secret = random(32);
      return { secret, publicKey: keypair(secret).pk.slice() };
    },
    x25519PublicKey: x25519Public,
    x25519Generate() {
      const secret = random(32);
      return { secret, publicKey: x25519Public(secret) };
    },
    x25519(secret, publicKey) {
      if (secret.length !== 32 || publicKey.length !== 32) throw new RangeError('X25519 keys are 32 bytes');
      const shared = new Uint8Array(32);
      try {
        na.crypto_scalarmult(shared, secret, publicKey);
      } catch {
        throw new ZeroSharedSecretError();
      }
      if (ctIsZero(shared)) throw new ZeroSharedSecretError();
      return shared;
    },
    hkdfSha256: (ikm, salt, info, length) => new Uint8Array(hkdfSync('sha256', ikm, salt, info, length)),
    aead: createSodiumAead(na),
    forget(secret) {
      const kp = expanded.get(secret);
      if (kp) na.sodium_memzero(kp.sk);
      expanded.delete(secret);
    }
  };
}

/** The libsodium backend when sodium-native loads here and passes the self-test, else null. */
export function tryCreateSodiumBackend(load: () => SodiumApi | null = loadSodium): CryptoBackend | null {
  try {
    const na = load();
    if (!na) return null;
    const b = createSodiumBackend(na);
    return selfTestBackend(b) ? b : null;
  } catch {
    return null;
  }
}
