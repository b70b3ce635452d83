// Frame-origin digests over a real signaling server: `media:origin` reaches every other member of the room with `from` stamped; bounds, rate limit, metrics.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FRAME_ORIGIN_LIMITS } from '../../../protocol/frame-origin';
import { Harness } from '../../support/signaling-harness';
import { RedisProcess, hasRedis } from '../../support/redis-server';
import { errorCode, expectOk, type TestClient } from '../../support/signaling-client';

const ROOM = 'origin-int';
const TOKEN = 'frame-origin-metrics-token-0123';
const h = new Harness();
afterEach(() => h.closeAll());

/** A digest-shaped blob: opaque base64url to the server (the receiving main checks the signature). */
const blob = (n: number, c = 'A') => c.repeat(n);

async function member(url: string, name: string, room = ROOM): Promise<TestClient & { selfId: string }> {
  const c = await h.client(url);
  expectOk(await c.join(room, name));
  return c as TestClient & { selfId: string };
}

async function metricsOf(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
}

const count = (metrics: string, outcome: string): number => {
  const m = new RegExp(`^veil_signaling_frame_origin_total\\{outcome="${outcome}"\\} (\\d+)$`, 'm').exec(metrics);
  return m ? Number(m[1]) : 0;
};

describe('frame-origin digests over the signaling server', () => {
  it('relayed to every other member with `from` stamped by the server; not to the sender, not to another room', async () => {
    const s = await h.server();
    const a = await member(s.url, 'alice');
    const b = await member(s.url, 'bob');
    const c = await member(s.url, 'carol');
    const elsewhere = await member(s.url, 'eve', 'another-room');

    const digest = blob(120, 'Q') + '-_09az';
    expectOk(await a.call('media:origin', { blob: digest }));
    for (const m of [b, c]) expect(await m.next('media:origin')).toEqual({ from: a.selfId, blob: digest });
    // Bob answers: alice's first media:origin is bob's (hers never came back to her, it would be queued first).
    expectOk(await b.call('media:origin', { blob: 'AQID' }));
    expect(await a.next('media:origin')).toEqual({ from: b.selfId, blob: 'AQID' });
    expect(await c.next('media:origin')).toEqual({ from: b.selfId, blob: 'AQID' });
    expect(a.pending('media:origin')).toEqual([]);
    expect(b.pending('media:origin')).toEqual([]);
    // A client cannot name the sender itself: `from` in a request is an extra field.
    expect(errorCode(await a.call('media:origin', { blob: 'AQID', from: b.selfId }))).toBe('bad-request');
    // The largest digest fits the default event buffer and is relayed unchanged.
    const largest = blob(FRAME_ORIGIN_LIMITS.maxBlobChars);
    expectOk(await c.call('media:origin', { blob: largest }));
    expect(await a.next('media:origin')).toEqual({ from: c.selfId, blob: largest });
    expect(await b.next('media:origin')).toEqual({ from: c.selfId, blob: largest });
    // The other room relays among its own members (eve is connected and reading) and saw nothing of this room.
    const eve2 = await member(s.url, 'eve2', 'another-room');
    expectOk(await eve2.call('media:origin', { blob: 'AQID' }));
    expect(await elsewhere.next('media:origin')).toEqual({ from: eve2.selfId, blob: 'AQID' });
    expect(elsewhere.pending('media:origin')).toEqual([]);
    // ... and this room saw nothing of it: the next digest at alice is carol's, sent after eve2's.
    expectOk(await c.call('media:origin', { blob: 'AQIE' }));
    expect(await a.next('media:origin')).toEqual({ from: c.selfId, blob: 'AQIE' });
    expect(a.pending('media:origin')).toEqual([]);
    // Each relay is logged once, at debug, with its size: never the blob.
    const relayed = h.logs.split('\n').filter((l) => l.includes('"event":"media:origin"') && l.includes('"msg":"relayed"'));
    expect(relayed).toHaveLength(5);
    for (const l of relayed) expect(JSON.parse(l)).toMatchObject({ level: 20, roomId: expect.any(String), bytes: expect.any(Number) });
    expect(h.logs).not.toContain(digest);
    expect(h.logs).not.toContain(largest);
  });

  it('refused before join, after a failed join and after leaving; malformed payloads refused with typed errors, nothing relayed', async () => {
    const s = await h.server({ metricsToken: TOKEN, maxStrikes: 1000 });
    const x = await member(s.url, 'x');
    const y = await member(s.url, 'y');
    const outsider = await h.client(s.url);
    expect(errorCode(await outsider.call('media:origin', { blob: 'AQID' }))).toBe('not-in-room');
    // A join whose proof fails leaves the socket outside the room: it can neither send nor receive.
    const unproven = await h.client(s.url);
    expect(errorCode(await unproven.joinWith(ROOM, 'u', { signedRoomId: 'another-room' }))).not.toBeNull();
    expect(errorCode(await unproven.call('media:origin', { blob: 'AQID' }))).toBe('not-in-room');
    const leaver = await member(s.url, 'leaver');
    expectOk(await leaver.call('room:leave', {}));
    expect((await y.next('room:left')).peerId).toBe(leaver.selfId);
    expect(errorCode(await leaver.call('media:origin', { blob: 'AQID' }))).toBe('not-in-room');

    expect(errorCode(await x.call('media:origin', { blob: blob(FRAME_ORIGIN_LIMITS.maxBlobChars + 1) }))).toBe('payload-too-large');
    const malformed: unknown[] = [
      { blob: 'not base64!' }, { blob: 'AQID+/' }, { blob: 'AQI=' }, { blob: 'AQ ID' }, { blob: '' },
      { blob: 'AQID', to: y.selfId }, { blob: 'AQID', extra: 1 },
      { blob: 123 }, { blob: ['AQID'] }, { blob: null }, { blob: { b: 'AQID' } }, {}, null, 'AQID', ['AQID']
    ];
    for (const p of malformed) expect(errorCode(await x.call('media:origin', p)), JSON.stringify(p)).toBe('bad-request');
    // Two payload arguments are refused too.
    expect(errorCode(await x.call('media:origin', { blob: 'AQID' }, { blob: 'AQID' }))).toBe('bad-request');
    // Nothing of the above was relayed: y's first digest is the valid one x sent after them all.
    expectOk(await x.call('media:origin', { blob: 'AQID' }));
    expect(await y.next('media:origin')).toEqual({ from: x.selfId, blob: 'AQID' });
    for (const c of [x, y, outsider, unproven, leaver]) expect(c.pending('media:origin')).toEqual([]);

    const metrics = await metricsOf(s.url);
    expect(count(metrics, 'not-in-room')).toBe(3);
    expect(count(metrics, 'relayed')).toBe(1);
    expect(count(metrics, 'rate-limited')).toBe(0);
    expect(metrics).toMatch(/veil_signaling_events_total\{event="media:origin"\} 4$/m);
    expect(metrics).toMatch(/veil_signaling_rejections_total\{reason="payload-too-large"\} 1$/m);
  });

  it(`refuses above ${FRAME_ORIGIN_LIMITS.relayPerSocketPerSec} per second per socket, relays nothing refused, and keeps running`, async () => {
    const s = await h.server({ metricsToken: TOKEN, maxStrikes: 1000 });
    const x = await member(s.url, 'x');
    const y = await member(s.url, 'y');
    const z = await member(s.url, 'z');
    const burst = await Promise.all(Array.from({ length: FRAME_ORIGIN_LIMITS.relayPerSocketPerSec + 10 },
      (_, i) => y.call('media:origin', { blob: `AQID${i}` })));
    const ok = burst.filter((r) => r.ok).length;
    const limited = burst.filter((r) => errorCode(r) === 'rate-limited').length;
    expect(ok + limited).toBe(burst.length);
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThanOrEqual(FRAME_ORIGIN_LIMITS.relayPerSocketPerSec);
    // Another socket's bucket is its own: z's digest goes through, and reaches x after exactly the burst's accepted ones.
    expectOk(await z.call('media:origin', { blob: 'AQIZ' }));
    const atX: unknown[] = [];
    for (let i = 0; i <= ok; i++) atX.push(await x.next('media:origin'));
    expect(atX.at(-1)).toEqual({ from: z.selfId, blob: 'AQIZ' });
    const accepted = burst.flatMap((r, i) => (r.ok ? [{ from: y.selfId, blob: `AQID${i}` }] : []));
    expect(atX.slice(0, -1)).toEqual(accepted);
    expect(x.pending('media:origin')).toEqual([]);
    // The server keeps running: y is still connected and in the room, and a member still hears it.
    expect(y.socket.connected).toBe(true);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    const metrics = await metricsOf(s.url);
    expect(count(metrics, 'rate-limited')).toBe(limited);
    expect(count(metrics, 'relayed')).toBe(ok + 1);
    expect(count(metrics, 'not-in-room')).toBe(0);
  });
});

