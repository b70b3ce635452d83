// Key directory: publish, fetch, rotate and revoke public bundles, with epoch checks and room broadcasts.
import type { WireKeyBundle } from '../../protocol/keys';
import { fail, roomChannel, type Ctx, type HandlerMap, type VeilSocket } from '../context';
import type { KeyRecord } from '../stores/types';

type Joined = { roomId: string; identityKey: string; peerId: string };

/** The socket's room and the identity it proved when joining; key material is accepted only for that identity. */
function joined(socket: VeilSocket): Joined | null {
  const { roomId, member, peerId, identityKey } = socket.data;
  return roomId !== undefined && member && identityKey !== undefined ? { roomId, identityKey, peerId } : null;
}

/** Checks that key material claims the sender's own identity and room. */
function mismatch(j: Joined, item: { identityKey: string; roomId: string }): string | null {
  if (item.identityKey !== j.identityKey) return 'identityKey differs from the identity you joined with';
  if (item.roomId !== j.roomId) return 'roomId differs from your room';
  return null;
}

async function store(ctx: Ctx, socket: VeilSocket, j: Joined, record: KeyRecord, bundle: WireKeyBundle | null): Promise<void> {
  await ctx.store.putKey(j.roomId, j.peerId, record, ctx.config.keyTtlMs);
  socket.data.key = { record, expiresAt: ctx.now() + ctx.config.keyTtlMs };
  if (bundle && socket.data.member) {
    socket.data.member = { ...socket.data.member, bundle };
    await ctx.store.updateMemberBundle(j.roomId, j.peerId, bundle);
  }
}

export const keyHandlers: HandlerMap = {
  async 'keys:publish'(ctx, socket, req, reply) {
    const j = joined(socket);
    if (!j) return reply(fail(ctx, 'not-in-room', 'join a room first'));
    const bad = mismatch(j, req.bundle);
    if (bad) return reply(fail(ctx, 'unauthorized', bad));
    const prev = await ctx.store.getKey(j.roomId, j.peerId);
    if (prev && req.bundle.epoch < prev.epoch) return reply(fail(ctx, 'stale-epoch', `epoch must be at least ${prev.epoch}`));
    await store(ctx, socket, j, { bundle: req.bundle, epoch: req.bundle.epoch, identityKey: j.identityKey }, req.bundle);
    socket.to(roomChannel(j.roomId)).emit('keys:published', { from: j.peerId, bundle: req.bundle });
    ctx.log.info({ event: 'keys:publish', roomId: j.roomId, peerId: j.peerId, epoch: req.bundle.epoch }, 'bundle published');
    reply({ ok: true, value: null });
  },

  async 'keys:fetch'(ctx, socket, req, reply) {
    const j = joined(socket);
    if (!j) return reply(fail(ctx, 'not-in-room', 'join a room first'));
    const rec = await ctx.store.getKey(j.roomId, req.peerId);
    if (!rec?.bundle) return reply(fail(ctx, 'not-found', 'no current bundle for that peer'));
    reply({ ok: true, value: rec.bundle });
  },

  async 'keys:rotate'(ctx, socket, req, reply) {
    const j = joined(socket);
    if (!j) return reply(fail(ctx, 'not-in-room', 'join a room first'));
    const n = req.notice;
    const bad = mismatch(j, n) ?? mismatch(j, n.bundle);
    if (bad) return reply(fail(ctx, 'unauthorized', bad));
    if (n.bundle.epoch !== n.epoch) return reply(fail(ctx, 'bad-request', 'notice.bundle.epoch must equal notice.epoch'));
    const prev = await ctx.store.getKey(j.roomId, j.peerId);
    if (prev && n.epoch <= prev.epoch) return reply(fail(ctx, 'stale-epoch', `epoch must be greater than ${prev.epoch}`));
    await store(ctx, socket, j, { bundle: n.bundle, epoch: n.epoch, identityKey: j.identityKey }, n.bundle);
    socket.to(roomChannel(j.roomId)).emit('keys:rotated', { from: j.peerId, notice: n });
    ctx.log.info({ event: 'keys:rotate', roomId: j.roomId, peerId: j.peerId, epoch: n.epoch }, 'key rotated');
    reply({ ok: true, value: null });
  },

  async 'keys:revoke'(ctx, socket, req, reply) {
    const j = joined(socket);
    if (!j) return reply(fail(ctx, 'not-in-room', 'join a room first'));
    const n = req.notice;
    const bad = mismatch(j, n);
    if (bad) return reply(fail(ctx, 'unauthorized', bad));
    const prev = await ctx.store.getKey(j.roomId, j.peerId);
    // Clients sign a revocation with the revoked key's own epoch, so revoking the key being served is allowed at
    // its epoch; anything else must move the epoch forward. A replay finds no served key and is stale.
    const revokesServedKey = prev?.bundle !== null && prev?.bundle !== undefined && prev.bundle.keyId === n.keyId && n.epoch === prev.epoch;
    if (prev && n.epoch <= prev.epoch && !revokesServedKey) {
      return reply(fail(ctx, 'stale-epoch', `epoch must be greater than ${prev.epoch}, or equal to it for the key being served`));
    }
    // The revoked key stops being served; another current key (if the notice names an older one) stays.
    const keep = prev?.bundle && prev.bundle.keyId !== n.keyId ? prev.bundle : null;
    await store(ctx, socket, j, { bundle: keep, epoch: n.epoch, identityKey: j.identityKey }, null);
    socket.to(roomChannel(j.roomId)).emit('keys:revoked', { from: j.peerId, notice: n });
    ctx.log.info({ event: 'keys:revoke', roomId: j.roomId, peerId: j.peerId, epoch: n.epoch }, 'key revoked');
    reply({ ok: true, value: null });
  }
};
