// IPC channels of the E2EE core: identity, room keys, sessions, messages, trust, link bindings, audit, stats.
import { z } from 'zod';
import { channel } from './ipc-channel';
import { b64uBytes, displayNameSchema, dtlsFingerprintSchema, roomIdSchema, wireKeyBundleSchema, wireRevocationNoticeSchema,
  wireRotationNoticeSchema, IDENTITY_KEY_BYTES, type WireKeyBundle, type WireRevocationNotice, type WireRotationNotice } from './keys';
import { LINK_ROLES, wireLinkBindingSchema, type WireLinkBinding } from './link';
import { FILE_LIMITS } from './file-limits';
import { LIMITS } from './limits';

const identityKey = b64uBytes(IDENTITY_KEY_BYTES);
const linkRole = z.enum(LINK_ROLES);
const optionalFp = z.union([z.literal(''), dtlsFingerprintSchema]);
const bytes = (max: number) => z.instanceof(Uint8Array).refine((b) => b.length <= max, `at most ${max} bytes`);

export interface IdentityInfo {
  identityKey: string;
  /** Hex fingerprint of the identity key in groups of four, for display. */
  fingerprint: string;
  createdAt: number;
}
export interface RoomKeyInfo {
  roomId: string; keyId: string; epoch: number; createdAt: number; expiresAt: number; bundle: WireKeyBundle;
  /** The notice of the latest rotation (timer, expiry or on demand), for the renderer to publish to peers. */
  lastRotation?: WireRotationNotice;
}
export type TrustState = 'new' | 'known' | 'verified' | 'changed';
export interface SessionInfo {
  roomId: string; peerIdentityKey: string; peerKeyId: string; peerEpoch: number;
  displayName: string; trust: TrustState; fingerprint: string;
}
export interface OpenedMessage { plaintext: Uint8Array; senderIdentityKey: string; counter: number; sentAt: number; keyId: string }
export interface SafetyNumber { digits: string; groups: string[]; qrPayload: string }
export interface Contact {
  identityKey: string; displayName: string; fingerprint: string; verified: boolean;
  firstSeen: number; lastSeen: number; previousIdentityKey?: string; changePending: boolean;
}
export interface AuditEvent { at: number; type: string; [field: string]: string | number | boolean }
export interface E2eeStats {
  keysGenerated: number; sessionsOpened: number; messagesSealed: number; messagesOpened: number;
  rejections: Record<string, number>;
}
export interface E2eeSettings {
  signMessages: boolean; rotationIntervalMs: number;
  /** Largest file this device sends or accepts (bytes). */
  maxFileBytes: number;
}

