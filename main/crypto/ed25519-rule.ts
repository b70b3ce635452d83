// The one Ed25519 acceptance rule every backend applies before its own cofactorless equation, plus noble's version of that equation.
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, concatBytes } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ctEqual } from './bytes';

type EdPoint = InstanceType<typeof ed25519.Point>;
const Point = ed25519.Point;
const L = Point.Fn.ORDER;
const P = Point.Fp.ORDER;
const Y_MASK = (1n << 255n) - 1n;

/**
 * The canonical encodings of the eight points of order dividing 8 (the 8-torsion subgroup). Once an encoding is
 * known canonical, comparing bytes against this list is an exact small-order test with no point decoding.
 */
const SMALL_ORDER_ENCODINGS: readonly string[] = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85'
];
export const ED25519_SMALL_ORDER_ENCODINGS = SMALL_ORDER_ENCODINGS;

/** y < p, and no sign bit on x = 0 (the only points with x = 0 have y = 1 or y = p − 1). */
export function isCanonicalPointEncoding(enc: Uint8Array): boolean {
  if (enc.length !== 32) return false;
  const v = bytesToNumberLE(enc);
  const y = v & Y_MASK;
  if (y >= P) return false;
  return !(v >> 255n === 1n && (y === 1n || y === P - 1n));
}

/** The parts of the rule that read only the signature bytes: S < L, R canonical and not of small order. */
export function signatureEncodingOk(signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  if (bytesToNumberLE(signature.subarray(32)) >= L) return false;
  const r = signature.subarray(0, 32);
  return isCanonicalPointEncoding(r) && !SMALL_ORDER_ENCODINGS.includes(bytesToHex(r));
}

/**
 * Decoded, accepted public keys: canonical, on the curve, not of small order, and with no torsion component at all
 * (a full [L]A = O check, once per key). A torsion-free A also forces R into the prime-order subgroup whenever the
 * cofactorless equation holds, since [S]B − [k]A then lies in it. Bounded FIFO; holds public data only.
 */
export class Ed25519PublicKeyCache {
  private readonly map = new Map<string, EdPoint | null>();
  constructor(private readonly max = 512) {}

  /** The decoded point when the key is acceptable, else null. */
  get(publicKey: Uint8Array): EdPoint | null {
    if (publicKey.length !== 32) return null;
    const key = bytesToHex(publicKey);
    const hit = this.map.get(key);
    if (hit !== undefined) return hit;
    let point: EdPoint | null = null;
    if (isCanonicalPointEncoding(publicKey)) {
      try {
        const p = Point.fromBytes(publicKey, false);
        point = !p.isSmallOrder() && p.isTorsionFree() ? p : null;
      } catch {
        point = null;
      }
    }
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, point);
    return point;
  }
}

/** The whole shared pre-check: everything of the rule except the equation. Returns the decoded A, or null to reject. */
export function ed25519Precheck(signature: Uint8Array, publicKey: Uint8Array, keys: Ed25519PublicKeyCache): EdPoint | null {
  if (!signatureEncodingOk(signature)) return null;
  return keys.get(publicKey);
}

/**
 * The cofactorless equation [S]B = R + [k]A with k = SHA-512(R ‖ A ‖ M) mod L, checked as OpenSSL and libsodium do:
 * encode [S]B − [k]A and compare it with the R bytes. Call only after ed25519Precheck accepted (S < L, A decoded).
 */
export function nobleCofactorlessEquation(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array, A: EdPoint): boolean {
  const r = signature.subarray(0, 32);
  const s = bytesToNumberLE(signature.subarray(32));
  const k = Point.Fn.create(bytesToNumberLE(sha512(concatBytes(r, publicKey, message))));
  const expectedR = Point.BASE.multiplyUnsafe(s).subtract(A.multiplyUnsafe(k));
  return ctEqual(expectedR.toBytes(), r);
}
