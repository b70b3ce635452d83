// Room chat sealed once per message (PROTOCOL.md §22): chat key from a media base key, the 21-byte header, AEAD body and identity signature.
import type { CryptoBackend } from './backend';
import { concatBytes, lp8, readU64be, u32be, u64be, utf8 } from './bytes';
import { aeadOpen, aeadSeal, AEAD_TAG_BYTES, ed25519Verify, hkdfSha256 } from './primitives';

/** Labels end in a zero byte, like every other Veil label. */
export const GROUP_CHAT_LABELS = {
  key: 'veil/v1/group-chat\0',
  aad: 'veil/v1/group-chat-aad\0',
  sig: 'veil/v1/group-chat-sig\0'
} as const;
export const GROUP_CHAT_VERSION = 1;
export const GROUP_CHAT_HEADER_BYTES = 21;
export const GROUP_CHAT_SIGNATURE_BYTES = 64;
export const GROUP_CHAT_MIN_BYTES = GROUP_CHAT_HEADER_BYTES + AEAD_TAG_BYTES + GROUP_CHAT_SIGNATURE_BYTES;
/** The counter is a u64 on the wire but a safe integer here; the receiver's window needs counter + 1. */
export const GROUP_CHAT_MAX_COUNTER = Number.MAX_SAFE_INTEGER - 1;
const EMPTY = new Uint8Array(0);

export interface GroupChatHeader { kid: number; counter: number; sentAt: number }

/** chatKey = HKDF-SHA256(ikm = media base key, salt = empty, info = label ‖ lp8(roomId) ‖ kid u32 BE, 32). */
export function deriveGroupChatKey(backend: CryptoBackend, baseKey: Uint8Array, roomId: string, kid: number): Uint8Array {
  if (baseKey.length !== 32) throw new RangeError('media base keys are 32 bytes');
  return hkdfSha256(baseKey, EMPTY, concatBytes(utf8(GROUP_CHAT_LABELS.key), lp8(roomId), u32be(kid)), 32, backend);
}

export function encodeGroupChatHeader(h: GroupChatHeader): Uint8Array {
  if (!Number.isSafeInteger(h.counter) || h.counter < 0 || h.counter > GROUP_CHAT_MAX_COUNTER) throw new RangeError('counter out of range');
  return concatBytes(Uint8Array.of(GROUP_CHAT_VERSION), u32be(h.kid), u64be(h.counter), u64be(h.sentAt));
}

/** 96-bit nonce = 4 zero bytes ‖ counter u64 BE: unique because each chat key has one sender and its counter only grows. */
function nonceOf(counter: number): Uint8Array {
  return concatBytes(new Uint8Array(4), u64be(counter));
}

const aadOf = (roomId: string, senderIdentityKey: Uint8Array, header: Uint8Array) =>
  concatBytes(utf8(GROUP_CHAT_LABELS.aad), lp8(roomId), senderIdentityKey, header);
const signedBytesOf = (roomId: string, header: Uint8Array, ciphertext: Uint8Array) =>
  concatBytes(utf8(GROUP_CHAT_LABELS.sig), lp8(roomId), header, ciphertext);

export interface GroupChatSealInput extends GroupChatHeader {
  chatKey: Uint8Array; roomId: string; senderIdentityKey: Uint8Array; signingSeed: Uint8Array;
}

/** header ‖ ChaCha20-Poly1305(chatKey, nonce(counter), aad, plaintext) ‖ Ed25519(seed, sig label ‖ lp8(roomId) ‖ header ‖ ciphertext). */
export function sealGroupChat(backend: CryptoBackend, input: GroupChatSealInput, plaintext: Uint8Array): Uint8Array {
  if (input.senderIdentityKey.length !== 32) throw new RangeError('identity keys are 32 bytes');
  const header = encodeGroupChatHeader(input);
  const ciphertext = aeadSeal('chacha20-poly1305', input.chatKey, nonceOf(input.counter), aadOf(input.roomId, input.senderIdentityKey, header),
    plaintext, backend);
  const signature = backend.ed25519Sign(signedBytesOf(input.roomId, header, ciphertext), input.signingSeed);
  return concatBytes(header, ciphertext, signature);
}

export interface ParsedGroupChat { header: GroupChatHeader; headerBytes: Uint8Array; ciphertext: Uint8Array; signature: Uint8Array }

/** Structure only (no key, no crypto): null when the version, the length or a field is wrong. */
export function parseGroupChat(bytes: Uint8Array, maxBytes: number): ParsedGroupChat | null {
  if (bytes.length < GROUP_CHAT_MIN_BYTES || bytes.length > maxBytes || bytes[0] !== GROUP_CHAT_VERSION) return null;
  const kid = ((bytes[1]! << 24) | (bytes[2]! << 16) | (bytes[3]! << 8) | bytes[4]!) >>> 0;
  const counter = readU64be(bytes, 5);
  const sentAt = readU64be(bytes, 13);
  if (counter === null || counter > GROUP_CHAT_MAX_COUNTER || sentAt === null) return null;
  const sigAt = bytes.length - GROUP_CHAT_SIGNATURE_BYTES;
  return { header: { kid, counter, sentAt }, headerBytes: bytes.subarray(0, GROUP_CHAT_HEADER_BYTES),
    ciphertext: bytes.subarray(GROUP_CHAT_HEADER_BYTES, sigAt), signature: bytes.subarray(sigAt) };
}

/** The strict Ed25519 rule over the domain-separated bytes, against the identity key of the member the server named. */
export function verifyGroupChatSignature(backend: CryptoBackend, parsed: ParsedGroupChat, roomId: string, senderIdentityKey: Uint8Array): boolean {
  return ed25519Verify(backend, parsed.signature, signedBytesOf(roomId, parsed.headerBytes, parsed.ciphertext), senderIdentityKey);
}

/** The plaintext, or null when the tag does not verify (wrong key, room, sender or any flipped bit). */
export function openGroupChatBody(backend: CryptoBackend, parsed: ParsedGroupChat, chatKey: Uint8Array, roomId: string,
  senderIdentityKey: Uint8Array): Uint8Array | null {
  return aeadOpen('chacha20-poly1305', chatKey, nonceOf(parsed.header.counter), aadOf(roomId, senderIdentityKey, parsed.headerBytes),
    parsed.ciphertext, backend);
}
