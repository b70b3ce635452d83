// Known-answer vectors for the join proof (§15), the room security code (§10a) and the held notice (§21), from the same fixed seeds.
import { sha256 } from '@noble/hashes/sha2.js';
import { heldNoticeBytes, signHeldNotice, signJoinProof, type CryptoBackend } from '../main/crypto';
import { toB64u, toHex } from '../protocol/encoding';
import { joinProofBytes } from '../protocol/join-proof';
import { canonicalRoomList, type RoomCodeEntry } from '../renderer/src/lib/room-code';
import { shownNames } from '../renderer/src/lib/shown-names';

type Seed = (label: string) => Uint8Array;

/** The display fingerprint of an identity key (main/e2ee/fingerprint.ts): lowercase hex in groups of four. */
const displayFingerprint = (key: Uint8Array) => (toHex(key).match(/.{4}/g) ?? []).join(' ');

/** Room-code digits from a SHA-256 digest: six 40-bit big-endian integers mod 100000, zero-padded (BigInt, independent of the renderer's). */
export function roomCodeDigits(digest: Uint8Array): string[] {
  return [0, 1, 2, 3, 4, 5].map((g) => (BigInt(`0x${toHex(digest.subarray(5 * g, 5 * g + 5))}`) % 100000n).toString().padStart(5, '0'));
}

export function computeExtraVectors(b: CryptoBackend, seedOf: Seed, roomId: string): Record<string, Record<string, unknown>> {
  const members = (['alice', 'bob', 'carol'] as const).map((name) => {
    const seed = seedOf(`${name}/identity-seed`);
    return { name, seed, identityKey: b.ed25519PublicKey(seed), keyId: seedOf(`${name}/key-id`).slice(0, 16) };
  });
  const alice = members[0]!;

  const challenge = seedOf('join/challenge');
  const proofFields = { identityKey: toB64u(alice.identityKey), challenge: toB64u(challenge), roomId, origin: 'https://signal.example:8443',
    keyId: toB64u(alice.keyId) };

  // Carol announces herself with Alice's name (a namesake: both get a tag); Bob's name arrives decomposed (NFD) and is shown NFC.
  const announced = { alice: 'Alice', bob: 'Zoe\u0308', carol: 'Alice' } as const;
  const named = members.map((m) => ({ identityKey: toB64u(m.identityKey), displayName: announced[m.name], fingerprint: displayFingerprint(m.identityKey) }));
  const shown = shownNames(named);
  const entries: RoomCodeEntry[] = members.map((m) => ({ identityKey: toB64u(m.identityKey), name: shown.get(toB64u(m.identityKey))!.label }));
  const canonical = canonicalRoomList(roomId, entries);
  const canonicalBytes = new TextEncoder().encode(canonical);
  const digest = sha256(canonicalBytes);

  const bob = members[1]!;
  const heldFields = { v: 1 as const, signer: toB64u(alice.identityKey), roomId, subject: toB64u(bob.identityKey), subjectKeyId: toB64u(bob.keyId),
    issuedAt: 1_800_000_000_000 };

  return {
    'held-notice': { description: "PROTOCOL.md §21: Alice's app holds its decision about Bob's key and tells him, signed by her identity key",
      fields: heldFields, signedBytes: toHex(heldNoticeBytes(heldFields)), notice: signHeldNotice(b, alice.seed, heldFields) },
    'join-proof': { description: 'PROTOCOL.md §15: Alice proves her identity key to the server for her room key', fields: proofFields,
      challengeHex: toHex(challenge), signedBytes: toHex(joinProofBytes(proofFields)), proof: signJoinProof(b, alice.seed, proofFields) },
    'room-code': { description: 'PROTOCOL.md §10a: room code of Alice, Bob and Carol (Carol uses Alice\'s name, so both are tagged)', roomId,
      announced: members.map((m) => ({ identityKey: toB64u(m.identityKey), displayName: announced[m.name] })),
      entries: [...entries].sort((x, y) => (x.identityKey < y.identityKey ? -1 : 1)), canonical, canonicalHex: toHex(canonicalBytes),
      sha256: toHex(digest), code: roomCodeDigits(digest) }
  };
}
