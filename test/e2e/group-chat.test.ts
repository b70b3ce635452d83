// Room chat on the SFU path in Chromium through a real Janus: one line from a member reaches both others, and main sealed it once.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpcChannel } from '../../protocol/ipc';
import { createSignalingServer } from '../../signaling-server/index';
import type { LocalJanus } from '../../signaling-server/sfu/launcher';
import { hasJanus, startJanus } from '../support/janus';
import { Harness, type Peer } from './harness/index';
import { REPO_ROOT } from './harness/paths';
import { waitUntil } from './harness/peer';
import { feedTiles, SFU_STATUS_HOOK, workerStatus } from './harness/sfu-keys';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const notReady = !existsSync(path.join(REPO_ROOT, 'dist/renderer/index.html')) ? 'dist/renderer is not built (node scripts/build.mjs)'
  : !existsSync(chromiumPath) ? 'no Chromium' : !hasJanus ? 'no Janus (apt-get install janus)' : null;
const NAMES = ['Alice', 'Bob', 'Carol'];
const ROOM = 'sfu-chat';
const LONG = 240_000;

/** Counts every IPC channel the page calls on this member's main from now on (the page's only way to main). */
function countCalls(p: Peer): Map<IpcChannel, number> {
  const counts = new Map<IpcChannel, number>();
  const dispatch = p.services.dispatch;
  p.services.dispatch = (url, channel, args) => {
    counts.set(channel as IpcChannel, (counts.get(channel as IpcChannel) ?? 0) + 1);
    return dispatch(url, channel, args);
  };
  return counts;
}

describe.skipIf(notReady !== null)(`room chat on the SFU path${notReady ? ` (skipped: ${notReady})` : ''}`, () => {
  let janus: LocalJanus;
  let h: Harness;
  const peers: Peer[] = [];

  beforeAll(async () => {
    janus = await startJanus();
    h = await Harness.start({
      signaling: (port) => createSignalingServer({
        host: '127.0.0.1', port, iceServers: [], logLevel: 'silent', janusUrls: [janus.url], janusApiSecret: janus.apiSecret,
        janusTokenSecret: janus.tokenSecret, sfuRooms: [ROOM]
      })
    });
    for (const name of NAMES) {
      const p = await h.peer(name, { viewport: { width: 1000, height: 640 } });
      await p.context.addInitScript({ content: SFU_STATUS_HOOK });
      await p.reload();
      peers.push(p);
    }
  }, LONG);
  afterAll(async () => {
    await h?.close();
    await janus?.stop();
  }, 60_000);

  it('a line from one member reaches both others through chat:group, sealed once by its main (no pairwise seal)', async () => {
    await Promise.all(peers.map((p) => p.join(ROOM)));
    for (const p of peers) await p.page.locator('[data-testid="call-view"][data-path="sfu"]').waitFor({ timeout: 60_000 });
    // Keys in: every member decrypts every other's frames, so each main holds each sender's chat key too.
    for (const p of peers) {
      await waitUntil(async () => {
        const tiles = await feedTiles(p.page);
        const st = await workerStatus(p.page);
        return tiles.length === NAMES.length - 1 && tiles.every((t) => st.receive[t.peer]?.state === 'decrypting');
      }, 120_000, `${p.name}: every other member's frames decrypt`);
    }
    const [alice, bob, carol] = peers as [Peer, Peer, Peer];
    const counts = countCalls(alice);
    const relayedBefore = alice.services.services.e2ee.stats().messagesSealed;
    await alice.sendChat('hello everyone on the SFU');
    await bob.waitForMessage('hello everyone on the SFU');
    await carol.waitForMessage('hello everyone on the SFU');
    expect(counts.get('media:sealGroupChat')).toBe(1);
    expect(counts.get('message:seal') ?? 0).toBe(0);
    expect(alice.services.services.e2ee.stats().messagesSealed - relayedBefore).toBe(1);
    // Shown as from Alice (the name from her member entry), and acknowledged pairwise by each.
    for (const p of [bob, carol]) {
      const line = p.page.locator('[data-testid="chat-message"]', { hasText: 'hello everyone on the SFU' }).first();
      await expect(line.textContent()).resolves.toContain('Alice');
    }
    await alice.waitDelivered('hello everyone on the SFU', ['Bob', 'Carol']);
    // The audit says the same: one room seal, covering both.
    const sealed = (await alice.call<{ type: string; covered?: number }[]>('audit:tail', 200)).filter((e) => e.type === 'group-chat-sealed');
    expect(sealed.map((e) => e.covered)).toEqual([2]);
  }, LONG);
});
