// Rooms move between mesh and SFU both ways with a real Janus: back to the mesh after shrinking (with hysteresis), a new Janus room on regrowth, across nodes too.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sfuPathSchema, type SfuPath } from '../../../protocol/sfu';
import { JanusClient } from '../../../signaling-server/sfu/janus-client';
import type { LocalJanus } from '../../../signaling-server/sfu/launcher';
import { hasJanus, startJanus } from '../../support/janus';
import { hasRedis, RedisProcess } from '../../support/redis-server';
import { expectOk, until, type TestClient } from '../../support/signaling-client';
import { Harness } from '../../support/signaling-harness';

const h = new Harness();
const secrets = { apiSecret: 'path-back-api-secret-0123456789', tokenSecret: 'path-back-token-secret-0123456789' };
let janus: LocalJanus;
let admin: JanusClient;
let redis: RedisProcess | null = null;
beforeAll(async () => {
  janus = await startJanus(secrets);
  admin = new JanusClient({ url: janus.url, apiSecret: janus.apiSecret, adminKey: janus.apiSecret });
  if (hasRedis) redis = await RedisProcess.start();
});
afterEach(() => h.closeAll());
beforeEach(() => { h.logs = ''; });
afterAll(async () => { admin?.close(); await janus?.stop(); await redis?.dispose(); });

// No minimum dwell unless a test sets one: these tests are about sizes (the dwell has its own below).
const sfuConfig = (extra: Record<string, unknown> = {}) => ({
  janusUrls: [janus.url], janusApiSecret: secrets.apiSecret, janusTokenSecret: secrets.tokenSecret, sfuThreshold: 2, sfuMinDwellMs: 0, ...extra
});

const sfuOf = (path: unknown): SfuPath => sfuPathSchema.parse(path);
const count = (text: string, needle: string) => text.split(needle).length - 1;

async function member(url: string, roomId: string, name: string): Promise<TestClient> {
  const c = await h.client(url);
  expectOk(await c.join(roomId, name));
  return c;
}

/** The leave is answered once the server has decided the room's path and torn down what it retired. */
async function leave(c: TestClient): Promise<void> {
  expectOk(await c.call('room:leave', {}));
}

/** Nothing more arrived: anything the server sent this socket before answering a round trip is already queued. */
async function quiet(...clients: TestClient[]): Promise<void> {
  for (const c of clients) {
    expectOk(await c.call('sfu:token', {}));
    expect(c.pending('room:path'), 'no further room:path').toEqual([]);
  }
}

