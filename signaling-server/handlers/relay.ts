// Signal relay: SDP/ICE (and held notices) to one named peer in the sender's room, with `from` stamped from the socket.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { fail, peerChannel, type Ctx, type HandlerMap, type VeilSocket } from '../context';

/** Peers on other instances recently confirmed by the store, so a burst of ICE candidates (or media keys) costs one Redis lookup. */
const REMOTE_CACHE_MS = 1000;
const remoteSeen = new WeakMap<Ctx, Map<string, number>>();

export async function remotePeerExists(ctx: Ctx, roomId: string, peerId: string, channel: string): Promise<boolean> {
  let cache = remoteSeen.get(ctx);
  if (!cache) remoteSeen.set(ctx, (cache = new Map()));
  const now = ctx.now();
  if ((cache.get(channel) ?? 0) > now) return true;
  if (!(await ctx.store.getMember(roomId, peerId))) return false;
  if (cache.size > 10_000) cache.clear();
  cache.set(channel, now + REMOTE_CACHE_MS);
  return true;
}

/** Held notices one socket may send per minute: one per key change is the normal case, re-sent on a rejoin. */
export const HELD_NOTICES_PER_MINUTE = 6;
const heldLimiters = new WeakMap<Ctx, RateLimiterMemory>();

async function heldAllowed(ctx: Ctx, socket: VeilSocket): Promise<boolean> {
  let limiter = heldLimiters.get(ctx);
  if (!limiter) heldLimiters.set(ctx, (limiter = new RateLimiterMemory({ points: HELD_NOTICES_PER_MINUTE, duration: 60, keyPrefix: 'held' })));
  try {
    await limiter.consume(socket.data.peerId);
    return true;
  } catch {
    return false;
  }
}

/** The target's per-peer channel in the sender's room, or null when no such member exists (on any instance). */
async function targetChannel(ctx: Ctx, roomId: string, to: string): Promise<{ channel: string; scope: string } | null> {
  const channel = peerChannel(roomId, to);
  if (ctx.io.sockets.adapter.rooms.has(channel)) return { channel, scope: 'local' };
  if (ctx.distributed && (await remotePeerExists(ctx, roomId, to, channel))) return { channel, scope: 'remote' };
  return null;
}

export const relayHandlers: HandlerMap = {
  /** Relayed only as signed by the identity this socket proved at join; the receiver checks the signature itself. */
  async 'trust:held'(ctx, socket, req, reply) {
    const { roomId, peerId, member, identityKey } = socket.data;
    if (roomId === undefined || !member) return reply(fail(ctx, 'not-in-room', 'join a room first'));
    if (req.to === peerId) return reply(fail(ctx, 'bad-request', 'cannot send a notice to yourself'));
    if (req.notice.roomId !== roomId || req.notice.signer !== identityKey) return reply(fail(ctx, 'bad-request', 'the notice must be yours, for this room'));
    if (!(await heldAllowed(ctx, socket))) return reply(fail(ctx, 'rate-limited', 'too many held notices; slow down'));
    const target = await targetChannel(ctx, roomId, req.to);
    if (!target) return reply(fail(ctx, 'unknown-peer', 'no such peer in your room'));
    ctx.io.to(target.channel).emit('trust:held', { from: peerId, notice: req.notice });
    ctx.log.debug({ event: 'trust:held', roomId, peerId, to: req.to }, 'relayed');
    reply({ ok: true, value: null });
  },


  async 'signal:relay'(ctx, socket, req, reply) {
    const { roomId, peerId, member } = socket.data;
    if (roomId === undefined || !member) return reply(fail(ctx, 'not-in-room', 'join a room first'));
    if (req.to === peerId) return reply(fail(ctx, 'bad-request', 'cannot relay to yourself'));
    // The per-peer channel is scoped by room, so a peer in another room can never be reached.
    const channel = peerChannel(roomId, req.to);
    let scope = 'local';
    if (!ctx.io.sockets.adapter.rooms.has(channel)) {
      if (!ctx.distributed || !(await remotePeerExists(ctx, roomId, req.to, channel))) {
        return reply(fail(ctx, 'unknown-peer', 'no such peer in your room'));
      }
      scope = 'remote';
    }
    // The binding is a MAC only the two peers can check: relayed as is.
    ctx.io.to(channel).emit('signal:relay', { from: peerId, signal: req.signal, binding: req.binding });
    ctx.metrics.relays.inc({ scope });
    ctx.log.debug({ event: 'signal:relay', roomId, peerId, to: req.to, type: req.signal.type }, 'relayed');
    reply({ ok: true, value: null });
  }
};
