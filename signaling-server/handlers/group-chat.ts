// Room chat relay: one opaque sealed message to every other proven member of the sender's room, `from` stamped from the socket, rate-limited.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { GROUP_CHAT_LIMITS } from '../../protocol/group-chat';
import { fail, roomChannel, type Ctx, type HandlerMap } from '../context';

/** One bucket per server (keyed by peer id) on top of the dispatcher's per-event limits. */
const limiters = new WeakMap<Ctx, RateLimiterMemory>();

function limiterOf(ctx: Ctx): RateLimiterMemory {
  let l = limiters.get(ctx);
  if (!l) limiters.set(ctx, (l = new RateLimiterMemory({ points: GROUP_CHAT_LIMITS.relayPerSocketPerSec, duration: 1, keyPrefix: 'gc' })));
  return l;
}

export const groupChatHandlers: HandlerMap = {
  async 'chat:group'(ctx, socket, req, reply) {
    const { roomId, peerId, member } = socket.data;
    const refuse = (outcome: 'not-in-room' | 'rate-limited', message: string) => {
      ctx.metrics.groupChat.inc({ outcome });
      reply(fail(ctx, outcome, message));
    };
    if (roomId === undefined || !member) return refuse('not-in-room', 'join a room first');
    try {
      await limiterOf(ctx).consume(peerId);
    } catch {
      return refuse('rate-limited', 'too many room messages; slow down');
    }
    // The room channel holds only sockets whose join proof passed; `socket.to` leaves the sender out.
    // Sealed and signed by the sender: the server cannot read, alter or re-attribute it undetected.
    socket.to(roomChannel(roomId)).emit('chat:group', { from: peerId, blob: req.blob });
    ctx.metrics.groupChat.inc({ outcome: 'relayed' });
    ctx.log.debug({ event: 'chat:group', roomId, peerId, bytes: req.blob.length }, 'relayed');
    reply({ ok: true, value: null });
  }
};
