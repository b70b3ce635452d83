// The SFU path for members: the path in join answers, `room:path` when a room changes path (either way), `sfu:token` refresh.
import type { RoomPath } from '../../protocol/sfu';
import { fail, roomChannel, type Ctx, type HandlerMap, type VeilSocket } from '../context';
import { SfuUnavailableError, type PathDecision } from '../sfu/manager';

/**
 * Tells the room's members (all but `except`) the path the manager just moved the room to, then destroys the Janus
 * room it retired (after: members stop their SFU call on the path rather than on Janus closing the room). Janus tokens name no member, so every (proven) member gets the same pair; each
 * refreshes its own.
 */
async function announce(ctx: Ctx, roomId: string, decision: PathDecision, members: number, except?: VeilSocket): Promise<void> {
  if (decision.switched) {
    const to = decision.path.path;
    ctx.log.info({ event: 'room:path', roomId, path: to, members }, to === 'sfu' ? 'room moved to the SFU' : 'room moved back to the mesh');
    (except ? except.to(roomChannel(roomId)) : ctx.io.to(roomChannel(roomId))).emit('room:path', decision.path);
  }
  await decision.teardown();
}

/**
 * The path a member that just passed the join proof gets; tells the rest of the room when this join moved it.
 * Undefined without an SFU. A Janus failure leaves the room a mesh (logged and counted), never fails the join.
 */
export async function pathAfterJoin(ctx: Ctx, socket: VeilSocket, roomId: string, members: number): Promise<RoomPath | undefined> {
  if (!ctx.sfu) return undefined;
  try {
    const decision = await ctx.sfu.pathFor(roomId, members);
    await announce(ctx, roomId, decision, members, socket);
    return decision.path;
  } catch (err) {
    ctx.log.warn({ event: 'room:path', roomId, err: (err as Error).message }, 'SFU unavailable; the room stays a mesh');
    return { path: 'mesh' };
  }
}

/** After a leave (or when the dwell that held a way back ends): the room goes back to the mesh once it has shrunk enough, and its SFU room is torn down (or when empty). */
export async function sfuAfterLeave(ctx: Ctx, roomId: string): Promise<void> {
  if (!ctx.sfu) return;
  if (!ctx.io.sockets.adapter.rooms.has(roomChannel(roomId))) ctx.sfu.forgetLocal(roomId);
  const left = await ctx.store.listMembers(roomId).catch(() => null);
  if (left === null) return;
  await announce(ctx, roomId, await ctx.sfu.afterLeave(roomId, left.length), left.length);
}

export const sfuHandlers: HandlerMap = {
  async 'sfu:token'(ctx, socket, _req, reply) {
    const roomId = socket.data.roomId;
    if (roomId === undefined) return reply(fail(ctx, 'not-in-room', 'not in a room'));
    if (!ctx.sfu) return reply({ ok: true, value: { path: 'mesh' } });
    try {
      const members = (await ctx.store.listMembers(roomId)).length;
      const decision = await ctx.sfu.pathFor(roomId, members);
      reply({ ok: true, value: decision.path });
      await announce(ctx, roomId, decision, members, socket);
    } catch (err) {
      if (err instanceof SfuUnavailableError) return reply(fail(ctx, 'sfu-unavailable', err.message));
      throw err;
    }
  }
};
