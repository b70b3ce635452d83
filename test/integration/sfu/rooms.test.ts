// A real Janus behind the signaling server: rooms move to the SFU past the threshold, get torn down when empty, and only
// proven members get tokens that Janus accepts; forged, expired and other-room tokens are refused by Janus itself.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sfuPathSchema, type SfuPath } from '../../../protocol/sfu';
import { JanusClient } from '../../../signaling-server/sfu/janus-client';
import type { LocalJanus } from '../../../signaling-server/sfu/launcher';
import { janusCoreToken, janusRoomToken, signJanusToken } from '../../../signaling-server/sfu/tokens';
import { hasJanus, joinAsPublisher, startJanus } from '../../support/janus';
import { errorCode, expectOk, type TestClient } from '../../support/signaling-client';
import { Harness } from '../../support/signaling-harness';

const h = new Harness();
let janus: LocalJanus;
let admin: JanusClient;
beforeAll(async () => {
  janus = await startJanus();
  admin = new JanusClient({ url: janus.url, apiSecret: janus.apiSecret, adminKey: janus.apiSecret });
});
afterEach(() => h.closeAll());
// Each test reads only its own log lines.
beforeEach(() => { h.logs = ''; });
afterAll(async () => { admin?.close(); await janus?.stop(); });

const sfuServer = (extra: Record<string, unknown> = {}) => h.server({
  janusUrls: [janus.url], janusApiSecret: janus.apiSecret, janusTokenSecret: janus.tokenSecret, sfuThreshold: 2, sfuMinDwellMs: 0, ...extra
});

async function member(url: string, roomId: string, name = 'member'): Promise<TestClient> {
  const c = await h.client(url);
  expectOk(await c.join(roomId, name));
  return c;
}

const sfuOf = (path: unknown): SfuPath => sfuPathSchema.parse(path);

