// The signaling contract: socket.io event maps (client <-> server) and the schema of every client payload.
import { z } from 'zod';
import { b64uBytes, dtlsFingerprintSchema, displayNameSchema, roomIdSchema, wireKeyBundleSchema, wireRevocationNoticeSchema,
  wireRotationNoticeSchema, type WireKeyBundle, type WireRevocationNotice, type WireRotationNotice } from './keys';
import { LINK_SDP_DIGEST_BYTES, wireLinkBindingSchema, type WireLinkBinding } from './link';
import { wireHeldNoticeSchema, type WireHeldNotice } from './held-notice';
import { joinProofSchema, serverOriginSchema } from './join-proof';
import { LIMITS } from './limits';
import { frameOriginBlobSchema } from './frame-origin';
import { sealedGroupChatSchema } from './group-chat';
import { sealedMediaKeySchema } from './media-key-wire';
import type { RoomPath } from './sfu';

/** Server-assigned id of one connection in a room; routing only, never an identity. */
export const peerIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,32}$/);
export type PeerId = string;

export const SIGNALING_ERROR_CODES = [
  'bad-request', 'rate-limited', 'room-full', 'unauthorized', 'not-in-room', 'already-in-room',
  'unknown-peer', 'not-found', 'stale-epoch', 'payload-too-large', 'internal', 'sfu-unavailable'
] as const;
export type SignalingErrorCode = (typeof SIGNALING_ERROR_CODES)[number];
export type Ack<T> = { ok: true; value: T } | { ok: false; error: { code: SignalingErrorCode; message: string } };

/** The only signals Veil sends: a complete (non-trickled) offer or answer, then the offerer's confirm; anything else is refused by both ends. */
const sdpSchema = z.string().max(LIMITS.maxSdpLength);
export const offerSignalSchema = z.strictObject({ type: z.literal('offer'), sdp: sdpSchema });
/** The answer names the offer it answers (SHA-256 of that offer's SDP, as its `answer` link binding commits to): the offerer drops an answer to another. */
export const answerSignalSchema = z.strictObject({ type: z.literal('answer'), sdp: sdpSchema, offerDigest: b64uBytes(LINK_SDP_DIGEST_BYTES) });
/** The offerer's key confirmation: the SHA-256 of the answer SDP it received, bound by its `confirm` link binding. */
export const confirmSignalSchema = z.strictObject({ type: z.literal('confirm'), digest: b64uBytes(LINK_SDP_DIGEST_BYTES) });
export const peerSignalSchema = z.discriminatedUnion('type', [offerSignalSchema, answerSignalSchema, confirmSignalSchema]);
export type PeerSignal = z.infer<typeof peerSignalSchema>;

export const iceServerSchema = z.strictObject({
  urls: z.union([z.string().max(512), z.array(z.string().max(512)).max(8)]),
  username: z.string().max(256).optional(),
  credential: z.string().max(256).optional()
});
export type IceServer = z.infer<typeof iceServerSchema>;

// ---- client -> server payloads ----
export const joinRequestSchema = z.strictObject({
  roomId: roomIdSchema,
  displayName: displayNameSchema,
  bundle: wireKeyBundleSchema,
  /** HS256 join token when the server requires one. */
  token: z.string().max(4096).optional(),
  /** Room password when the server uses per-room passwords. */
  password: z.string().max(256).optional(),
  /** The server origin the client connected to, as signed in `proof` (both required; absent = `unauthorized`). */
  origin: serverOriginSchema.optional(),
  /** Ed25519 by `bundle.identityKey` over the join-proof layout (protocol/join-proof.ts) with this socket's challenge. */
  proof: joinProofSchema.optional()
});
export type JoinRequest = z.infer<typeof joinRequestSchema>;

export const relayRequestSchema = z.strictObject({
  to: peerIdSchema,
  signal: peerSignalSchema,
  /** The sender's link binding (HMAC under the pairwise session): opaque to the server. */
  binding: wireLinkBindingSchema
}).refine((r) => r.binding.role === r.signal.type, { message: 'the binding role must match the signal type' });
export type RelayRequest = z.infer<typeof relayRequestSchema>;

/** A held notice (PROTOCOL.md §21) for one member of the sender's room: signed by the sender, opaque to the server. */
export const heldRequestSchema = z.strictObject({ to: peerIdSchema, notice: wireHeldNoticeSchema });
export type HeldRequest = z.infer<typeof heldRequestSchema>;

export const publishRequestSchema = z.strictObject({ bundle: wireKeyBundleSchema });
export const fetchRequestSchema = z.strictObject({ peerId: peerIdSchema });
export const rotateRequestSchema = z.strictObject({ notice: wireRotationNoticeSchema });
export const revokeRequestSchema = z.strictObject({ notice: wireRevocationNoticeSchema });
export const emptyRequestSchema = z.strictObject({});
/** A sealed SFU media key for one member of our room (PROTOCOL.md §18a): opaque to the server, size-bounded. */
export const mediaKeyRelayRequestSchema = z.strictObject({ to: peerIdSchema, blob: sealedMediaKeySchema });

/** One room chat message sealed once for every member (PROTOCOL.md §22): opaque to the server, size-bounded. */
export const groupChatRequestSchema = z.strictObject({ blob: sealedGroupChatSchema });

/** One signed frame-origin digest for every member of our room (PROTOCOL.md §22a): opaque to the server, size-bounded. */
export const frameOriginRequestSchema = z.strictObject({ blob: frameOriginBlobSchema });

