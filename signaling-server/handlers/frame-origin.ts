// Frame-origin relay: one opaque signed digest (§22a) to every other proven member of the sender's room, `from` stamped from the socket, rate-limited.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { FRAME_ORIGIN_LIMITS } from '../../protocol/frame-origin';
import { fail, roomChannel, type Ctx, type HandlerMap } from '../context';

/** One bucket per server (keyed by peer id) on top of the dispatcher's per-event limits. */
const limiters = new WeakMap<Ctx, RateLimiterMemory>();

function limiterOf(ctx: Ctx): RateLimiterMemory {
  let l = limiters.get(ctx);
  if (!l) limiters.set(ctx, (l = new RateLimiterMemory({ points: FRAME_ORIGIN_LIMITS.relayPerSocketPerSec, duration: 1, keyPrefix: 'fo' })));
  return l;
}

export const frameOriginHandlers: HandlerMap = {
  async 'media:origin'(ctx, socket, req, reply) {
    const { roomId, peerId, member } = socket.data;
    const refuse = (outcome: 'not-in-room' | 'rate-limited', message: string) => {
      ctx.metrics.frameOrigin.inc({ outcome });
      reply(fail(ctx, outcome, message));
    };
    if (roomId === undefined || !member) return refuse('not-in-room', 'join a room first');
    try {
      await limiterOf(ctx).consume(peerId);
    } catch {
      return refuse('rate-limited', 'too many frame-origin digests; slow down');
    }
    // The room channel holds only sockets whose join proof passed; `socket.to` leaves the sender out.
    // Signed by the sender: the server cannot alter or re-attribute it undetected.
    socket.to(roomChannel(roomId)).emit('media:origin', { from: peerId, blob: req.blob });
    ctx.metrics.frameOrigin.inc({ outcome: 'relayed' });
    ctx.log.debug({ event: 'media:origin', roomId, peerId, bytes: req.blob.length }, 'relayed');
    reply({ ok: true, value: null });
  }
};
