// What the renderer accepts from Janus (core API and VideoRoom plugin) over its WebSocket: bounded zod schemas.
import { z } from 'zod';

/** Largest Janus message the client parses (characters); a VideoRoom `joined` with 64 publishers and an SDP fit well within it. */
export const MAX_JANUS_MESSAGE_CHARS = 128 * 1024;
/** Requests one session may have waiting for an answer at once. */
export const MAX_JANUS_PENDING = 64;
/** Publishers one room listing may name (rooms are created with `publishers` = capacity ≤ 64). */
export const MAX_JANUS_PUBLISHERS = 64;
/** Media streams per publisher or subscription (Veil publishes one audio and one video). */
export const MAX_JANUS_STREAMS = 8;
export const MAX_JANUS_SDP_CHARS = 32 * 1024;

/** Janus ids (sessions, handles, feeds) are random integers that stay exact in JSON numbers. */
export const janusIdSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
export const janusTransactionSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
const shortText = z.string().max(256);

export const janusJsepSchema = z.object({
  type: z.enum(['offer', 'answer']),
  sdp: z.string().min(1).max(MAX_JANUS_SDP_CHARS),
  e2ee: z.boolean().optional()
});
export type JanusJsep = z.infer<typeof janusJsepSchema>;

/** One media stream of a publisher as VideoRoom lists it. */
export const janusPublisherStreamSchema = z.object({
  type: z.enum(['audio', 'video', 'data']),
  mindex: z.number().int().min(0).max(64),
  mid: z.string().min(1).max(32),
  disabled: z.boolean().optional(),
  codec: z.string().max(32).optional(),
  simulcast: z.boolean().optional()
});

export const janusPublisherSchema = z.object({
  id: janusIdSchema,
  /** Veil publishes with `display` = its signaling peer id; anything else is not shown. */
  display: z.string().max(256).optional(),
  streams: z.array(janusPublisherStreamSchema).max(MAX_JANUS_STREAMS).optional(),
  talking: z.boolean().optional()
});
export type JanusPublisher = z.infer<typeof janusPublisherSchema>;

const publishers = z.array(janusPublisherSchema).max(MAX_JANUS_PUBLISHERS);

/** One stream of a subscription (`attached` / `updated`): which publisher's media rides on which mid. */
export const janusSubscriptionStreamSchema = z.object({
  mindex: z.number().int().min(0).max(64),
  mid: z.string().min(1).max(32),
  type: z.enum(['audio', 'video', 'data']),
  active: z.boolean().optional(),
  feed_id: janusIdSchema.optional(),
  feed_display: z.string().max(256).optional(),
  feed_mid: z.string().max(32).optional()
});
export type JanusSubscriptionStream = z.infer<typeof janusSubscriptionStreamSchema>;

/** `plugindata.data` of the VideoRoom: the kinds Veil acts on, each with only the fields it reads (others are stripped). */
export const videoRoomDataSchema = z.discriminatedUnion('videoroom', [
  z.object({ videoroom: z.literal('joined'), room: janusIdSchema, id: janusIdSchema, private_id: janusIdSchema.optional(), publishers: publishers.default([]) }),
  z.object({ videoroom: z.literal('attached'), room: janusIdSchema, streams: z.array(janusSubscriptionStreamSchema).max(MAX_JANUS_STREAMS) }),
  z.object({ videoroom: z.literal('updated'), room: janusIdSchema, streams: z.array(janusSubscriptionStreamSchema).max(MAX_JANUS_STREAMS).optional() }),
  z.object({
    videoroom: z.literal('event'),
    room: janusIdSchema.optional(),
    publishers: publishers.optional(),
    /** A publisher stopped publishing (its id), or `ok` for our own unpublish. */
    unpublished: z.union([janusIdSchema, z.literal('ok')]).optional(),
    /** A participant left the room (its id), or `ok` for our own leave. */
    leaving: z.union([janusIdSchema, z.literal('ok')]).optional(),
    configured: z.literal('ok').optional(),
    started: z.literal('ok').optional(),
    paused: z.literal('ok').optional(),
    switched: z.literal('ok').optional(),
    kicked: janusIdSchema.optional(),
    error_code: z.number().int().optional(),
    error: shortText.optional()
  }),
  z.object({ videoroom: z.literal('destroyed'), room: janusIdSchema }),
  z.object({ videoroom: z.enum(['talking', 'stopped-talking', 'slow_link']) })
]);
export type VideoRoomData = z.infer<typeof videoRoomDataSchema>;

const pluginDataSchema = z.object({ plugin: z.literal('janus.plugin.videoroom'), data: videoRoomDataSchema });

const session = { session_id: janusIdSchema.optional() };
const transaction = { transaction: janusTransactionSchema.optional() };
const fromHandle = { session_id: janusIdSchema, sender: janusIdSchema, ...transaction };

/** Every top-level message Janus may send a client; anything else (or a field out of bounds) is refused. */
export const janusIncomingSchema = z.discriminatedUnion('janus', [
  z.object({ janus: z.literal('success'), ...transaction, ...session, sender: janusIdSchema.optional(),
    data: z.object({ id: janusIdSchema }).optional(), plugindata: pluginDataSchema.optional() }),
  z.object({ janus: z.literal('ack'), ...transaction, ...session, hint: shortText.optional() }),
  z.object({ janus: z.literal('error'), ...transaction, ...session,
    error: z.object({ code: z.number().int(), reason: shortText.optional() }) }),
  z.object({ janus: z.literal('event'), ...fromHandle, plugindata: pluginDataSchema, jsep: janusJsepSchema.optional() }),
  z.object({ janus: z.literal('webrtcup'), ...fromHandle }),
  z.object({ janus: z.literal('media'), ...fromHandle, type: z.enum(['audio', 'video']), receiving: z.boolean(), mid: z.string().max(32).optional() }),
  z.object({ janus: z.literal('slowlink'), ...fromHandle }),
  z.object({ janus: z.literal('hangup'), ...fromHandle, reason: shortText.optional() }),
  z.object({ janus: z.literal('detached'), ...fromHandle }),
  z.object({ janus: z.literal('trickle'), ...fromHandle }),
  z.object({ janus: z.literal('timeout'), session_id: janusIdSchema, ...transaction })
]);
export type JanusIncoming = z.infer<typeof janusIncomingSchema>;
export type JanusHandleEvent = Extract<JanusIncoming, { sender: number }>;
