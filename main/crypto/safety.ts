// Safety numbers after Signal's numeric fingerprint: 60 digits from two iterated SHA-512 hashes, plus a QR payload.
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, u16be } from './bytes';

export const SAFETY_VERSION = 0;
export const SAFETY_ITERATIONS = 5200;
export const SAFETY_QR_PREFIX = 'veil-safety:v1:';

/** 30 digits for one party: SHA-512 iterated 5200 times from version‖key‖stableId, then six 5-byte chunks mod 100000. */
export function partyDigits(identityKey: Uint8Array, stableId: Uint8Array): string {
  // As Signal's NumericFingerprintGenerator: start from the raw concatenation, then hash = SHA-512(hash ‖ key), 5200 times.
  let hash = concatBytes(u16be(SAFETY_VERSION), identityKey, stableId);
  for (let i = 0; i < SAFETY_ITERATIONS; i++) hash = sha512(concatBytes(hash, identityKey));
  let out = '';
  for (let i = 0; i < 6; i++) {
    let v = 0;
    for (let j = 0; j < 5; j++) v = v * 256 + hash[i * 5 + j]!;
    out += String(v % 100000).padStart(5, '0');
  }
  return out;
}

export interface SafetyNumberResult { digits: string; groups: string[]; qrPayload: string }

/**
 * Both parties compute the same 60 digits: the two 30-digit halves in ascending order.
 * The stable id of a party is its identity key itself (display names are untrusted labels).
 */
export function safetyNumber(mine: Uint8Array, theirs: Uint8Array): SafetyNumberResult {
  const a = partyDigits(mine, mine);
  const b = partyDigits(theirs, theirs);
  const digits = a < b ? a + b : b + a;
  const groups = digits.match(/.{5}/g) ?? [];
  return { digits, groups, qrPayload: SAFETY_QR_PREFIX + digits };
}
