// The lobby allows the server's media servers before joining (one reload at most), and a lying /veil/info adds nothing.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ServerAllowList } from '../../main/shell/server-allowlist';
import { allowThenJoin } from '../../renderer/src/features/lobby/join-flow';
import { allowMediaServers, knownOrAskMediaServer, mediaServersOf } from '../../renderer/src/lib/media-servers';
import { installFakeVeil } from './fake-veil';

let server: Server;
let answer: (res: ServerResponse) => void;
let base: string;
let dir: string;
let list: ServerAllowList;

beforeEach(async () => {
  server = createServer((req, res) => {
    if (req.url !== '/veil/info') { res.writeHead(404); res.end(); return; }
    answer(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(path.join(os.tmpdir(), 'veil-media-servers-'));
  // Main's real allow-list behind the fake IPC: a new signaling server is a yes, anything else is what main decides.
  list = await ServerAllowList.load({ file: path.join(dir, 'allowed.json'), confirm: async (o) => o === base });
  installFakeVeil({
    'app:allowServer': (u) => list.allow(u as string),
    'app:allowSfu': (a, b) => list.allowSfu(a as string, b as string)
  });
  sessionStorage.clear();
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

const send = (body: string, status = 200) => (res: ServerResponse) => {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
  res.end(body);
};

describe('media servers before the join', () => {
  it('allows a media server on the same host as the server, then reloads once and stashes the join', async () => {
    answer = send(JSON.stringify({ sfuUrls: ['ws://127.0.0.1:8188/janus'] }));
    let reloads = 0;
    await allowThenJoin({ displayName: 'Ada', serverUrl: base, roomId: 'team' }, { reload: () => { reloads++; } });
    expect(list.origins()).toEqual([base, 'http://127.0.0.1:8188']);
    expect(reloads).toBe(1);
    expect(sessionStorage.getItem('veil.pendingJoin')).toContain('"roomId":"team"');
  });

  it('a media server on another host goes to the user (here: a no) and is left out', async () => {
    answer = send(JSON.stringify({ sfuUrls: ['wss://exfil.example/janus'] }));
    await list.allow(base);
    list.markServed();
    expect(await allowMediaServers(base, await mediaServersOf(base))).toBe(false);
    expect(list.origins()).toEqual([base]);
  });

  it('a media server main said is usable in this page is known at once later; one that needs a reload, or a refusal, is asked again', async () => {
    await list.allow(base);
    const later = 'ws://127.0.0.1:8190/janus';
    // Not in the CSP this page was served with: usable only after a reload, and not remembered.
    expect(await knownOrAskMediaServer(base, later)).toBe('after-reload');
    expect(knownOrAskMediaServer(base, later)).toBeInstanceOf(Promise);
    list.markServed();
    expect(await knownOrAskMediaServer(base, later)).toBe('usable');
    // Known now: answered without a round trip to main, even if main would now say otherwise.
    installFakeVeil({ 'app:allowSfu': () => { throw new Error('main was asked'); } });
    expect(knownOrAskMediaServer(base, later)).toBe('usable');
    // Another signaling server naming the same media server is its own question: main is asked (here it fails: refused).
    expect(await knownOrAskMediaServer('http://127.0.0.1:1', later)).toBe('refused');
  });

  it.each([
    ['a non-ws address', JSON.stringify({ sfuUrls: ['javascript:alert(1)'] })],
    ['an address with a CSP keyword', JSON.stringify({ sfuUrls: ["ws://127.0.0.1:1 'unsafe-eval'"] })],
    ['too many addresses', JSON.stringify({ sfuUrls: Array.from({ length: 17 }, (_, i) => `ws://127.0.0.1:${1000 + i}`) })],
    ['an extra field', JSON.stringify({ sfuUrls: [], connectSrc: '*' })],
    ['not JSON', '<html>hello</html>'],
    ['an oversized answer', JSON.stringify({ sfuUrls: [], pad: 'x'.repeat(20_000) })]
  ])('%s: names no media server, and nothing is added', async (_what, body) => {
    answer = send(body);
    await list.allow(base);
    expect(await mediaServersOf(base)).toEqual([]);
    expect(list.origins()).toEqual([base]);
  });

  it('an older server without the route, or one that never answers, names none and the join goes on', async () => {
    answer = send('{}', 404);
    expect(await mediaServersOf(base)).toEqual([]);
    answer = () => undefined;
    expect(await mediaServersOf(base, 300)).toEqual([]);
  });
});
