// Computes Veil's own known-answer vectors from fixed seeds with a given backend (frozen by gen-vectors.ts, checked by the tests).
import { sha256 } from '@noble/hashes/sha2.js';
import { bundleBytes, deriveFileKey, deriveSessionKeys, encodeFinalBody, encodeManifest, revocationBytes, rotationBytes, safetyNumber, sealChunk,
  sealEnvelope, signBundle, signFinal, signOffer, signRevocation, signRotation, type CryptoBackend, type EphemeralKeyPair } from '../main/crypto';
import { toB64u, toHex } from '../protocol/encoding';
import { craftedCases } from '../test/unit/crypto/ed25519-cases';
import { computeExtraVectors } from './veil-vectors-extra';
import { computeGroupChatVectors } from './veil-vectors-group-chat';
import { computeMediaKeyVectors } from './veil-vectors-media';

/** Every secret and id is SHA-256 of a fixed label, so anyone can rebuild the inputs. */
export const seedOf = (label: string): Uint8Array => sha256(new TextEncoder().encode(`veil-kat/v1/${label}`));
const id16 = (label: string) => seedOf(label).slice(0, 16);
const text = (s: string) => new TextEncoder().encode(s);

export const ROOM_ID = 'kat-room';
export const CREATED_AT = 1_767_225_600_000;
export const HOUR = 3_600_000;

export type VeilVectors = Record<string, Record<string, unknown>>;

function party(b: CryptoBackend, name: 'alice' | 'bob') {
  const seed = seedOf(`${name}/identity-seed`);
  const secretKey = seedOf(`${name}/room-secret`);
  const ephemeral: EphemeralKeyPair = { secretKey, publicKey: b.x25519PublicKey(secretKey), keyId: id16(`${name}/key-id`) };
  return { seed, identityKey: b.ed25519PublicKey(seed), ephemeral };
}

