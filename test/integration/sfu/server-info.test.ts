// /veil/info: the media servers a signaling server names, public and readable by the app's page (another origin) before any join.
import { afterEach, describe, expect, it } from 'vitest';
import { SERVER_INFO_PATH, serverInfoSchema } from '../../../protocol/sfu';
import { freeLoopbackPort } from '../../../signaling-server/sfu/launcher';
import { Harness } from '../../support/signaling-harness';

const h = new Harness();
afterEach(() => h.closeAll());
const secrets = { janusApiSecret: 'a'.repeat(24), janusTokenSecret: 'b'.repeat(32) };

async function info(url: string) {
  const r = await fetch(`${url}${SERVER_INFO_PATH}`, { headers: { Origin: 'veil://app' } });
  return { status: r.status, cors: r.headers.get('access-control-allow-origin'), body: serverInfoSchema.parse(await r.json()) };
}

describe('/veil/info', () => {
  it('names the public Janus address of each instance (not the one the server itself uses), readable cross-origin', async () => {
    const [p1, p2] = [await freeLoopbackPort(), await freeLoopbackPort()];
    const s = await h.server({ janusUrls: [`ws://127.0.0.1:${p1}`, `ws://127.0.0.1:${p2}`],
      janusPublicUrls: ['wss://sfu1.example.org/janus', 'wss://sfu2.example.org/janus'], ...secrets });
    expect(await info(s.url)).toEqual({ status: 200, cors: '*', body: { sfuUrls: ['wss://sfu1.example.org/janus', 'wss://sfu2.example.org/janus'] } });
  });
  it('without public addresses names the ones it uses; without an SFU names none', async () => {
    const port = await freeLoopbackPort();
    const withSfu = await h.server({ janusUrls: [`ws://127.0.0.1:${port}`], ...secrets });
    expect((await info(withSfu.url)).body).toEqual({ sfuUrls: [`ws://127.0.0.1:${port}`] });
    const plain = await h.server({});
    expect(await info(plain.url)).toEqual({ status: 200, cors: '*', body: { sfuUrls: [] } });
  });
  it('answers GET only, and holds no secret: nothing but the public addresses', async () => {
    const port = await freeLoopbackPort();
    const s = await h.server({ janusUrls: [`ws://127.0.0.1:${port}`], ...secrets });
    expect((await fetch(`${s.url}${SERVER_INFO_PATH}`, { method: 'POST' })).status).toBe(405);
    const text = await (await fetch(`${s.url}${SERVER_INFO_PATH}`)).text();
    expect(text).not.toContain(secrets.janusApiSecret);
    expect(text).not.toContain(secrets.janusTokenSecret);
  });
});
