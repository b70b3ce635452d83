// IPC channels of the E2EE service (main/e2ee/e2ee.ts): identity, room keys, sessions, messages, trust, link bindings, audit, stats.
import { z } from 'zod';
import { channel } from './ipc-channel';
import { b64uBytes, displayNameSchema, dtlsFingerprintSchema, roomIdSchema, wireKeyBundleSchema, wireRevocationNoticeSchema,
  wireRotationNoticeSchema, IDENTITY_KEY_BYTES, KEY_ID_BYTES, type WireKeyBundle, type WireRevocationNotice, type WireRotationNotice } from './keys';
import { LINK_SDP_DIGEST_BYTES, LINK_ROLES, wireLinkBindingSchema, type WireLinkBinding } from './link';
import { FILE_LIMITS } from './file-limits';
import { wireHeldNoticeSchema, type WireHeldNotice } from './held-notice';
import { joinChallengeSchema, serverOriginSchema } from './join-proof';
import { LIMITS } from './limits';

const identityKey = b64uBytes(IDENTITY_KEY_BYTES);
const linkRole = z.enum(LINK_ROLES);
const optionalFp = z.union([z.literal(''), dtlsFingerprintSchema]);
/** b64u SHA-256 of the answer SDP for a confirm; '' or absent for an offer or answer. */
const optionalDigest = z.union([z.literal(''), b64uBytes(LINK_SDP_DIGEST_BYTES)]).optional();
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
/**
 * Trust is a function of the identity key: `new` (not a contact), `known`, `verified`. Two blocking states come from the
 * name: `changed` (the name of a known contact with another key: a key change or a namesake) and `lookalike` (a name
 * that only looks like a known contact's). Sending is refused in both until the user decides.
 */
export type TrustState = 'new' | 'known' | 'verified' | 'changed' | 'lookalike';
/** The known contact whose name a peer's name matches (by look-alike skeleton). */
export interface NameClaim { identityKey: string; displayName: string; fingerprint: string; verified: boolean }
export interface SessionInfo {
  roomId: string; peerIdentityKey: string; peerKeyId: string; peerEpoch: number;
  /** Normalized (protocol/names.ts). */
  displayName: string; trust: TrustState; fingerprint: string;
  /** Set when `trust` is `changed` or `lookalike`. */
  claims?: NameClaim;
}
export interface OpenedMessage { plaintext: Uint8Array; senderIdentityKey: string; counter: number; sentAt: number; keyId: string }
export interface SafetyNumber { digits: string; groups: string[]; qrPayload: string }
/** Why a key became a contact: only these events persist one. */
export type ContactOrigin = 'continuity' | 'verified' | 'accepted-change' | 'distinct' | 'migrated';
export interface Contact {
  identityKey: string;
  /** The normalized name the contact was recorded under. */
  displayName: string; fingerprint: string; verified: boolean;
  firstSeen: number; lastSeen: number;
  /** The key this one replaced (the user accepted it as that person's new key). */
  previousIdentityKey?: string;
  /** Other names this key was recorded under (from a v1 file). */
  otherNames?: string[];
  /** Keys the user said are different people with a look-alike name. */
  distinctFrom?: string[];
  origin: ContactOrigin;
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
  /** Calls go only through the TURN relay: no host or server-reflexive candidate ever leaves the app. */
  alwaysRelay: boolean;
}

export const e2eeIpc = {
  'identity:get': channel<z.ZodTuple<[]>, IdentityInfo>(z.tuple([])),
  /** Signs the signaling server's join challenge (join-proof layout only) for a room we hold a key for, naming its current keyId. */
  'identity:proveJoin': channel<z.ZodTuple<[typeof joinChallengeSchema, typeof roomIdSchema, typeof serverOriginSchema, ReturnType<typeof b64uBytes>]>, { proof: string }>(
    z.tuple([joinChallengeSchema, roomIdSchema, serverOriginSchema, b64uBytes(KEY_ID_BYTES)])),
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
  /** "It is their new key": the key whose name it claims is linked as previous; verification starts over. */
  'trust:acceptChange': channel<z.ZodTuple<[typeof identityKey]>, Contact>(z.tuple([identityKey])),
  /** "A different person": the key becomes a contact of its own; the contact whose name it matched is unchanged. */
  'trust:markDistinct': channel<z.ZodTuple<[typeof identityKey]>, Contact>(z.tuple([identityKey])),
  /** Signs our held notice for a peer in the room whose key decision is pending here (refused otherwise). */
  'trust:signHeld': channel<z.ZodTuple<[typeof roomIdSchema, typeof identityKey]>, WireHeldNotice>(z.tuple([roomIdSchema, identityKey])),
  /** Checks a held notice about us that the server says this member sent; refuses a forged, wrong-key, stale or misdirected one. */
  'trust:checkHeld': channel<z.ZodTuple<[typeof roomIdSchema, typeof identityKey, typeof wireHeldNoticeSchema]>, { signer: string; issuedAt: number }>(
    z.tuple([roomIdSchema, identityKey, wireHeldNoticeSchema])),
  /** MAC for our offer (remoteFp '', no digest), answer (remoteFp = the offer's, digest of the offer) or confirm (both, digest of the answer), bound to the current session. */
  'link:bind': channel<z.ZodTuple<[typeof roomIdSchema, typeof identityKey, typeof linkRole, typeof dtlsFingerprintSchema, typeof optionalFp,
    typeof optionalDigest]>, WireLinkBinding>(z.tuple([roomIdSchema, identityKey, linkRole, dtlsFingerprintSchema, optionalFp, optionalDigest])),
  /** Checks a peer's binding: remoteFp from its SDP, localFp ours ('' for an offer), digest of our offer for an answer, of our answer for a confirm; refuses unless every rule holds. */
  'link:verify': channel<z.ZodTuple<[typeof roomIdSchema, typeof identityKey, typeof wireLinkBindingSchema, typeof dtlsFingerprintSchema,
    typeof optionalFp, typeof optionalDigest]>, { ok: true }>(z.tuple([roomIdSchema, identityKey, wireLinkBindingSchema, dtlsFingerprintSchema,
    optionalFp, optionalDigest])),
  'room:leave': channel<z.ZodTuple<[typeof roomIdSchema]>, null>(z.tuple([roomIdSchema])),
  'audit:tail': channel<z.ZodTuple<[z.ZodNumber]>, AuditEvent[]>(z.tuple([z.number().int().min(1).max(1000)])),
  'stats:get': channel<z.ZodTuple<[]>, E2eeStats>(z.tuple([])),
  'settings:get': channel<z.ZodTuple<[]>, E2eeSettings>(z.tuple([])),
  'settings:set': channel<z.ZodTuple<[z.ZodObject<{ signMessages: z.ZodOptional<z.ZodBoolean>; rotationIntervalMs: z.ZodOptional<z.ZodNumber>; maxFileBytes: z.ZodOptional<z.ZodNumber>;
    alwaysRelay: z.ZodOptional<z.ZodBoolean> }>]>, E2eeSettings>(
    z.tuple([z.object({ signMessages: z.boolean().optional(), rotationIntervalMs: z.number().int().min(60_000).max(LIMITS.keyMaxAgeMs).optional(),
      maxFileBytes: z.number().int().min(FILE_LIMITS.minMaxFileBytes).max(FILE_LIMITS.hardMaxFileBytes).optional(),
      alwaysRelay: z.boolean().optional() }).strict()]))
};
