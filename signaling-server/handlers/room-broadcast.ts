// Relays of one opaque, sender-signed blob to every other proven member of the sender's room (`chat:group`, `media:origin`): `from` stamped from the socket, rate-limited per peer.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { fail, roomChannel, type Ctx, type Handler } from '../context';
import type { Metrics } from '../metrics';

/** The room-wide events whose payload is `{ blob }` and whose relay is `{ from, blob }`. */
export type RoomBroadcastEvent = 'chat:group' | 'media:origin';

export interface RoomBroadcast {
  /** Blobs one peer may relay per second, on top of the dispatcher's per-event limits. */
  perSecond: number;
  keyPrefix: string;
  metric: keyof Pick<Metrics, 'groupChat' | 'frameOrigin'>;
  /** What the refusal calls the blobs ("room messages", "frame-origin digests"). */
  what: string;
}

/** One rate-limit bucket per server and event (keyed by peer id). */
export function perServerLimiter(points: number, keyPrefix: string): (ctx: Ctx) => RateLimiterMemory {
  const limiters = new WeakMap<Ctx, RateLimiterMemory>();
  return (ctx) => {
    let l = limiters.get(ctx);
    if (!l) limiters.set(ctx, (l = new RateLimiterMemory({ points, duration: 1, keyPrefix })));
    return l;
  };
}

export function roomBroadcastHandler<E extends RoomBroadcastEvent>(event: E, o: RoomBroadcast): Handler<E> {
  const limiterOf = perServerLimiter(o.perSecond, o.keyPrefix);
  return async (ctx, socket, req, reply) => {
    const { roomId, peerId, member } = socket.data;
    const refuse = (outcome: 'not-in-room' | 'rate-limited', message: string) => {
      ctx.metrics[o.metric].inc({ outcome });
      reply(fail(ctx, outcome, message));
    };
    if (roomId === undefined || !member) return refuse('not-in-room', 'join a room first');
    try {
      await limiterOf(ctx).consume(peerId);
    } catch {
      return refuse('rate-limited', `too many ${o.what}; slow down`);
    }
    // The room channel holds only sockets whose join proof passed; `socket.to` leaves the sender out.
    // Signed by the sender: the server cannot read, alter or re-attribute it undetected.
    // Both events carry `{ from, blob }` (protocol/server-events.ts); the generic emit cannot see that through `E`.
    const room = socket.to(roomChannel(roomId));
    (room.emit as (e: RoomBroadcastEvent, ev: { from: string; blob: string }) => boolean).call(room, event, { from: peerId, blob: req.blob });
    ctx.metrics[o.metric].inc({ outcome: 'relayed' });
    ctx.log.debug({ event, roomId, peerId, bytes: req.blob.length }, 'relayed');
    (reply as (r: { ok: true; value: null }) => void)({ ok: true, value: null });
  };
}