describe.skipIf(!hasJanus)('rooms back from the SFU to the mesh', () => {
  it('past the threshold → sfu; shrinking → mesh for the rest and the Janus room destroyed; growing again → a new Janus room', async () => {
    const s = await h.server(sfuConfig());
    const a = await member(s.url, 'ebb', 'a');
    const b = await member(s.url, 'ebb', 'b');
    const c = await h.client(s.url);
    const first = sfuOf(expectOk(await c.join('ebb', 'c')).path);
    for (const m of [a, b]) expect(sfuOf(await m.next('room:path')).room).toBe(first.room);
    expect(await admin.roomExists(first.room)).toBe(true);

    await leave(c);
    for (const m of [a, b]) expect(await m.next('room:path')).toEqual({ path: 'mesh' });
    expect(await admin.roomExists(first.room)).toBe(false);
    expect(count(h.logs, 'room moved back to the mesh')).toBe(1);
    // A refresh on a room that went back answers the mesh; the leaver heard nothing more.
    expect(expectOk(await a.call('sfu:token', {}))).toEqual({ path: 'mesh' });
    expect(c.pending('room:path')).toEqual([]);
    await quiet(a, b);

    const d = await h.client(s.url);
    const second = sfuOf(expectOk(await d.join('ebb', 'd')).path);
    expect(second.room).not.toBe(first.room);
    for (const m of [a, b]) expect(sfuOf(await m.next('room:path')).room).toBe(second.room);
    expect(await admin.roomExists(second.room)).toBe(true);
    expect(count(h.logs, 'SFU room created')).toBe(2);
  });

  it('hysteresis: one leave at the threshold keeps the SFU; the room goes back only at threshold − SFU_HYSTERESIS', async () => {
    const s = await h.server(sfuConfig({ sfuThreshold: 4 }));
    const ms: TestClient[] = [];
    for (const n of ['a', 'b', 'c', 'd']) ms.push(await member(s.url, 'tide', n));
    const e = await h.client(s.url);
    const path = sfuOf(expectOk(await e.join('tide', 'e')).path);
    for (const m of ms) expect(sfuOf(await m.next('room:path')).room).toBe(path.room);
    // 5 → 4 (the threshold) → 5 → 4 → 3: the room stays where it is, nobody is told anything.
    await leave(e);
    const back = await member(s.url, 'tide', 'e2');
    expect(sfuOf(expectOk(await back.call('sfu:token', {}))).room).toBe(path.room);
    await leave(back);
    await leave(ms.pop()!);
    await quiet(...ms);
    expect(sfuOf(expectOk(await ms[0]!.call('sfu:token', {}))).room).toBe(path.room);
    expect(await admin.roomExists(path.room)).toBe(true);
    // 3 → 2 = 4 − 2: back to the mesh.
    await leave(ms.pop()!);
    for (const m of ms) expect(await m.next('room:path')).toEqual({ path: 'mesh' });
    expect(await admin.roomExists(path.room)).toBe(false);
  });

  it('SFU_HYSTERESIS=0 goes back as soon as the room is at the threshold again', async () => {
    const s = await h.server(sfuConfig({ sfuThreshold: 3, sfuHysteresis: 0 }));
    const ms: TestClient[] = [];
    for (const n of ['a', 'b', 'c']) ms.push(await member(s.url, 'flat', n));
    const d = await h.client(s.url);
    const path = sfuOf(expectOk(await d.join('flat', 'd')).path);
    for (const m of ms) sfuOf(await m.next('room:path'));
    await leave(d);
    for (const m of ms) expect(await m.next('room:path')).toEqual({ path: 'mesh' });
    expect(await admin.roomExists(path.room)).toBe(false);
  });

  it('minimum dwell: members joining and leaving at the boundary do not make the room flap; it goes back once, when the dwell ends', async () => {
    const dwellMs = 15_000;
    const s = await h.server(sfuConfig({ sfuMinDwellMs: dwellMs }));
    const a = await member(s.url, 'flap', 'a');
    const b = await member(s.url, 'flap', 'b');
    const movedAt = Date.now();
    const c = await h.client(s.url);
    const path = sfuOf(expectOk(await c.join('flap', 'c')).path);
    for (const m of [a, b]) expect(sfuOf(await m.next('room:path')).room).toBe(path.room);
    // A third member leaving and coming back, again and again: each leave would have sent everyone back to the mesh.
    await leave(c);
    for (let i = 0; i < 4; i++) {
      const again = await member(s.url, 'flap', `c${i}`);
      expect(sfuOf(expectOk(await again.call('sfu:token', {}))).room).toBe(path.room);
      await leave(again);
    }
    await quiet(a, b);
    expect(sfuOf(expectOk(await a.call('sfu:token', {}))).room).toBe(path.room);
    expect(await admin.roomExists(path.room)).toBe(true);
    expect(count(h.logs, 'room moved back to the mesh')).toBe(0);
    expect(count(h.logs, 'SFU room created')).toBe(1);
    // The dwell's end looks again: still two members, so the room goes back, once, and its Janus room goes.
    for (const m of [a, b]) expect(await m.next('room:path', dwellMs + 30_000)).toEqual({ path: 'mesh' });
    expect(Date.now() - movedAt).toBeGreaterThanOrEqual(dwellMs);
    // Members hear the path first; Janus's room is destroyed right after.
    await until(() => count(h.logs, 'SFU room destroyed') === 1);
    expect(await admin.roomExists(path.room)).toBe(false);
    expect(count(h.logs, 'room moved back to the mesh')).toBe(1);
    await quiet(a, b);
  }, 90_000);

  it('SFU_ROOMS rooms never go back to the mesh; the last leave still destroys their Janus room', async () => {
    const s = await h.server(sfuConfig({ sfuRooms: ['board'] }));
    const ms: TestClient[] = [];
    for (const n of ['a', 'b', 'c', 'd']) ms.push(await member(s.url, 'board', n));
    const room = sfuOf(expectOk(await ms[0]!.call('sfu:token', {}))).room;
    while (ms.length > 1) await leave(ms.pop()!);
    await quiet(ms[0]!);
    expect(sfuOf(expectOk(await ms[0]!.call('sfu:token', {}))).room).toBe(room);
    expect(await admin.roomExists(room)).toBe(true);
    await leave(ms.pop()!);
    expect(await admin.roomExists(room)).toBe(false);
  });

  it.skipIf(!hasRedis)('two nodes sharing Redis: one node wins the way back, every remaining member hears it once', async () => {
    const cfg = sfuConfig({ redisUrl: redis?.url, redisPrefix: `p${Math.random().toString(36).slice(2, 8)}`, heartbeatMs: 200, presenceTtlMs: 2000 });
    const [n1, n2] = [await h.server(cfg), await h.server(cfg)];
    const a = await member(n1.url, 'span', 'a');
    const b = await member(n2.url, 'span', 'b');
    const c = await h.client(n1.url);
    const first = sfuOf(expectOk(await c.join('span', 'c')).path);
    for (const m of [a, b]) expect(sfuOf(await m.next('room:path')).room).toBe(first.room);
    await leave(c);
    for (const m of [a, b]) expect(await m.next('room:path')).toEqual({ path: 'mesh' });
    expect(await admin.roomExists(first.room)).toBe(false);
    // The other node agrees: its refresh answers the mesh and does not announce anything.
    expect(expectOk(await b.call('sfu:token', {}))).toEqual({ path: 'mesh' });
    // Regrowth through the other node makes one new Janus room, announced to the members on both nodes.
    const d = await h.client(n2.url);
    const second = sfuOf(expectOk(await d.join('span', 'd')).path);
    expect(second.room).not.toBe(first.room);
    for (const m of [a, b]) expect(sfuOf(await m.next('room:path')).room).toBe(second.room);
    await until(() => count(h.logs, 'SFU room created') === 2);
    expect(count(h.logs, 'room moved back to the mesh')).toBe(1);
    expect(count(h.logs, 'SFU room destroyed')).toBe(1);
    await quiet(a, b);
  });
});
