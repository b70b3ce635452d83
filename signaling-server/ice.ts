// ICE servers handed to clients, with coturn TURN REST API credentials (username `${expiry}:${peerId}`).
import { createHmac } from 'node:crypto';
import type { IceServer } from '../protocol/signaling';

export interface IceConfig { iceServers: IceServer[]; turnSecret?: string | undefined; turnTtlSec: number }

const isTurn = (s: IceServer) => (Array.isArray(s.urls) ? s.urls : [s.urls]).some((u) => /^turns?:/i.test(u));

export function turnCredential(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

/** The list for one peer: TURN entries without static credentials get short-lived ones. */
export function iceServersFor(config: IceConfig, peerId: string, nowMs: number): IceServer[] {
  return config.iceServers.map((s) => {
    if (!config.turnSecret || !isTurn(s) || s.username !== undefined) return { ...s };
    const username = `${Math.floor(nowMs / 1000) + config.turnTtlSec}:${peerId}`;
    return { ...s, username, credential: turnCredential(config.turnSecret, username) };
  });
}