/** All vectors, as JSON-ready objects of hex/base64url strings, keyed by file name (without .json). */
export function computeVeilVectors(b: CryptoBackend): VeilVectors {
  const alice = party(b, 'alice');
  const bob = party(b, 'bob');
  const bundleOf = (p: typeof alice, epoch: number, createdAt: number) => ({
    v: 1 as const, identityKey: toB64u(p.identityKey), roomId: ROOM_ID, keyId: toB64u(p.ephemeral.keyId), epoch,
    ephemeralKey: toB64u(p.ephemeral.publicKey), createdAt, expiresAt: createdAt + 24 * HOUR });
  const unsignedBundle = bundleOf(alice, 1_767_225_600, CREATED_AT);
  const bundle = signBundle(b, alice.seed, unsignedBundle);

  const pub = (p: typeof alice) => ({ identityKey: p.identityKey, ephemeralKey: p.ephemeral.publicKey, keyId: p.ephemeral.keyId });
  const ka = deriveSessionKeys(b, ROOM_ID, { identityKey: alice.identityKey, ephemeral: alice.ephemeral }, pub(bob));
  const kb = deriveSessionKeys(b, ROOM_ID, { identityKey: bob.identityKey, ephemeral: bob.ephemeral }, pub(alice));

  const envelopeInput = { sendKey: ka.sendKey, counter: 7, sentAt: CREATED_AT + 1234, senderKeyId: alice.ephemeral.keyId,
    recipientKeyId: bob.ephemeral.keyId };
  const plaintext = text('Veil known-answer envelope');

  // Rotation to a new room key (its own seeds) one hour later; revocation of the new key after that.
  const nextSecret = seedOf('alice/room-secret-2');
  const next = { ...alice, ephemeral: { secretKey: nextSecret, publicKey: b.x25519PublicKey(nextSecret), keyId: id16('alice/key-id-2') } };
  const nextBundle = signBundle(b, alice.seed, bundleOf(next, 1_767_229_200, CREATED_AT + HOUR));
  const unsignedRotation = { v: 1 as const, type: 'rotate' as const, identityKey: toB64u(alice.identityKey), roomId: ROOM_ID,
    epoch: nextBundle.epoch, previousKeyId: toB64u(alice.ephemeral.keyId), bundle: nextBundle, issuedAt: CREATED_AT + HOUR };
  const rotation = signRotation(b, alice.seed, unsignedRotation);
  const unsignedRevocation = { v: 1 as const, type: 'revoke' as const, identityKey: toB64u(alice.identityKey), roomId: ROOM_ID,
    keyId: toB64u(next.ephemeral.keyId), epoch: nextBundle.epoch, issuedAt: CREATED_AT + 2 * HOUR };
  const revocation = signRevocation(b, alice.seed, unsignedRevocation);

  const chunk = new Uint8Array(4096).map((_, i) => (i * 7 + 3) & 0xff);
  const fileBytes = new Uint8Array([...chunk, ...chunk.subarray(0, 1000)]);
  const manifestFields = { transferId: id16('file/transfer-id'), senderIdentityKey: alice.identityKey, recipientIdentityKey: bob.identityKey,
    senderKeyId: alice.ephemeral.keyId, recipientKeyId: bob.ephemeral.keyId, size: fileBytes.length, chunkSize: 4096,
    createdAt: CREATED_AT + 5000, roomId: ROOM_ID, name: 'kat-report.txt', mime: 'text/plain' };
  const manifest = encodeManifest(manifestFields);
  const offer = signOffer(b, alice.seed, manifestFields);
  const fileKey = deriveFileKey(b, ka.sendKey, manifestFields.transferId, manifest);
  const frame0 = sealChunk(b, fileKey, { transferId: manifestFields.transferId, attempt: 0, index: 0 }, chunk);
  const frame1 = sealChunk(b, fileKey, { transferId: manifestFields.transferId, attempt: 2, index: 1 }, fileBytes.subarray(4096));
  const finalFields = { transferId: manifestFields.transferId, manifestHash: sha256(manifest), size: fileBytes.length, chunkCount: 2,
    fileSha256: sha256(fileBytes) };
  const final = signFinal(b, alice.seed, finalFields);

  const inputs = {
    aliceIdentitySeed: toHex(alice.seed), aliceRoomSecret: toHex(alice.ephemeral.secretKey), aliceKeyId: toHex(alice.ephemeral.keyId),
    bobIdentitySeed: toHex(bob.seed), bobRoomSecret: toHex(bob.ephemeral.secretKey), bobKeyId: toHex(bob.ephemeral.keyId),
    aliceIdentityKey: toHex(alice.identityKey), bobIdentityKey: toHex(bob.identityKey),
    aliceRoomKey: toHex(alice.ephemeral.publicKey), bobRoomKey: toHex(bob.ephemeral.publicKey), roomId: ROOM_ID
  };
  return {
    'parties': { description: 'The two parties every other vector uses: seeds are SHA-256("veil-kat/v1/<label>")', ...inputs },
    'key-bundle': { description: 'PROTOCOL.md §3: Alice\'s signed room-key bundle', unsigned: unsignedBundle,
      signedBytes: toHex(bundleBytes(unsignedBundle)), bundle },
    'session': { description: 'PROTOCOL.md §4: both directions, derived by each side', aliceSendKey: toHex(ka.sendKey), aliceRecvKey: toHex(ka.recvKey),
      bobSendKey: toHex(kb.sendKey), bobRecvKey: toHex(kb.recvKey) },
    'envelope': { description: 'PROTOCOL.md §5: Alice → Bob with Alice\'s send key', sendKey: toHex(ka.sendKey), counter: envelopeInput.counter,
      sentAt: envelopeInput.sentAt, senderKeyId: toHex(envelopeInput.senderKeyId), recipientKeyId: toHex(envelopeInput.recipientKeyId),
      plaintext: toHex(plaintext), unsigned: toHex(sealEnvelope(b, envelopeInput, plaintext)),
      signed: toHex(sealEnvelope(b, { ...envelopeInput, signingSeed: alice.seed }, plaintext)) },
    'rotation': { description: 'PROTOCOL.md §6: Alice rotates to a new room key', newRoomSecret: toHex(nextSecret), newKeyId: toHex(next.ephemeral.keyId),
      signedBytes: toHex(rotationBytes(unsignedRotation)), notice: rotation },
    'revocation': { description: 'PROTOCOL.md §7: Alice revokes the rotated-to key', signedBytes: toHex(revocationBytes(unsignedRevocation)), notice: revocation },
    'safety-number': { description: 'PROTOCOL.md §9: Alice and Bob (same result from either side)', ...safetyNumber(alice.identityKey, bob.identityKey) },
    'file-manifest': { description: 'PROTOCOL.md §14.1: offer = manifest (version 2) ‖ signature',
      fields: { ...manifestFields, transferId: toHex(manifestFields.transferId), senderIdentityKey: toHex(alice.identityKey),
        recipientIdentityKey: toHex(bob.identityKey), senderKeyId: toHex(alice.ephemeral.keyId), recipientKeyId: toHex(bob.ephemeral.keyId) },
      manifest: toHex(manifest), offer: toHex(offer) },
    'file-key': { description: 'PROTOCOL.md §14.2: from Alice\'s send key, the transfer id and the manifest above', directionKey: toHex(ka.sendKey),
      fileKey: toHex(fileKey) },
    'file-chunk': { description: 'PROTOCOL.md §14.3: chunk 0 (attempt 0) and the last chunk 1 (attempt 2) of the file above',
      chunk0Plaintext: toHex(chunk), frame0: toHex(frame0), chunk1Plaintext: toHex(fileBytes.subarray(4096)), frame1: toHex(frame1) },
    'file-final': { description: 'PROTOCOL.md §14.6: Alice\'s signed final message for the transfer above (whole-file SHA-256)',
      fields: { transferId: toHex(finalFields.transferId), manifestHash: toHex(finalFields.manifestHash), size: finalFields.size,
        chunkCount: finalFields.chunkCount, fileSha256: toHex(finalFields.fileSha256) },
      signedBytes: toHex(encodeFinalBody(finalFields)), final: toHex(final) },
    'ed25519-rule': { description: 'PROTOCOL.md §1: the Ed25519 acceptance rule on crafted edge cases; every implementation must give these verdicts',
      cases: craftedCases().map((c) => ({ name: c.name, publicKey: toHex(c.pub), message: toHex(c.msg), signature: toHex(c.sig), valid: c.valid })) },
    ...computeExtraVectors(b, seedOf, ROOM_ID),
    ...computeMediaKeyVectors(b, seedOf, ROOM_ID, alice, bob, ka.sendKey, CREATED_AT + 4321),
    ...computeGroupChatVectors(b, seedOf, ROOM_ID, alice, CREATED_AT + 5432)
  };
}
