// Media-key relay: one opaque sealed blob to one member of the sender's room, `from` stamped from the socket, rate-limited.
import { MEDIA_KEY_LIMITS } from '../../protocol/media-key-wire';
import { fail, peerChannel, type HandlerMap } from '../context';
import { remotePeerExists } from './relay';
import { perServerLimiter } from './room-broadcast';

/** One bucket per server (keyed by peer id) on top of the dispatcher's per-event limits: a key burst on join is ~1 per member. */
const limiterOf = perServerLimiter(MEDIA_KEY_LIMITS.relayPerSocketPerSec, 'mk');

export const mediaKeyHandlers: HandlerMap = {
  async 'media:key'(ctx, socket, req, reply) {
    const { roomId, peerId, member } = socket.data;
    const refuse = (outcome: 'not-in-room' | 'bad-request' | 'rate-limited' | 'unknown-peer', message: string) => {
      ctx.metrics.mediaKeys.inc({ outcome });
      reply(fail(ctx, outcome, message));
    };
    if (roomId === undefined || !member) return refuse('not-in-room', 'join a room first');
    if (req.to === peerId) return refuse('bad-request', 'cannot send a media key to yourself');
    try {
      await limiterOf(ctx).consume(peerId);
    } catch {
      return refuse('rate-limited', 'too many media keys; slow down');
    }
    const channel = peerChannel(roomId, req.to);
    let scope: 'local' | 'remote' = 'local';
    if (!ctx.io.sockets.adapter.rooms.has(channel)) {
      if (!ctx.distributed || !(await remotePeerExists(ctx, roomId, req.to, channel))) return refuse('unknown-peer', 'no such peer in your room');
      scope = 'remote';
    }
    // Sealed for the recipient's pairwise session: the server cannot open, alter or redirect it undetected.
    ctx.io.to(channel).emit('media:key', { from: peerId, blob: req.blob });
    ctx.metrics.mediaKeys.inc({ outcome: scope === 'local' ? 'relayed' : 'relayed-remote' });
    ctx.log.debug({ event: 'media:key', roomId, peerId, to: req.to, scope }, 'relayed');
    reply({ ok: true, value: null });
  }
};
