// Join proofs on the server: per-socket single-use challenges and strict Ed25519 verification of the signed layout.
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { fromB64u, toB64u } from '../protocol/encoding';
import { JOIN_CHALLENGE_BYTES, JOIN_CHALLENGE_TTL_MS, joinProofBytes, JoinProofFormatError } from '../protocol/join-proof';

const ED_SPKI = Buffer.from('302a300506032b6570032100', 'hex');
/** Group order L and field prime p of edwards25519, for the canonical-encoding checks. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;

export interface Challenge { bytes: Buffer; expiresAt: number }

export function issueChallenge(now: number): Challenge {
  return { bytes: randomBytes(JOIN_CHALLENGE_BYTES), expiresAt: now + JOIN_CHALLENGE_TTL_MS };
}
export const challengeText = (c: Challenge) => toB64u(c.bytes);

function leToBig(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

/** Verdicts on public keys (public data only), bounded: the torsion check costs about one noble verification. */
const keyVerdicts = new Map<string, boolean>();

/** Step 4 of the rule: A canonical, on the curve, not of small order and torsion-free ([L]A = O). */
function publicKeyOk(publicKey: Uint8Array): boolean {
  const id = Buffer.from(publicKey).toString('hex');
  let ok = keyVerdicts.get(id);
  if (ok === undefined) {
    try {
      const a = ed25519.Point.fromBytes(publicKey, false);
      ok = !a.isSmallOrder() && a.isTorsionFree();
    } catch {
      ok = false;
    }
    if (keyVerdicts.size >= 512) keyVerdicts.delete(keyVerdicts.keys().next().value!);
    keyVerdicts.set(id, ok);
  }
  return ok;
}

/**
 * Main's Ed25519 acceptance rule (docs/PROTOCOL.md §1): S < L; R canonical (y < p, no negative zero) and not of
 * small order; A canonical, not of small order and torsion-free; then OpenSSL's cofactorless equation.
 */
export function strictEd25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  if (leToBig(signature.subarray(32)) >= L) return false;
  const r = leToBig(signature.subarray(0, 32));
  const y = r & ((1n << 255n) - 1n);
  if (y >= P || (r >> 255n === 1n && (y === 1n || y === P - 1n))) return false;
  try {
    // An R that does not decode can never satisfy the equation; refusing it here gives the same verdict.
    if (ed25519.Point.fromBytes(signature.subarray(0, 32), false).isSmallOrder()) return false;
    if (!publicKeyOk(publicKey)) return false;
    const key = createPublicKey({ key: Buffer.concat([ED_SPKI, publicKey]), format: 'der', type: 'spki' });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

export type ProofFailure = 'proof-missing' | 'proof-no-challenge' | 'proof-expired' | 'proof-origin' | 'proof-invalid';

export interface ProofInput { identityKey: string; roomId: string; origin?: string | undefined; keyId: string; proof?: string | undefined }

/**
 * Checks a join proof over the socket's outstanding challenge (the caller has already taken it, so a challenge
 * is consumed by any attempt) and one of the server's origins. Returns null when it holds.
 */
export function checkJoinProof(held: Challenge | undefined, now: number, origins: ReadonlySet<string>, p: ProofInput): ProofFailure | null {
  if (p.proof === undefined || p.origin === undefined) return 'proof-missing';
  if (!held) return 'proof-no-challenge';
  if (now >= held.expiresAt) return 'proof-expired';
  if (!origins.has(p.origin)) return 'proof-origin';
  const sig = fromB64u(p.proof);
  const pub = fromB64u(p.identityKey);
  if (!sig || !pub) return 'proof-invalid';
  let message: Uint8Array;
  try {
    message = joinProofBytes({ identityKey: p.identityKey, challenge: toB64u(held.bytes), roomId: p.roomId, origin: p.origin, keyId: p.keyId });
  } catch (err) {
    if (err instanceof JoinProofFormatError) return 'proof-invalid';
    throw err;
  }
  return strictEd25519Verify(sig, message, pub) ? null : 'proof-invalid';
}