describe.skipIf(!hasJanus)('SFU path with a real Janus', () => {
  it('stays a mesh up to the threshold, moves to the SFU past it, and destroys the Janus room when it shrinks back', async () => {
    const s = await sfuServer();
    const a = await member(s.url, 'big', 'a');
    const b = await member(s.url, 'big', 'b');
    expect(expectOk(await a.call('sfu:token', {}))).toEqual({ path: 'mesh' });
    const c = await h.client(s.url);
    const joined = expectOk(await c.join('big', 'carol'));
    const path = sfuOf(joined.path);
    expect(path.url).toBe(janus.url);
    // The members already there are told, with tokens for the same room.
    for (const m of [a, b]) expect(sfuOf(await m.next('room:path')).room).toBe(path.room);
    expect(await admin.roomExists(path.room)).toBe(true);
    // A refresh gives the same room with tokens that last at least as long.
    const refreshed = sfuOf(expectOk(await a.call('sfu:token', {})));
    expect(refreshed.room).toBe(path.room);
    expect(refreshed.expiresAt).toBeGreaterThanOrEqual(path.expiresAt);
    // Back at two members (with threshold 2 that is the floor of the way back) the room returns to the mesh and its
    // Janus room goes; path-back.test.ts covers hysteresis and regrowth.
    c.close();
    for (const m of [a, b]) expect(await m.next('room:path')).toEqual({ path: 'mesh' });
    a.close();
    b.close();
    const deadline = Date.now() + 10_000;
    while (await admin.roomExists(path.room)) {
      if (Date.now() > deadline) throw new Error('Janus room not destroyed');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(h.logs).toContain('SFU room destroyed');
  });

  it('joins racing past the threshold create one Janus room and announce it once', async () => {
    const s = await sfuServer({ sfuThreshold: 1 });
    const a = await member(s.url, 'race', 'a');
    const joiners = await Promise.all(['b', 'c', 'd'].map(() => h.client(s.url)));
    const paths = (await Promise.all(joiners.map((c, i) => c.join('race', `j${i}`)))).map((r) => sfuOf(expectOk(r).path));
    expect(new Set(paths.map((p) => p.room)).size).toBe(1);
    expect(sfuOf(await a.next('room:path')).room).toBe(paths[0]!.room);
    // A round trip on a's socket: any second announcement would have arrived before its answer.
    expectOk(await a.call('sfu:token', {}));
    expect(a.pending('room:path')).toEqual([]);
    expect(h.logs.split('SFU room created').length - 1).toBe(1);
  });

  it('/metrics counts SFU rooms, reachable Janus instances, tokens and teardowns', async () => {
    const token = 'metrics-token-0123456789';
    const s = await sfuServer({ sfuThreshold: 0, metricsToken: token });
    const read = async () => (await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    const a = await member(s.url, 'counted');
    expectOk(await a.call('sfu:token', {}));
    const text = await read();
    expect(text).toMatch(/^veil_signaling_sfu_rooms 1$/m);
    expect(text).toMatch(/^veil_signaling_janus_up 1$/m);
    expect(text).toMatch(/^veil_signaling_sfu_tokens_total 2$/m);
    expect(text).toMatch(/^veil_signaling_sfu_rooms_created_total 1$/m);
    a.close();
    const deadline = Date.now() + 10_000;
    while (!/^veil_signaling_sfu_rooms_destroyed_total 1$/m.test(await read())) {
      if (Date.now() > deadline) throw new Error('teardown not counted');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await read()).toMatch(/^veil_signaling_sfu_rooms 0$/m);
  });

  it('SFU_ROOMS puts a room on the SFU from its first member; the token lifetime is JANUS_TOKEN_TTL_SEC', async () => {
    const s = await sfuServer({ sfuRooms: ['board'], janusTokenTtlSec: 120 });
    const a = await member(s.url, 'board');
    const path = sfuOf(expectOk(await a.call('sfu:token', {})));
    expect(path.expiresAt - Date.now()).toBeGreaterThan(110_000);
    expect(path.expiresAt - Date.now()).toBeLessThanOrEqual(121_000);
    const other = await member(s.url, 'small');
    expect(expectOk(await other.call('sfu:token', {}))).toEqual({ path: 'mesh' });
  });

  it('a member\'s tokens let it attach and join as a publisher; Janus refuses forged, expired and other-room tokens', async () => {
    const s = await sfuServer({ sfuThreshold: 0 });
    const alice = await member(s.url, 'room-a');
    const bob = await member(s.url, 'room-b');
    const a = sfuOf(expectOk(await alice.call('sfu:token', {})));
    const b = sfuOf(expectOk(await bob.call('sfu:token', {})));
    expect(a.room).not.toBe(b.room);
    expect(await joinAsPublisher(a.url, a)).toEqual({ step: 'join', ok: true });

    const exp = Math.floor(Date.now() / 1000) + 600;
    const forgedSecret = 'not-the-token-secret-of-this-janus';
    const cases: Array<[string, { token: string; roomToken?: string; room: number }, { step: string; code: number }]> = [
      ['forged core token', { ...a, token: janusCoreToken(forgedSecret, exp) }, { step: 'create', code: 403 }],
      ['expired core token', { ...a, token: janusCoreToken(janus.tokenSecret, Math.floor(Date.now() / 1000) - 5) }, { step: 'create', code: 403 }],
      ['core token for another plugin', { ...a, token: signJanusToken(janus.tokenSecret, exp, 'janus', ['janus.plugin.echotest']) }, { step: 'attach', code: 405 }],
      ['no room token', { token: a.token, room: a.room }, { step: 'join', code: 433 }],
      ['room token of another room', { token: a.token, roomToken: b.roomToken, room: a.room }, { step: 'join', code: 433 }],
      ['forged room token', { ...a, roomToken: janusRoomToken(forgedSecret, exp, a.room) }, { step: 'join', code: 433 }],
      ['expired room token', { ...a, roomToken: janusRoomToken(janus.tokenSecret, Math.floor(Date.now() / 1000) - 5, a.room) }, { step: 'join', code: 433 }]
    ];
    for (const [name, creds, expected] of cases) {
      expect(await joinAsPublisher(a.url, creds), name).toMatchObject({ ok: false, ...expected });
    }
    // Bob's own pair still works for Bob's room.
    expect(await joinAsPublisher(b.url, b)).toEqual({ step: 'join', ok: true });
  });

  it('a token holder cannot create, list or destroy rooms (admin_key and the room secret stay on the server)', async () => {
    const s = await sfuServer({ sfuThreshold: 0 });
    const m = await member(s.url, 'r');
    const p = sfuOf(expectOk(await m.call('sfu:token', {})));
    const { JanusWire } = await import('../../support/janus');
    const wire = new JanusWire(p.url);
    try {
      const session = ((await wire.send({ janus: 'create', token: p.token })).data as { id: number }).id;
      const handle = ((await wire.send({ janus: 'attach', session_id: session, plugin: 'janus.plugin.videoroom', token: p.token })).data as { id: number }).id;
      const ask = async (body: Record<string, unknown>) => {
        const r = await wire.send({ janus: 'message', session_id: session, handle_id: handle, token: p.token, body });
        return (r.plugindata as { data: Record<string, unknown> }).data;
      };
      expect((await ask({ request: 'create', room: 4242, publishers: 3 })).error_code).toBe(429);
      expect((await ask({ request: 'destroy', room: p.room })).error_code).toBe(429);
      const listed = await ask({ request: 'list' });
      expect((listed.list as Array<{ room: number }>).map((r) => r.room)).not.toContain(p.room);
    } finally {
      wire.close();
    }
    expect(await admin.roomExists(p.room)).toBe(true);
  });

  it('a socket without a proven join gets no path, no tokens and no room:path event', async () => {
    const s = await sfuServer({ sfuThreshold: 1, authFailuresPerAddress: 1000 });
    const intruder = await h.client(s.url);
    const refused = await intruder.joinWith('secret-room', 'mallory', { extra: { proof: undefined, origin: undefined } });
    expect(errorCode(refused)).toBe('unauthorized');
    expect(JSON.stringify(refused)).not.toMatch(/janus|token|sfu/i);
    expect(errorCode(await intruder.call('sfu:token', {}))).toBe('not-in-room');
    // The second member moves the room to the SFU: the first one hears it, the intruder does not.
    const first = await member(s.url, 'secret-room');
    const second = await h.client(s.url);
    const room = sfuOf(expectOk(await second.join('secret-room', 'bob')).path).room;
    expect(sfuOf(await first.next('room:path')).room).toBe(room);
    // Anything sent to the intruder before this answer would have arrived first (one socket, in order).
    expect(errorCode(await intruder.call('sfu:token', {}))).toBe('not-in-room');
    expect(intruder.pending('room:path')).toEqual([]);
    expect(intruder.pending('room:joined')).toEqual([]);
  });
});
