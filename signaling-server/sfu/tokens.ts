// Janus signed tokens (token_auth_secret scheme): `<expiry>,<realm>,<descriptor>:<base64 HMAC-SHA1(secret, data)>`.
import { createHmac } from 'node:crypto';
import { JANUS_CORE_REALM, JANUS_VIDEOROOM_PLUGIN } from '../../protocol/sfu';

/** The data part (`<expiry>,<realm>[,<descriptor>...]`) signed with HMAC-SHA1, as Janus's auth.c checks it. */
export function signJanusToken(secret: string, expirySec: number, realm: string, descriptors: readonly string[]): string {
  const data = [String(expirySec), realm, ...descriptors].join(',');
  return `${data}:${createHmac('sha1', secret).update(data, 'utf8').digest('base64')}`;
}

/** Core token: opens sessions and attaches the VideoRoom plugin (checked by Janus on every API request). */
export const janusCoreToken = (secret: string, expirySec: number) =>
  signJanusToken(secret, expirySec, JANUS_CORE_REALM, [JANUS_VIDEOROOM_PLUGIN]);

/** Room token: joins one room created with `signed_tokens: true` (checked by VideoRoom on `join`). */
export const janusRoomToken = (secret: string, expirySec: number, room: number) =>
  signJanusToken(secret, expirySec, JANUS_VIDEOROOM_PLUGIN, [`room=${room}`]);
