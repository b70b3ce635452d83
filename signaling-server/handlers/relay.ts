// Signal relay: SDP/ICE to one named peer in the sender's room, with `from` stamped from the socket.
import { fail, peerChannel, type Ctx, type HandlerMap } from '../context';

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

export const relayHandlers: HandlerMap = {
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