export interface Member { peerId: PeerId; displayName: string; bundle: WireKeyBundle; joinedAt: number }
/** `path`: how this room's media flows now (absent = mesh, from servers without an SFU). */
export interface JoinResult { selfId: PeerId; roomId: string; members: Member[]; iceServers: IceServer[]; path?: RoomPath | undefined }

export interface ClientToServerEvents {
  /** A fresh single-use challenge for the next `room:join` on this socket. */
  'room:challenge': (req: Record<string, never>, ack: (res: Ack<{ challenge: string }>) => void) => void;
  'room:join': (req: JoinRequest, ack: (res: Ack<JoinResult>) => void) => void;
  'room:leave': (req: Record<string, never>, ack: (res: Ack<null>) => void) => void;
  'signal:relay': (req: RelayRequest, ack: (res: Ack<null>) => void) => void;
  'keys:publish': (req: { bundle: WireKeyBundle }, ack: (res: Ack<null>) => void) => void;
  'keys:fetch': (req: { peerId: PeerId }, ack: (res: Ack<WireKeyBundle>) => void) => void;
  'keys:rotate': (req: { notice: WireRotationNotice }, ack: (res: Ack<null>) => void) => void;
  'keys:revoke': (req: { notice: WireRevocationNotice }, ack: (res: Ack<null>) => void) => void;
  /** "Your messages to me wait for my decision about your key": to one member of our room. */
  'trust:held': (req: HeldRequest, ack: (res: Ack<null>) => void) => void;
  /** The room's current path with fresh Janus tokens (members only); `sfu-unavailable` while no Janus answers. */
  'sfu:token': (req: Record<string, never>, ack: (res: Ack<RoomPath>) => void) => void;
  /** Relays one sealed media key to one member of our room. */
  'media:key': (req: { to: PeerId; blob: string }, ack: (res: Ack<null>) => void) => void;
  /** Relays one sealed room chat message to every other member of our room. */
  'chat:group': (req: { blob: string }, ack: (res: Ack<null>) => void) => void;
  /** Relays one signed frame-origin digest to every other member of our room. */
  'media:origin': (req: { blob: string }, ack: (res: Ack<null>) => void) => void;
}

export interface ServerToClientEvents {
  'room:joined': (ev: { member: Member }) => void;
  'room:left': (ev: { peerId: PeerId }) => void;
  /** This socket's membership ended because the same identity joined the room again elsewhere. */
  'room:evicted': (ev: { roomId: string; reason: 'replaced' }) => void;
  /** `from` is stamped by the server from the authenticated socket. */
  'signal:relay': (ev: { from: PeerId; signal: PeerSignal; binding: WireLinkBinding }) => void;
  'keys:published': (ev: { from: PeerId; bundle: WireKeyBundle }) => void;
  'keys:rotated': (ev: { from: PeerId; notice: WireRotationNotice }) => void;
  'keys:revoked': (ev: { from: PeerId; notice: WireRevocationNotice }) => void;
  /** A member's held notice about us; `from` stamped by the server (the receiver checks the signature itself). */
  'trust:held': (ev: { from: PeerId; notice: WireHeldNotice }) => void;
  /** Sent before a graceful shutdown: reconnect after the delay. */
  'server:shutdown': (ev: { reconnectAfterMs: number }) => void;
  /** The room's media path changed (it crossed SFU_THRESHOLD): mesh, or the SFU with this member's tokens. */
  'room:path': (ev: RoomPath) => void;
  /** A sealed media key from `from` (stamped by the server from the authenticated socket). */
  'media:key': (ev: { from: PeerId; blob: string }) => void;
  /** A sealed room chat message from `from` (stamped by the server from the authenticated socket). */
  'chat:group': (ev: { from: PeerId; blob: string }) => void;
  /** A signed frame-origin digest from `from` (stamped by the server from the authenticated socket). */
  'media:origin': (ev: { from: PeerId; blob: string }) => void;
}

export type ClientEventName = keyof ClientToServerEvents;
export const CLIENT_EVENT_SCHEMAS = {
  'room:challenge': emptyRequestSchema,
  'room:join': joinRequestSchema,
  'room:leave': emptyRequestSchema,
  'signal:relay': relayRequestSchema,
  'keys:publish': publishRequestSchema,
  'keys:fetch': fetchRequestSchema,
  'keys:rotate': rotateRequestSchema,
  'keys:revoke': revokeRequestSchema,
  'trust:held': heldRequestSchema,
  'sfu:token': emptyRequestSchema,
  'media:key': mediaKeyRelayRequestSchema,
  'chat:group': groupChatRequestSchema,
  'media:origin': frameOriginRequestSchema
} as const satisfies Record<ClientEventName, z.ZodTypeAny>;

// Compile-time: every client event has a schema, and each schema's output is exactly the payload its event map declares.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type ClientPayloadsMatch = { [E in ClientEventName]: Same<z.infer<(typeof CLIENT_EVENT_SCHEMAS)[E]>, Parameters<ClientToServerEvents[E]>[0]> };
const clientSchemaKeysMatch: Same<keyof typeof CLIENT_EVENT_SCHEMAS, ClientEventName> = true;
const clientPayloadsMatch: { [E in ClientEventName]: true } = {} as ClientPayloadsMatch;
void clientSchemaKeysMatch;
void clientPayloadsMatch;

export { dtlsFingerprintSchema };
