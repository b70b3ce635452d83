// Shared types of the server internals: typed socket.io server/socket, per-socket data, and the handler context.
import type { Logger } from 'pino';
import type { Server, Socket } from 'socket.io';
import type { Ack, ClientEventName, ClientToServerEvents, Member, PeerId, ServerToClientEvents, SignalingErrorCode } from '../protocol/signaling';
import type { Access } from './auth';
import type { AuthStrikes } from './auth-strikes';
import type { Challenge } from './join-proof';
import type { ResolvedSignalingConfig } from './config';
import type { Metrics } from './metrics';
import type { SfuManager } from './sfu/manager';
import type { KeyRecord, SignalingStore } from './stores/types';

export interface SocketData {
  peerId: PeerId;
  address: string;
  strikes: number;
  roomId?: string | undefined;
  member?: Member | undefined;
  /** The identity key this socket proved possession of when it joined its room. */
  identityKey?: string | undefined;
  /** The outstanding single-use join challenge. */
  challenge?: Challenge | undefined;
  /** The latest key entry this socket published, restored by the heartbeat if the store lost it. */
  key?: { record: KeyRecord; expiresAt: number } | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type InterServerEvents = {};
export type VeilServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type VeilSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface Ctx {
  io: VeilServer;
  config: ResolvedSignalingConfig;
  store: SignalingStore;
  access: Access;
  strikes: AuthStrikes;
  /** Origins a join proof may name (normalized URL origins). */
  origins: ReadonlySet<string>;
  metrics: Metrics;
  log: Logger;
  now: () => number;
  distributed: boolean;
  /** The SFU path (null when no JANUS_URLS are configured: every room is a mesh). */
  sfu: SfuManager | null;
}

export const roomChannel = (roomId: string) => `room:${roomId}`;
export const peerChannel = (roomId: string, peerId: PeerId) => `peer:${roomId}:${peerId}`;

type AckValue<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[1] extends (res: Ack<infer T>) => void ? T : never;
export type Reply<T> = (res: Ack<T>) => void;
export type Handler<E extends ClientEventName> = (
  ctx: Ctx, socket: VeilSocket, req: Parameters<ClientToServerEvents[E]>[0],
  reply: Reply<AckValue<E>>
) => Promise<void>;
export type HandlerMap = { [E in ClientEventName]?: Handler<E> };

/** A failed result, counted in the rejection metric by its code. */
export function fail(ctx: Ctx, code: SignalingErrorCode, message: string): { ok: false; error: { code: SignalingErrorCode; message: string } } {
  ctx.metrics.rejections.inc({ reason: code });
  return { ok: false, error: { code, message } };
}
