// Rooms and presence: join (with capacity and access control), leave, and cleanup on disconnect.
import type { JoinResult, Member } from '../../protocol/signaling';
import { fail, peerChannel, roomChannel, type Ctx, type HandlerMap, type VeilSocket } from '../context';
import { iceServersFor } from '../ice';
import { challengeText, checkJoinProof, issueChallenge } from '../join-proof';
import { pathAfterJoin, sfuAfterLeave } from './sfu';

/** Removes a socket from its room, tells the others, and drops its directory entry. Idempotent. */
export async function leaveRoom(ctx: Ctx, socket: VeilSocket, reason: string): Promise<void> {
  const roomId = socket.data.roomId;
  if (roomId === undefined) return;
  const peerId = socket.data.peerId;
  socket.data.roomId = undefined;
  socket.data.member = undefined;
  socket.data.identityKey = undefined;
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
  await sfuAfterLeave(ctx, roomId);
}

/** One live member per identity per room: ends every other membership of `identityKey` in the room. */
async function evictSameIdentity(ctx: Ctx, roomId: string, identityKey: string, selfPeerId: string): Promise<void> {
  for (const m of await ctx.store.listMembers(roomId)) {
    if (m.peerId === selfPeerId || m.bundle.identityKey !== identityKey) continue;
    const channel = peerChannel(roomId, m.peerId);
    const localId = ctx.io.sockets.adapter.rooms.get(channel)?.values().next().value;
    const local = localId === undefined ? undefined : ctx.io.sockets.sockets.get(localId);
    ctx.io.to(channel).emit('room:evicted', { roomId, reason: 'replaced' });
    if (local) {
      await leaveRoom(ctx, local, 'replaced');
    } else {
      // The older member lives on another instance: close its socket there and drop its records here.
      ctx.io.in(channel).disconnectSockets(true);
      ctx.io.to(roomChannel(roomId)).emit('room:left', { peerId: m.peerId });
      await Promise.all([ctx.store.removeMember(roomId, m.peerId), ctx.store.deleteKey(roomId, m.peerId)]);
    }
    ctx.metrics.replaced.inc();
    ctx.log.info({ event: 'room:replaced', roomId, peerId: m.peerId, by: selfPeerId }, 'membership replaced by a newer join');
  }
}

export const roomHandlers: HandlerMap = {
  async 'room:challenge'(ctx, socket, _req, reply) {
    const challenge = issueChallenge(ctx.now());
    socket.data.challenge = challenge;
    reply({ ok: true, value: { challenge: challengeText(challenge) } });
  },

  async 'room:join'(ctx, socket, req, reply) {
    const { peerId, address } = socket.data;
    // Any join attempt uses up the outstanding challenge, so a proof is never accepted twice.
    const held = socket.data.challenge;
    socket.data.challenge = undefined;
    if (socket.data.roomId !== undefined) return reply(fail(ctx, 'already-in-room', 'leave your current room first'));
    if (req.bundle.roomId !== req.roomId) return reply(fail(ctx, 'bad-request', 'bundle.roomId must equal roomId'));
    const refuse = async (reason: string, guessable: boolean) => {
      await ctx.strikes.fail(address, req.roomId, guessable);
      ctx.metrics.authFailures.inc({ reason });
      ctx.metrics.rejections.inc({ reason });
      ctx.log.warn({ event: 'room:join', roomId: req.roomId, peerId, reason }, 'join refused');
      reply(fail(ctx, 'unauthorized', reason));
    };
    const blocked = await ctx.strikes.blocked(address, req.roomId);
    if (blocked) {
      ctx.metrics.authBackoff.inc({ scope: blocked });
      ctx.log.warn({ event: 'room:join', roomId: req.roomId, peerId, scope: blocked }, 'join refused: too many failed attempts');
      return reply(fail(ctx, 'rate-limited', `too many failed joins ${blocked === 'address' ? 'from this address' : 'for this room'}; try again later`));
    }
    const proofFailure = checkJoinProof(held, ctx.now(), ctx.origins, {
      identityKey: req.bundle.identityKey, roomId: req.roomId, origin: req.origin, keyId: req.bundle.keyId, proof: req.proof
    });
    if (proofFailure) return refuse(proofFailure, false);
    const auth = await ctx.access.checkJoin(req.roomId, { token: req.token, password: req.password });
    if (!auth.ok) return refuse(auth.reason, true);
    await evictSameIdentity(ctx, req.roomId, req.bundle.identityKey, peerId);
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
    socket.data.identityKey = req.bundle.identityKey;
    const record = { bundle: req.bundle, epoch: req.bundle.epoch, identityKey: req.bundle.identityKey };
    socket.data.key = { record, expiresAt: ctx.now() + ctx.config.keyTtlMs };
    void socket.join([roomChannel(req.roomId), peerChannel(req.roomId, peerId)]);
    await ctx.store.putKey(req.roomId, peerId, record, ctx.config.keyTtlMs);
    const members = (await ctx.store.listMembers(req.roomId)).filter((m) => m.peerId !== peerId);
    socket.to(roomChannel(req.roomId)).emit('room:joined', { member });
    ctx.log.info({ event: 'room:join', roomId: req.roomId, peerId, members: members.length + 1 }, 'joined room');
    // Only here, after the join proof and access checks, can a socket learn Janus tokens.
    const path = await pathAfterJoin(ctx, socket, req.roomId, members.length + 1);
    const result: JoinResult = {
      selfId: peerId, roomId: req.roomId, members, iceServers: iceServersFor(ctx.config, peerId, ctx.now()), ...(path ? { path } : {})
    };
    reply({ ok: true, value: result });
  },

  async 'room:leave'(ctx, socket, _req, reply) {
    if (socket.data.roomId === undefined) return reply(fail(ctx, 'not-in-room', 'not in a room'));
    await leaveRoom(ctx, socket, 'leave');
    reply({ ok: true, value: null });
  }
};
