// Scale-out: two instances on one real redis-server share rooms, relay, notices and keys, and survive a Redis restart.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from '../../support/signaling-harness';
import { errorCode, expectOk, until, bindingFor } from '../../support/signaling-client';
import { RedisProcess, hasRedis } from '../../support/redis-server';

const h = new Harness();
let redis: RedisProcess | null = null;

const title = hasRedis ? 'redis mode' : 'redis mode (skipped: /usr/bin/redis-server is not installed)';

describe.skipIf(!hasRedis)(title, () => {
  beforeAll(async () => { redis = await RedisProcess.start(); });
  afterAll(async () => { await redis?.dispose(); });
  afterEach(() => h.closeAll());

  const pair = async (extra: Record<string, unknown> = {}) => {
    const prefix = `t${Math.random().toString(36).slice(2, 8)}`;
    const cfg = { redisUrl: redis!.url, redisPrefix: prefix, heartbeatMs: 200, presenceTtlMs: 2000, ...extra };
    return [await h.server(cfg), await h.server(cfg)] as const;
  };

  it('clients on different instances see each other, relay, get notices and share the key directory', async () => {
    const [s1, s2] = await pair();
    const a = await h.client(s1.url);
    const b = await h.client(s2.url);
    const ja = expectOk(await a.join('r', 'alice'));
    const jb = expectOk(await b.join('r', 'bob'));
    expect(jb.members.map((m) => m.peerId)).toEqual([ja.selfId]);
    expect((await a.next('room:joined')).member.peerId).toBe(jb.selfId);
    expectOk(await a.call('signal:relay', { to: jb.selfId, signal: { type: 'offer', sdp: 'v=0 cross' }, binding: bindingFor('offer') }));
    expect(await b.next('signal:relay')).toEqual({ from: ja.selfId, signal: { type: 'offer', sdp: 'v=0 cross' }, binding: bindingFor('offer') });
    const rot = a.identity.rotation('r');
    expectOk(await a.call('keys:rotate', { notice: rot }));
    expect((await b.next('keys:rotated')).notice).toEqual(rot);
    expect(expectOk(await b.call('keys:fetch', { peerId: ja.selfId }))).toEqual(rot.bundle);
    const health = await (await fetch(`${s1.url}/healthz`)).json();
    expect(health).toMatchObject({ redis: 'ready', status: 'ok' });
    // A peer in another room on the other instance is unreachable.
    const x = await h.client(s2.url);
    const jx = expectOk(await x.join('elsewhere'));
    expect(errorCode(await a.call('signal:relay', { to: jx.selfId, signal: { type: 'offer', sdp: 'x' }, binding: bindingFor('offer') }))).toBe('unknown-peer');
    b.close();
    expect((await a.next('room:left')).peerId).toBe(jb.selfId);
  });

  it('enforces room capacity across instances', async () => {
    const [s1, s2] = await pair({ roomCapacity: 2 });
    expectOk(await (await h.client(s1.url)).join('cap'));
    expectOk(await (await h.client(s2.url)).join('cap'));
    expect(errorCode(await (await h.client(s1.url)).join('cap'))).toBe('room-full');
    expect(errorCode(await (await h.client(s2.url)).join('cap'))).toBe('room-full');
  });

  it('expires directory entries in Redis after the key TTL', async () => {
    const [s1, s2] = await pair({ keyTtlMs: 1000 });
    const a = await h.client(s1.url);
    const b = await h.client(s2.url);
    const ja = expectOk(await a.join('ttl'));
    expectOk(await b.join('ttl'));
    expectOk(await b.call('keys:fetch', { peerId: ja.selfId }));
    let gone = false;
    await until(() => {
      void b.call('keys:fetch', { peerId: ja.selfId }).then((r) => { if (errorCode(r) === 'not-found') gone = true; }, () => undefined);
      return gone;
    }, 10_000, 200);
    expect(errorCode(await (await h.client(s1.url)).call('keys:fetch', { peerId: ja.selfId }))).toBe('not-in-room');
  });

  it('shares join strikes and one membership per identity across instances', async () => {
    const [s1, s2] = await pair({ roomPasswords: { vault: 'right-password' }, authFailuresPerAddress: 3 });
    const wrong1 = await h.client(s1.url, { password: 'wrong' });
    const wrong2 = await h.client(s2.url, { password: 'wrong' });
    expect(errorCode(await wrong1.join('vault'))).toBe('unauthorized');
    expect(errorCode(await wrong2.join('vault'))).toBe('unauthorized');
    expect(errorCode(await wrong1.join('vault'))).toBe('unauthorized');
    // Three strikes from this address, counted in Redis: the other instance refuses the right password too.
    expect(errorCode(await (await h.client(s2.url, { password: 'right-password' })).join('vault'))).toBe('rate-limited');
    expect(errorCode(await (await h.client(s1.url, { password: 'right-password' })).join('vault'))).toBe('rate-limited');

    const [s3, s4] = await pair();
    const first = await h.client(s3.url);
    const watcher = await h.client(s3.url);
    const j1 = expectOk(await first.join('r', 'alice'));
    expectOk(await watcher.join('r', 'bob'));
    const gone = new Promise<string>((resolve) => first.socket.once('disconnect', (reason) => resolve(reason)));
    const second = await h.client(s4.url, { identity: first.identity });
    const j2 = expectOk(await second.join('r', 'alice'));
    expect(j2.members.map((m) => m.displayName)).toEqual(['bob']);
    expect(await first.next('room:evicted')).toEqual({ roomId: 'r', reason: 'replaced' });
    expect(await gone).toBe('io server disconnect');
    expect((await watcher.next('room:left')).peerId).toBe(j1.selfId);
    expect((await watcher.next('room:joined')).member.peerId).toBe(j2.selfId);
  });

  it('keeps running while Redis is down and resumes when it returns', async () => {
    const [s1, s2] = await pair();
    const a = await h.client(s1.url);
    const b = await h.client(s2.url);
    const ja = expectOk(await a.join('r'));
    const jb = expectOk(await b.join('r'));
    await redis!.stop();
    const during = await a.call('keys:fetch', { peerId: jb.selfId });
    expect(['internal', null]).toContain(errorCode(during));
    expect((await (await fetch(`${s1.url}/healthz`)).json())).toMatchObject({ redis: 'down' });
    await redis!.start();
    // Heartbeats restore members and keys into the empty Redis; the pub/sub link resubscribes.
    let fetched = false;
    await until(() => {
      void b.call('keys:fetch', { peerId: ja.selfId }).then((r) => { if (r.ok) fetched = true; }, () => undefined);
      return fetched;
    }, 20_000, 150);
    let relayed = false;
    b.socket.once('signal:relay', () => { relayed = true; });
    await until(() => {
      void a.call('signal:relay', { to: jb.selfId, signal: { type: 'offer', sdp: 'after' }, binding: bindingFor('offer') }).catch(() => undefined);
      return relayed;
    }, 20_000, 150);
    expect((await (await fetch(`${s2.url}/healthz`)).json())).toMatchObject({ redis: 'ready' });
  });
});
