// Pairwise session key derivation: X25519 of both ephemerals, HKDF-SHA-256 over both identities, both ephemerals and the room.
import type { CryptoBackend } from './backend';
import { concatBytes, lp8, utf8, wipe } from './bytes';
import type { EphemeralKeyPair } from './keys';
import { hkdfSha256, x25519Shared } from './primitives';

export const SESSION_SALT_LABEL = 'veil/v1/session-salt\0';
export const SESSION_INFO_LABEL = 'veil/v1/session\0';

export interface PartyKeys { identityKey: Uint8Array; ephemeralKey: Uint8Array; keyId: Uint8Array }
export interface SessionKeys { sendKey: Uint8Array; recvKey: Uint8Array }

/** Lexicographic byte order; ties broken by length. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

const partyBytes = (p: PartyKeys) => concatBytes(p.identityKey, p.ephemeralKey, p.keyId);

/** The HKDF info string: label, room, then the two parties in canonical (sorted) order. */
export function sessionInfo(roomId: string, a: PartyKeys, b: PartyKeys): { info: Uint8Array; iAmFirst: boolean } {
  const pa = partyBytes(a);
  const pb = partyBytes(b);
  const cmp = compareBytes(pa, pb);
  if (cmp === 0) throw new RangeError('a session needs two distinct parties');
  const [first, second] = cmp < 0 ? [pa, pb] : [pb, pa];
  return { info: concatBytes(utf8(SESSION_INFO_LABEL), lp8(roomId), first, second), iAmFirst: cmp < 0 };
}

/**
 * Derives the two direction keys. OKM[0..32) encrypts first→second, OKM[32..64) second→first, where
 * "first" is the party whose identityKey‖ephemeralKey‖keyId sorts lower. Throws ZeroSharedSecretError.
 */
export function deriveSessionKeys(backend: CryptoBackend, roomId: string, mine: { identityKey: Uint8Array; ephemeral: EphemeralKeyPair },
  peer: PartyKeys): SessionKeys {
  const me: PartyKeys = { identityKey: mine.identityKey, ephemeralKey: mine.ephemeral.publicKey, keyId: mine.ephemeral.keyId };
  const { info, iAmFirst } = sessionInfo(roomId, me, peer);
  const shared = x25519Shared(backend, mine.ephemeral.secretKey, peer.ephemeralKey);
  const okm = hkdfSha256(shared, utf8(SESSION_SALT_LABEL), info, 64, backend);
  wipe(shared);
  const k1 = okm.slice(0, 32);
  const k2 = okm.slice(32, 64);
  wipe(okm);
  return iAmFirst ? { sendKey: k1, recvKey: k2 } : { sendKey: k2, recvKey: k1 };
}

export function wipeSessionKeys(k: SessionKeys | null | undefined): void {
  if (k) wipe(k.sendKey, k.recvKey);
}
