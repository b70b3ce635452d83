// Rooms and presence: join (with capacity and access control), leave, and cleanup on disconnect.
import type { JoinResult, Member } from '../../protocol/signaling';
import { fail, peerChannel, roomChannel, type Ctx, type HandlerMap, type VeilSocket } from '../context';
import { iceServersFor } from '../ice';

/** Removes a socket from its room, tells the others, and drops its directory entry. Idempotent. */
export async function leaveRoom(ctx: Ctx, socket: VeilSocket, reason: string): Promise<void> {
  const roomId = socket.data.roomId;
  if (roomId === undefined) return;
  const peerId = socket.data.peerId;
  socket.data.roomId = undefined;
  socket.data.member = undefined;
  socket.data.key = undefined;
  void socket.leave(roomChannel(roomId));
  void socket.leave(peerChannel(roomId, peerId));
  ctx.io.to(roomChannel(roomId)).emit('room:left', { peerId });
  ctx.log.info({ event: 'room:left', roomId, peerId, reason }, 'left room');
  try {
    await Promise.all([ctx.store.removeMember(roomId, peerId), ctx.store.deleteKey(roomId, peerId)]);
  } catch (err) {
    ctx.log.warn({ roomId, peerId, err: (err as Error).message }, 'store cleanup failed; presence TTL will expire it');
  }
}

export const roomHandlers: HandlerMap = {
  async 'room:join'(ctx, socket, req, reply) {
    const { peerId } = socket.data;
    if (socket.data.roomId !== undefined) return reply(fail(ctx, 'already-in-room', 'leave your current room first'));
    if (req.bundle.roomId !== req.roomId) return reply(fail(ctx, 'bad-request', 'bundle.roomId must equal roomId'));
    const auth = await ctx.access.checkJoin(req.roomId, { token: req.token, password: req.password });
    if (!auth.ok) {
      ctx.metrics.rejections.inc({ reason: auth.reason });
      ctx.log.warn({ event: 'room:join', roomId: req.roomId, peerId, reason: auth.reason }, 'join refused');
      return reply(fail(ctx, 'unauthorized', auth.reason));
    }
    const member: Member = { peerId, displayName: req.displayName, bundle: req.bundle, joinedAt: ctx.now() };
    if (!(await ctx.store.addMember(req.roomId, member, ctx.config.roomCapacity))) {
      return reply(fail(ctx, 'room-full', `room holds at most ${ctx.config.roomCapacity} members`));
    }
    // The socket may have left or joined elsewhere while we awaited the store.
    if (!socket.connected || socket.data.roomId !== undefined) {
      await ctx.store.removeMember(req.roomId, peerId);
      return reply(fail(ctx, 'already-in-room', 'concurrent join'));
    }
    socket.data.roomId = req.roomId;
    socket.data.member = member;
    const record = { bundle: req.bundle, epoch: req.bundle.epoch, identityKey: req.bundle.identityKey };
    socket.data.key = { record, expiresAt: ctx.now() + ctx.config.keyTtlMs };
    void socket.join([roomChannel(req.roomId), peerChannel(req.roomId, peerId)]);
    await ctx.store.putKey(req.roomId, peerId, record, ctx.config.keyTtlMs);
    const members = (await ctx.store.listMembers(req.roomId)).filter((m) => m.peerId !== peerId);
    socket.to(roomChannel(req.roomId)).emit('room:joined', { member });
    ctx.log.info({ event: 'room:join', roomId: req.roomId, peerId, members: members.length + 1 }, 'joined room');
    const result: JoinResult = {
      selfId: peerId, roomId: req.roomId, members, iceServers: iceServersFor(ctx.config, peerId, ctx.now())
    };
    reply({ ok: true, value: result });
  },

  async 'room:leave'(ctx, socket, _req, reply) {
    if (socket.data.roomId === undefined) return reply(fail(ctx, 'not-in-room', 'not in a room'));
    await leaveRoom(ctx, socket, 'leave');
    reply({ ok: true, value: null });
  }
};
