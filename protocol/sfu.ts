// The media path of a room (mesh or Janus SFU) as the server announces it, and the byte-exact Janus token layouts.
import { z } from 'zod';
import { timestampSchema } from './keys';

/** The Janus plugin Veil uses, and the realm of core tokens (Janus's `token_auth_secret` scheme). */
export const JANUS_VIDEOROOM_PLUGIN = 'janus.plugin.videoroom';
export const JANUS_CORE_REALM = 'janus';
/** Longest accepted Janus token (characters): expiry, realm, one descriptor and a base64 HMAC-SHA1 fit well within it. */
export const MAX_JANUS_TOKEN_LENGTH = 256;
/** Numeric Janus room ids stay exact in JSON numbers. */
export const janusRoomSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** base64 (standard alphabet, padded) of a 20-byte HMAC-SHA1: 27 characters and one `=`. */
const HMAC_B64 = '[A-Za-z0-9+/]{27}=';
/** `<expiry>,janus,janus.plugin.videoroom:<sig>`: lets its holder open Janus sessions and attach the VideoRoom plugin. */
export const JANUS_CORE_TOKEN_PATTERN = new RegExp(`^(\\d{1,12}),janus,janus\\.plugin\\.videoroom:${HMAC_B64}$`);
/** `<expiry>,janus.plugin.videoroom,room=<room>:<sig>`: lets its holder join that one VideoRoom room (`signed_tokens`). */
export const JANUS_ROOM_TOKEN_PATTERN = new RegExp(`^(\\d{1,12}),janus\\.plugin\\.videoroom,room=(\\d{1,16}):${HMAC_B64}$`);

/** A ws:// or wss:// URL of printable ASCII: host (or [IPv6]), optional port and path; no user info. */
export const JANUS_URL_PATTERN = /^wss?:\/\/[A-Za-z0-9.\-[\]:]+(\/[\x21-\x7e]*)?$/;
const wsUrlSchema = z.string().max(512).regex(JANUS_URL_PATTERN, 'must be a ws:// or wss:// URL');

export const meshPathSchema = z.strictObject({ path: z.literal('mesh') });
export const sfuPathSchema = z.strictObject({
  path: z.literal('sfu'),
  /** The Janus WebSocket endpoint (subprotocol `janus-protocol`). */
  url: wsUrlSchema,
  room: janusRoomSchema,
  /** Sent as `token` in every Janus API request of the session. */
  token: z.string().max(MAX_JANUS_TOKEN_LENGTH).regex(JANUS_CORE_TOKEN_PATTERN),
  /** Sent as `token` in the VideoRoom `join` body (publisher and subscriber). */
  roomToken: z.string().max(MAX_JANUS_TOKEN_LENGTH).regex(JANUS_ROOM_TOKEN_PATTERN),
  /** When both tokens stop working (ms since the epoch); ask again with `sfu:token` before then. */
  expiresAt: timestampSchema
}).refine((p) => {
  const core = JANUS_CORE_TOKEN_PATTERN.exec(p.token);
  const room = JANUS_ROOM_TOKEN_PATTERN.exec(p.roomToken);
  return !!core && !!room && Number(core[1]) * 1000 === p.expiresAt && Number(room[1]) * 1000 === p.expiresAt
    && room[2] === String(p.room);
}, { message: 'the tokens must name this room and expire at expiresAt' });

/** `{path:'mesh'}`, or where and with what the member reaches the room's SFU. */
export const roomPathSchema = z.union([meshPathSchema, sfuPathSchema]);
export type MeshPath = z.infer<typeof meshPathSchema>;
export type SfuPath = z.infer<typeof sfuPathSchema>;
export type RoomPath = z.infer<typeof roomPathSchema>;

/** Public facts a signaling server answers over plain HTTP before any join: the media servers its rooms may use. */
export const SERVER_INFO_PATH = '/veil/info';
/** At most this many media servers are named (several Janus instances behind one signaling service). */
export const MAX_SERVER_SFU_URLS = 16;
export const serverInfoSchema = z.strictObject({ sfuUrls: z.array(wsUrlSchema).max(MAX_SERVER_SFU_URLS) });
export type ServerInfo = z.infer<typeof serverInfoSchema>;
