// Faster asymmetric backend over node:crypto (OpenSSL/BoringSSL) Ed25519/X25519, behind the shared Ed25519 acceptance rule.
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { ctIsZero, ed25519Precheck, Ed25519PublicKeyCache, ZeroSharedSecretError, type CryptoBackend } from '../crypto';

const ED_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED_SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const X_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const X_SPKI = Buffer.from('302a300506032b656e032100', 'hex');
/** Small cache of public KeyObjects (public data only), bounded so memory stays flat. */
class PublicKeyCache {
  private readonly map = new Map<string, KeyObject>();
  constructor(private readonly prefix: Buffer, private readonly max = 512) {}
  get(raw: Uint8Array): KeyObject {
    const k = Buffer.from(raw).toString('hex');
    let ko = this.map.get(k);
    if (!ko) {
      ko = createPublicKey({ key: Buffer.concat([this.prefix, raw]), format: 'der', type: 'spki' });
      if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
      this.map.set(k, ko);
    }
    return ko;
  }
}

export function createNodeBackend(): CryptoBackend {
  const edPub = new PublicKeyCache(ED_SPKI);
  const xPub = new PublicKeyCache(X_SPKI);
  // One cache per key type: the same bytes may be used as an Ed25519 seed and as an X25519 scalar.
  const privCaches = new Map<Buffer, WeakMap<Uint8Array, KeyObject>>([[ED_PKCS8, new WeakMap()], [X_PKCS8, new WeakMap()]]);
  const edKeys = new Ed25519PublicKeyCache();
  const priv = (seed: Uint8Array, prefix: Buffer) => {
    const privCache = privCaches.get(prefix)!;
    let ko = privCache.get(seed);
    if (!ko) {
      const der = Buffer.concat([prefix, seed]);
      ko = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
      der.fill(0);
      privCache.set(seed, ko);
    }
    return ko;
  };
  /** A fresh pair from OpenSSL; raw halves read from the JWK export (d = secret, x = public). */
  const generate = (type: 'ed25519' | 'x25519', prefix: Buffer) => {
    const { privateKey } = generateKeyPairSync(type as 'ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    const secret = new Uint8Array(Buffer.from(jwk.d!, 'base64url'));
    privCaches.get(prefix)!.set(secret, privateKey);
    return { secret, publicKey: new Uint8Array(Buffer.from(jwk.x!, 'base64url')) };
  };
  return {
    name: 'node',
    ed25519Generate: () => generate('ed25519', ED_PKCS8),
    x25519Generate: () => generate('x25519', X_PKCS8),
    hkdfSha256: (ikm, salt, info, length) => new Uint8Array(hkdfSync('sha256', ikm, salt, info, length)),
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    ed25519PublicKey(seed) {
      const spki = createPublicKey(priv(seed, ED_PKCS8)).export({ format: 'der', type: 'spki' });
      return new Uint8Array(spki.subarray(spki.length - 32));
    },
    ed25519Sign: (message, seed) => new Uint8Array(sign(null, message, priv(seed, ED_PKCS8))),
    ed25519Verify(signature, message, publicKey) {
      if (signature.length !== 64 || publicKey.length !== 32) return false;
      // The shared rule first (OpenSSL alone accepts e.g. A = R = identity, S = 0); OpenSSL's equation is cofactorless.
      try {
        if (ed25519Precheck(signature, publicKey, edKeys) === null) return false;
        return verify(null, message, edPub.get(publicKey), signature);
      } catch {
        return false;
      }
    },
    x25519PublicKey(secret) {
      const spki = createPublicKey(priv(secret, X_PKCS8)).export({ format: 'der', type: 'spki' });
      return new Uint8Array(spki.subarray(spki.length - 32));
    },
    x25519(secret, publicKey) {
      if (secret.length !== 32 || publicKey.length !== 32) throw new RangeError('X25519 keys are 32 bytes');
      let shared: Uint8Array;
      try {
        shared = new Uint8Array(diffieHellman({ privateKey: priv(secret, X_PKCS8), publicKey: xPub.get(publicKey) }));
      } catch {
        throw new ZeroSharedSecretError();
      }
      if (ctIsZero(shared)) throw new ZeroSharedSecretError();
      return shared;
    },
    forget(secret) {
      for (const c of privCaches.values()) c.delete(secret);
    }
  };
}

/** The node backend when node:crypto has Ed25519 and X25519 here, else null (callers fall back to noble). */
export function tryCreateNodeBackend(): CryptoBackend | null {
  try {
    const b = createNodeBackend();
    const seed = new Uint8Array(32).fill(7);
    const sig = b.ed25519Sign(new Uint8Array(1), seed);
    if (!b.ed25519Verify(sig, new Uint8Array(1), b.ed25519PublicKey(seed))) return null;
    b.x25519(seed, b.x25519PublicKey(new Uint8Array(32).fill(9)));
    b.forget?.(seed);
    return b;
  } catch {
    return null;
  }
}
