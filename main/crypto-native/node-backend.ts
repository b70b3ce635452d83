// Faster asymmetric backend over node:crypto (OpenSSL/BoringSSL) Ed25519/X25519, strictness-matched to noble's zip215: false.
import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ctIsZero, nobleBackend, ZeroSharedSecretError, type CryptoBackend } from '../crypto';
import { tryCreateNodeAead } from './node-aead';

const ED_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED_SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const X_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const X_SPKI = Buffer.from('302a300506032b656e032100', 'hex');
/** Group order L and field prime p of edwards25519, for the canonical-encoding checks. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;

function leToBig(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

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

/**
 * The encoding rules of noble's strict mode (RFC 8032 / zip215: false) for R, checked without point
 * arithmetic: S < L, canonical y < p, and no "negative zero" x (sign bit set when y = ±1 forces x = 0).
 */
function strictEncodingOk(signature: Uint8Array): boolean {
  if (leToBig(signature.subarray(32)) >= L) return false;
  const r = leToBig(signature.subarray(0, 32));
  const y = r & ((1n << 255n) - 1n);
  const signBit = r >> 255n;
  if (y >= P) return false;
  return !(signBit === 1n && (y === 1n || y === P - 1n));
}

export function createNodeBackend(): CryptoBackend {
  const edPub = new PublicKeyCache(ED_SPKI);
  const xPub = new PublicKeyCache(X_SPKI);
  // One cache per key type: the same bytes may be used as an Ed25519 seed and as an X25519 scalar.
  const privCaches = new Map<Buffer, WeakMap<Uint8Array, KeyObject>>([[ED_PKCS8, new WeakMap()], [X_PKCS8, new WeakMap()]]);
  const strictPub = new Map<string, boolean>();
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
  /** noble (zip215: false) rejects small-order and non-canonical A; decode once per key and cache the verdict. */
  const publicKeyOk = (pub: Uint8Array) => {
    const k = Buffer.from(pub).toString('hex');
    let ok = strictPub.get(k);
    if (ok === undefined) {
      try {
        const pt = ed25519.Point.fromBytes(pub, false);
        ok = !pt.isSmallOrder();
      } catch {
        ok = false;
      }
      if (strictPub.size >= 512) strictPub.delete(strictPub.keys().next().value!);
      strictPub.set(k, ok);
    }
    return ok;
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
      if (!strictEncodingOk(signature) || !publicKeyOk(publicKey)) return false;
      try {
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

/**
 * What the app uses: node:crypto Ed25519/X25519/HKDF when present (else noble), plus node:crypto's ChaCha20-Poly1305 when
 * `getCiphers()` lists it and its self-test passes (plain Node/OpenSSL), else noble's (Electron/BoringSSL).
 */
export function createDefaultBackend(): CryptoBackend {
  const base = tryCreateNodeBackend() ?? nobleBackend;
  const aead = tryCreateNodeAead();
  return aead ? { ...base, aead } : base;
}
