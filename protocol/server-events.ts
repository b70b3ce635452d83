// Strict schemas of everything the (untrusted) signaling server sends: one per server event, plus the ack values the client reads.
import { z } from 'zod';
import { displayNameSchema, roomIdSchema, timestampSchema, wireKeyBundleSchema, wireRevocationNoticeSchema,
  wireRotationNoticeSchema } from './keys';
import { wireHeldNoticeSchema } from './held-notice';
import { joinChallengeSchema } from './join-proof';
import { wireLinkBindingSchema } from './link';
import { frameOriginBlobSchema } from './frame-origin';
import { sealedGroupChatSchema } from './group-chat';
import { sealedMediaKeySchema } from './media-key-wire';
import { roomPathSchema } from './sfu';
import { iceServerSchema, peerIdSchema, peerSignalSchema, SIGNALING_ERROR_CODES, type Ack, type ClientEventName, type ClientToServerEvents,
  type ServerToClientEvents } from './signaling';

/** A server reports at most this many members in one join answer; more is refused as a lie or a flood. */
export const MAX_REPORTED_MEMBERS = 256;
export const MAX_ICE_SERVERS = 8;

export const memberSchema = z.strictObject({ peerId: peerIdSchema, displayName: displayNameSchema, bundle: wireKeyBundleSchema,
  joinedAt: timestampSchema });

export const SERVER_EVENT_SCHEMAS = {
  'room:joined': z.strictObject({ member: memberSchema }),
  'room:left': z.strictObject({ peerId: peerIdSchema }),
  'room:evicted': z.strictObject({ roomId: roomIdSchema, reason: z.literal('replaced') }),
  'signal:relay': z.strictObject({ from: peerIdSchema, signal: peerSignalSchema, binding: wireLinkBindingSchema })
    .refine((r) => r.binding.role === r.signal.type, { message: 'the binding role must match the signal type' }),
  'keys:published': z.strictObject({ from: peerIdSchema, bundle: wireKeyBundleSchema }),
  'keys:rotated': z.strictObject({ from: peerIdSchema, notice: wireRotationNoticeSchema }),
  'keys:revoked': z.strictObject({ from: peerIdSchema, notice: wireRevocationNoticeSchema }),
  'trust:held': z.strictObject({ from: peerIdSchema, notice: wireHeldNoticeSchema }),
  'server:shutdown': z.strictObject({ reconnectAfterMs: z.number().int().min(0).max(10 * 60_000) }),
  'room:path': roomPathSchema,
  'media:key': z.strictObject({ from: peerIdSchema, blob: sealedMediaKeySchema }),
  'chat:group': z.strictObject({ from: peerIdSchema, blob: sealedGroupChatSchema }),
  'media:origin': z.strictObject({ from: peerIdSchema, blob: frameOriginBlobSchema })
} as const;
export type ServerEventName = keyof ServerToClientEvents;

// Compile-time: the schema map covers exactly the server event map, and each schema's output is what its handler receives.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaKeysMatch: Same<keyof typeof SERVER_EVENT_SCHEMAS, ServerEventName> = true;
type PayloadsMatch = { [E in ServerEventName]: Same<z.infer<(typeof SERVER_EVENT_SCHEMAS)[E]>, Parameters<ServerToClientEvents[E]>[0]> };
const payloadsMatch: { [E in ServerEventName]: true } = {} as PayloadsMatch;
void schemaKeysMatch;
void payloadsMatch;

export const joinResultSchema = z.strictObject({ selfId: peerIdSchema, roomId: roomIdSchema,
  members: z.array(memberSchema).max(MAX_REPORTED_MEMBERS), iceServers: z.array(iceServerSchema).max(MAX_ICE_SERVERS),
  path: roomPathSchema.optional() });

/** What an ack carries: `ok` with a value the caller's schema checks, or a known error code with a bounded message. */
export const ackEnvelopeSchema = z.union([
  z.strictObject({ ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: z.strictObject({ code: z.enum(SIGNALING_ERROR_CODES), message: z.string().max(500) }) })
]);

/** Ack value schemas per client request (null for plain acknowledgements). */
export const ACK_VALUE_SCHEMAS = {
  'room:challenge': z.strictObject({ challenge: joinChallengeSchema }),
  'room:join': joinResultSchema,
  'room:leave': z.null(),
  'signal:relay': z.null(),
  'keys:publish': z.null(),
  'keys:fetch': wireKeyBundleSchema,
  'keys:rotate': z.null(),
  'keys:revoke': z.null(),
  'trust:held': z.null(),
  'sfu:token': roomPathSchema,
  'media:key': z.null(),
  'chat:group': z.null(),
  'media:origin': z.null()
} as const satisfies Record<ClientEventName, z.ZodTypeAny>;

// Compile-time: every client request has an ack schema, and each one's output is the value its ack callback declares.
type AckValueOf<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[1] extends (res: Ack<infer T>) => void ? T : never;
const ackKeysMatch: Same<keyof typeof ACK_VALUE_SCHEMAS, ClientEventName> = true;
type AckValuesMatch = { [E in ClientEventName]: Same<z.infer<(typeof ACK_VALUE_SCHEMAS)[E]>, AckValueOf<E>> };
const ackValuesMatch: { [E in ClientEventName]: true } = {} as AckValuesMatch;
void ackKeysMatch;
void ackValuesMatch;