export const e2eeIpc = {
  'identity:get': channel<z.ZodTuple<[]>, IdentityInfo>(z.tuple([])),
  /** Create (or return the live) room key and its signed bundle: the seed's "generate keys". */
  'keys:create': channel<z.ZodTuple<[typeof roomIdSchema]>, RoomKeyInfo>(z.tuple([roomIdSchema])),
  /** The current public bundle for a room: the seed's "get public key". */
  'keys:get': channel<z.ZodTuple<[typeof roomIdSchema]>, RoomKeyInfo>(z.tuple([roomIdSchema])),
  'keys:rotate': channel<z.ZodTuple<[typeof roomIdSchema]>, WireRotationNotice>(z.tuple([roomIdSchema])),
  'keys:revoke': channel<z.ZodTuple<[typeof roomIdSchema]>, { revocation: WireRevocationNotice; replacement: WireRotationNotice }>(z.tuple([roomIdSchema])),
  /** Verify and apply a peer's rotation / revocation notice. */
  'keys:applyRotation': channel<z.ZodTuple<[typeof wireRotationNoticeSchema]>, SessionInfo>(z.tuple([wireRotationNoticeSchema])),
  'keys:applyRevocation': channel<z.ZodTuple<[typeof wireRevocationNoticeSchema]>, { peerIdentityKey: string; keyId: string }>(z.tuple([wireRevocationNoticeSchema])),
  /** Verify a peer's bundle and open the pairwise session: the seed's "exchange keys". */
  'session:open': channel<z.ZodTuple<[typeof wireKeyBundleSchema, typeof displayNameSchema]>, SessionInfo>(z.tuple([wireKeyBundleSchema, displayNameSchema])),
  'session:close': channel<z.ZodTuple<[typeof roomIdSchema, typeof identityKey]>, null>(z.tuple([roomIdSchema, identityKey])),
  'message:seal': channel<z.ZodTuple<[typeof roomIdSchema, typeof identityKey, z.ZodType<Uint8Array>]>, Uint8Array>(
    z.tuple([roomIdSchema, identityKey, bytes(LIMITS.maxPlaintextBytes)])),
  'message:open': channel<z.ZodTuple<[typeof roomIdSchema, typeof identityKey, z.ZodType<Uint8Array>]>, OpenedMessage>(
    z.tuple([roomIdSchema, identityKey, bytes(LIMITS.maxEnvelopeBytes)])),
  'trust:safetyNumber': channel<z.ZodTuple<[typeof identityKey]>, SafetyNumber>(z.tuple([identityKey])),
  'trust:list': channel<z.ZodTuple<[]>, Contact[]>(z.tuple([])),
  'trust:setVerified': channel<z.ZodTuple<[typeof identityKey, z.ZodBoolean]>, Contact>(z.tuple([identityKey, z.boolean()])),
  /** The user acknowledged the key-change warning for this identity (verification is reset). */
  'trust:acceptChange': channel<z.ZodTuple<[typeof identityKey]>, Contact>(z.tuple([identityKey])),
  /** MAC for our offer (remoteFp '') or answer (remoteFp = the offer's), bound to the current session with this peer in this room. */
  'link:bind': channel<z.ZodTuple<[typeof roomIdSchema, typeof identityKey, typeof linkRole, typeof dtlsFingerprintSchema, typeof optionalFp]>,
    WireLinkBinding>(z.tuple([roomIdSchema, identityKey, linkRole, dtlsFingerprintSchema, optionalFp])),
  /** Checks a peer's binding: remoteFp from its SDP, localFp ours ('' when checking an offer); refuses unless every rule holds. */
  'link:verify': channel<z.ZodTuple<[typeof roomIdSchema, typeof identityKey, typeof wireLinkBindingSchema, typeof dtlsFingerprintSchema,
    typeof optionalFp]>, { ok: true }>(z.tuple([roomIdSchema, identityKey, wireLinkBindingSchema, dtlsFingerprintSchema, optionalFp])),
  'room:leave': channel<z.ZodTuple<[typeof roomIdSchema]>, null>(z.tuple([roomIdSchema])),
  'audit:tail': channel<z.ZodTuple<[z.ZodNumber]>, AuditEvent[]>(z.tuple([z.number().int().min(1).max(1000)])),
  'stats:get': channel<z.ZodTuple<[]>, E2eeStats>(z.tuple([])),
  'settings:get': channel<z.ZodTuple<[]>, E2eeSettings>(z.tuple([])),
  'settings:set': channel<z.ZodTuple<[z.ZodObject<{ signMessages: z.ZodOptional<z.ZodBoolean>; rotationIntervalMs: z.ZodOptional<z.ZodNumber>; maxFileBytes: z.ZodOptional<z.ZodNumber> }>]>, E2eeSettings>(
    z.tuple([z.object({ signMessages: z.boolean().optional(), rotationIntervalMs: z.number().int().min(60_000).max(LIMITS.keyMaxAgeMs).optional(),
      maxFileBytes: z.number().int().min(FILE_LIMITS.minMaxFileBytes).max(FILE_LIMITS.hardMaxFileBytes).optional() }).strict()]))
};
