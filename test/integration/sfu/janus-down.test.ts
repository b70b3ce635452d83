// Janus unreachable: joins still work (the room stays a mesh), `sfu:token` says `sfu-unavailable`, /healthz says so, nothing crashes.
import { afterEach, describe, expect, it } from 'vitest';
import { sfuPathSchema } from '../../../protocol/sfu';
import { freeLoopbackPort } from '../../../signaling-server/sfu/launcher';
import { hasJanus, startJanus } from '../../support/janus';
import { expectOk, until, type TestClient } from '../../support/signaling-client';
import { Harness } from '../../support/signaling-harness';

const h = new Harness();
afterEach(() => h.closeAll());
const secrets = { janusApiSecret: 'a'.repeat(24), janusTokenSecret: 'b'.repeat(32) };

async function health(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${url}/healthz`);
  return { status: r.status, body: await r.json() as Record<string, unknown> };
}

describe('SFU with Janus down', () => {
  it('nothing listening: joins answer mesh, sfu:token answers sfu-unavailable, /healthz is degraded', async () => {
    const s = await h.server({ janusUrls: [`ws://127.0.0.1:${await freeLoopbackPort()}`], ...secrets, sfuThreshold: 1 });
    expect(await health(s.url)).toMatchObject({ status: 503, body: { status: 'degraded', janus: 'down', janusUp: 0, janusTotal: 1 } });
    const clients: TestClient[] = [];
    for (const name of ['a', 'b', 'c']) {
      const c = await h.client(s.url);
      expect(expectOk(await c.join('r', name)).path).toEqual({ path: 'mesh' });
      clients.push(c);
    }
    const res = await clients[0]!.call('sfu:token', {});
    expect(res).toEqual({ ok: false, error: { code: 'sfu-unavailable', message: 'no SFU instance is reachable; retry later' } });
    expect(h.logs).toContain('no Janus instance could host the room');
    // Still serving members.
    expect(expectOk(await clients[1]!.call('room:leave', {}))).toBeNull();
  });

  it.skipIf(!hasJanus)('Janus stopping under a live SFU room: the server notices, keeps serving, and reports it', async () => {
    const janus = await startJanus();
    try {
      const s = await h.server({ janusUrls: [janus.url], janusApiSecret: janus.apiSecret, janusTokenSecret: janus.tokenSecret,
        sfuThreshold: 0, janusHealthMs: 1000 });
      expect((await health(s.url)).body).toMatchObject({ janus: 'ready' });
      const a = await h.client(s.url);
      sfuPathSchema.parse(expectOk(await a.join('live', 'a')).path);
      await janus.stop();
      const deadline = Date.now() + 15_000;
      while ((await health(s.url)).status !== 503) {
        if (Date.now() > deadline) throw new Error('health never reported Janus down');
        await new Promise((r) => setTimeout(r, 100));
      }
      // The existing room's record still answers with tokens; a new room cannot be placed.
      const b = await h.client(s.url);
      expect(expectOk(await b.join('new-room', 'b')).path).toEqual({ path: 'mesh' });
      expect((await b.call('sfu:token', {})).ok).toBe(false);
      a.close();
      // The last leave tries to destroy the room on the dead Janus: logged, counted, not thrown.
      await until(() => h.logs.includes('SFU room teardown failed'), 15_000);
    } finally {
      await janus.stop();
    }
  });
});