const redisTitle = hasRedis ? 'frame-origin digests across instances' : 'frame-origin digests across instances (skipped: no redis-server)';
describe.skipIf(!hasRedis)(redisTitle, () => {
  let redis: RedisProcess | null = null;
  beforeAll(async () => { redis = await RedisProcess.start(); });
  afterAll(async () => { await redis?.dispose(); });

  it('reaches members on the other instance through the Redis adapter, `from` stamped, other rooms untouched', async () => {
    const cfg = { redisUrl: redis!.url, redisPrefix: `fo${Math.random().toString(36).slice(2, 8)}` };
    const s1 = await h.server(cfg);
    const s2 = await h.server(cfg);
    const a = await member(s1.url, 'alice');
    const b = await member(s2.url, 'bob');
    const c = await member(s1.url, 'carol');
    const other = await member(s2.url, 'eve', 'another-room');
    expectOk(await a.call('media:origin', { blob: 'AQID' }));
    expect(await b.next('media:origin')).toEqual({ from: a.selfId, blob: 'AQID' });
    expect(await c.next('media:origin')).toEqual({ from: a.selfId, blob: 'AQID' });
    expectOk(await b.call('media:origin', { blob: 'AQIE' }));
    expect(await a.next('media:origin')).toEqual({ from: b.selfId, blob: 'AQIE' });
    expect(await c.next('media:origin')).toEqual({ from: b.selfId, blob: 'AQIE' });
    for (const m of [a, b, c]) expect(m.pending('media:origin')).toEqual([]);
    const eve2 = await member(s1.url, 'eve2', 'another-room');
    expectOk(await eve2.call('media:origin', { blob: 'AQIF' }));
    expect(await other.next('media:origin')).toEqual({ from: eve2.selfId, blob: 'AQIF' });
    expect(other.pending('media:origin')).toEqual([]);
  });
});
