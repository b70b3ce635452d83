// The SFU path for members: the path in join answers, `room:path` when a room crosses the threshold, `sfu:token` refresh.
import type { RoomPath } from '../../protocol/sfu';
import { fail, roomChannel, type Ctx, type HandlerMap, type VeilSocket } from '../context';
import { SfuUnavailableError } from '../sfu/manager';

/**
 * The path a member that just passed the join proof gets; tells the rest of the room when this join moved it to the
 * SFU. Undefined without an SFU. A Janus failure leaves the room a mesh (logged and counted), never fails the join.
 */
export async function pathAfterJoin(ctx: Ctx, socket: VeilSocket, roomId: string, members: number): Promise<RoomPath | undefined> {
  if (!ctx.sfu) return undefined;
  try {
    const { path, switched } = await ctx.sfu.pathFor(roomId, members);
    if (switched) {
      ctx.log.info({ event: 'room:path', roomId, path: 'sfu', members }, 'room moved to the SFU');
      // Janus tokens name no member, so the room's other (proven) members get the same pair; each refreshes its own.
      socket.to(roomChannel(roomId)).emit('room:path', path);
    }
    return path;
  } catch (err) {
    ctx.log.warn({ event: 'room:path', roomId, err: (err as Error).message }, 'SFU unavailable; the room stays a mesh');
    return { path: 'mesh' };
  }
}

/** After a leave: tears the SFU room down once the room is empty. */
export async function sfuAfterLeave(ctx: Ctx, roomId: string): Promise<void> {
  if (!ctx.sfu) return;
  if (!ctx.io.sockets.adapter.rooms.has(roomChannel(roomId))) ctx.sfu.forgetLocal(roomId);
  const left = await ctx.store.listMembers(roomId).catch(() => null);
  if (left !== null && left.length === 0) await ctx.sfu.roomEmptied(roomId);
}

export const sfuHandlers: HandlerMap = {
  async 'sfu:token'(ctx, socket, _req, reply) {
    const roomId = socket.data.roomId;
    if (roomId === undefined) return reply(fail(ctx, 'not-in-room', 'not in a room'));
    if (!ctx.sfu) return reply({ ok: true, value: { path: 'mesh' } });
    try {
      const members = (await ctx.store.listMembers(roomId)).length;
      const { path, switched } = await ctx.sfu.pathFor(roomId, members);
      if (switched) socket.to(roomChannel(roomId)).emit('room:path', path);
      reply({ ok: true, value: path });
    } catch (err) {
      if (err instanceof SfuUnavailableError) return reply(fail(ctx, 'sfu-unavailable', err.message));
      throw err;
    }
  }
};
