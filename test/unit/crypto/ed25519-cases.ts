// Crafted Ed25519 edge cases (torsion in R or A, identity, non-canonical encodings, S >= L) built with noble's Point API.
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, concatBytes, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { fromHex } from '../../../protocol/encoding';

const Point = ed25519.Point;
const L = Point.Fn.ORDER;
const P = Point.Fp.ORDER;

export interface CraftedCase { name: string; sig: Uint8Array; msg: Uint8Array; pub: Uint8Array; valid: boolean }

const h = (s: string) => fromHex(s)!;
/** The order-8 point whose multiples 0..7 are the whole 8-torsion subgroup. */
export const T8 = Point.fromBytes(h('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a'));
export const torsionPoints = (): (typeof T8)[] => Array.from({ length: 8 }, (_, i) => (i === 0 ? Point.ZERO : T8.multiplyUnsafe(BigInt(i))));

const challenge = (r: Uint8Array, a: Uint8Array, m: Uint8Array) => Point.Fn.create(bytesToNumberLE(sha512(concatBytes(r, a, m))));
const le32 = (n: bigint) => numberToBytesLE(n, 32);
const sigOf = (r: Uint8Array, s: bigint) => concatBytes(r, le32(s));
/** y as a 32-byte encoding with a chosen sign bit, canonical or not (y may be >= p). */
const encodeY = (y: bigint, sign: 0 | 1) => {
  const b = le32(y);
  b[31]! |= sign << 7;
  return b;
};

export function craftedCases(): CraftedCase[] {
  const seed = new Uint8Array(32).fill(0x42);
  const { scalar: a, pointBytes: A } = ed25519.utils.getExtendedPublicKey(seed);
  const msg = new TextEncoder().encode('veil ed25519 edge case');
  const out: CraftedCase[] = [];
  const good = ed25519.sign(msg, seed);
  out.push({ name: 'control: an honest signature', sig: good, msg, pub: A, valid: true });

  // R of small order, S = k·a: [8S]B = [8k]A holds (cofactored passes); cofactorless passes only for R = identity.
  torsionPoints().forEach((t, i) => {
    const r = t.toBytes();
    out.push({ name: `small-order R = ${i}·T8 with S = k·a`, sig: sigOf(r, Point.Fn.mul(challenge(r, A, msg), a)), msg, pub: A, valid: false });
  });

  // Mixed-order R = [r]B + T: passes the cofactored equation, never the cofactorless one.
  const nonce = 0x1234567890abcdefn;
  for (const i of [1, 2, 4]) {
    const R = Point.BASE.multiply(nonce).add(T8.multiplyUnsafe(BigInt(i))).toBytes();
    const s = Point.Fn.add(nonce, Point.Fn.mul(challenge(R, A, msg), a));
    out.push({ name: `mixed-order R = [r]B + ${i}·T8`, sig: sigOf(R, s), msg, pub: A, valid: false });
  }

  // Mixed-order A = [a]B + T8 with a message whose k ≡ 0 (mod 8): even the cofactorless equation holds.
  const A2 = Point.BASE.multiply(a).add(T8).toBytes();
  for (let n = 0; ; n++) {
    const m = new TextEncoder().encode(`mixed-order key ${n}`);
    const R = Point.BASE.multiply(nonce).toBytes();
    const k = challenge(R, A2, m);
    if (k % 8n !== 0n) continue;
    out.push({ name: 'mixed-order A = [a]B + T8 (k ≡ 0 mod 8, so [S]B = R + [k]A holds)', sig: sigOf(R, Point.Fn.add(nonce, Point.Fn.mul(k, a))), msg: m, pub: A2, valid: false });
    break;
  }

  // Small-order A (every 8-torsion point), with R = identity and S = 0: "verifies" any message cofactorless for A = identity.
  torsionPoints().forEach((t, i) => {
    out.push({ name: `small-order A = ${i}·T8, R = identity, S = 0`, sig: sigOf(Point.ZERO.toBytes(), 0n), msg, pub: t.toBytes(), valid: false });
  });
  const id = Point.ZERO.toBytes();
  out.push({ name: 'identity A = R, S = 0', sig: sigOf(id, 0n), msg: new Uint8Array(0), pub: id, valid: false });

  // Non-canonical encodings: the identity with y + p and with the sign bit of x = 0 set, and y >= p for R and A.
  const idPlusP = encodeY(1n + P, 0);
  const idNegZero = encodeY(1n, 1);
  for (const [label, enc] of [['y = 1 + p', idPlusP], ['y = 1, sign of x = 0 set', idNegZero], ['y = 2^255 - 1', encodeY(2n ** 255n - 1n, 0)]] as const) {
    out.push({ name: `non-canonical A (${label}), R = identity, S = 0`, sig: sigOf(id, 0n), msg, pub: enc, valid: false });
    out.push({ name: `non-canonical R (${label}), S = k·a`, sig: sigOf(enc, Point.Fn.mul(challenge(enc, A, msg), a)), msg, pub: A, valid: false });
  }
  // Non-canonical R for a point with small y: -1 (order 2) encoded as p - 1 + p is above 2^255, so use y = 0 + p (order 4).
  const y0PlusP = encodeY(P, 0);
  out.push({ name: 'non-canonical R (order-4 point, y = p), S = k·a', sig: sigOf(y0PlusP, Point.Fn.mul(challenge(y0PlusP, A, msg), a)), msg, pub: A, valid: false });

  // S = L and S = S + L (same residue, non-canonical), and S = 2^256 - 1.
  const R0 = good.subarray(0, 32);
  const s0 = bytesToNumberLE(good.subarray(32));
  out.push({ name: 'S = L', sig: sigOf(R0, L), msg, pub: A, valid: false });
  if (s0 + L < 2n ** 256n) out.push({ name: 'S + L (same residue)', sig: sigOf(R0, s0 + L), msg, pub: A, valid: false });
  out.push({ name: 'S = 2^256 - 1', sig: sigOf(R0, 2n ** 256n - 1n), msg, pub: A, valid: false });
  return out;
}
