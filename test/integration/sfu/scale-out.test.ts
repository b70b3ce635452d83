// Several Janus instances behind two signaling nodes sharing Redis: rooms spread by load, one Janus room per room across nodes.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sfuPathSchema } from '../../../protocol/sfu';
import { JanusClient } from '../../../signaling-server/sfu/janus-client';
import type { LocalJanus } from '../../../signaling-server/sfu/launcher';
import { hasJanus, joinAsPublisher, startJanus } from '../../support/janus';
import { hasRedis, RedisProcess } from '../../support/redis-server';
import { expectOk, until } from '../../support/signaling-client';
import { Harness } from '../../support/signaling-harness';

const h = new Harness();
let redis: RedisProcess | null = null;
const janus: LocalJanus[] = [];
// Instances behind one signaling service share the API secret and the token secret.
const secrets = { apiSecret: 'scale-out-api-secret-0123456789', tokenSecret: 'scale-out-token-secret-0123456789' };
beforeAll(async () => {
  if (!hasJanus || !hasRedis) return;
  redis = await RedisProcess.start();
  janus.push(await startJanus(secrets), await startJanus(secrets));
});
afterAll(async () => { for (const j of janus) await j.stop(); await redis?.dispose(); });
afterEach(() => h.closeAll());
// Each test reads only its own log lines.
beforeEach(() => { h.logs = ''; });

const nodes = async () => {
  const cfg = { redisUrl: redis!.url, redisPrefix: `t${Math.random().toString(36).slice(2, 8)}`, sfuThreshold: 0, heartbeatMs: 200,
    presenceTtlMs: 2000, janusUrls: janus.map((j) => j.url), janusApiSecret: secrets.apiSecret, janusTokenSecret: secrets.tokenSecret };
  return [await h.server(cfg), await h.server(cfg)] as const;
};

async function joinPath(url: string, roomId: string) {
  const c = await h.client(url);
  return { c, path: sfuPathSchema.parse(expectOk(await c.join(roomId, 'm')).path) };
}

describe.skipIf(!hasJanus || !hasRedis)('SFU scale-out', () => {
  it('one Janus room per room across nodes; the node that sees the last leave destroys it', async () => {
    const [n1, n2] = await nodes();
    const a = await joinPath(n1.url, 'shared');
    const b = await joinPath(n2.url, 'shared');
    expect(b.path.room).toBe(a.path.room);
    expect(b.path.url).toBe(a.path.url);
    expect(h.logs.split('SFU room created').length - 1).toBe(1);
    expect(await joinAsPublisher(b.path.url, b.path)).toEqual({ step: 'join', ok: true });
    const admin = new JanusClient({ url: a.path.url, apiSecret: secrets.apiSecret });
    try {
      expect(await admin.roomExists(a.path.room)).toBe(true);
      a.c.close();
      b.c.close();
      await until(() => h.logs.includes('SFU room destroyed'), 15_000);
      expect(await admin.roomExists(a.path.room)).toBe(false);
    } finally {
      admin.close();
    }
  });

  it('places each new room on the instance with the fewest rooms, counted across nodes', async () => {
    const [n1, n2] = await nodes();
    const first = await joinPath(n1.url, 'one');
    const second = await joinPath(n2.url, 'two');
    expect(second.path.url).not.toBe(first.path.url);
    const third = await joinPath(n1.url, 'three');
    const fourth = await joinPath(n2.url, 'four');
    expect(new Set([third.path.url, fourth.path.url])).toEqual(new Set(janus.map((j) => j.url)));
    // Freeing a room on one instance sends the next room there.
    first.c.close();
    await until(() => h.logs.includes('SFU room destroyed'), 15_000);
    expect((await joinPath(n2.url, 'five')).path.url).toBe(first.path.url);
  });
});
