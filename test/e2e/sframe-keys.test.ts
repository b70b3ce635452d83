// SFrame in Chromium with keys from main only: the sender's and the member's frame workers get their keys over main's key port; a
// page whose main was not given the key (its member's trust is blocked at the sender) receives the bytes and decodes nothing.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from './harness/index';
import { veilInitScript } from './harness/bridge';
import { keyedWorkerInitScript, startKeyPortHub, type KeyPortHub } from './harness/key-ports';
import { REPO_ROOT } from './harness/paths';
import { waitUntil } from './harness/peer';
import { removeDir, startServices, type PeerServices } from './harness/services';
import { acceptAnswer, answerFrom, keyedStats, offerTo, startKeyedCall } from './harness/sframe-keys-page';
import { serveRenderer, type StaticServer } from './harness/static-server';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const notReady = !existsSync(path.join(REPO_ROOT, 'dist/renderer/frame-worker.js')) ? 'dist/renderer/frame-worker.js is not built (node scripts/build.mjs renderer)'
  : !existsSync(chromiumPath) ? 'no Chromium' : null;
const ROOM = 'sfu-e2e';

interface Side { name: string; peerId: string; services: PeerServices; context: BrowserContext; page: Page; identityKey: string }

describe.skipIf(notReady !== null)(`SFrame keys from main in Chromium${notReady ? ` (skipped: ${notReady})` : ''}`, () => {
  let browser: Browser;
  let web: StaticServer;
  let hub: KeyPortHub;
  let initScript: string;
  const sides: Side[] = [];
  beforeAll(async () => {
    hub = await startKeyPortHub();
    // The page's CSP lets it reach only the key-port stand-in (Electron needs no connect-src for a MessagePort).
    web = await serveRenderer(path.join(REPO_ROOT, 'dist/renderer'), { options: () => ({ connectSources: [new URL(hub.url).origin] }), onDocument: () => {} });
    initScript = `${await veilInitScript('', hub.url)}\n${await keyedWorkerInitScript()}`;
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    for (const s of sides) { await s.context.close().catch(() => {}); await s.services.dispose(); await removeDir(s.services.dataDir); }
    await browser?.close();
    await web?.close();
    await hub?.close();
  });

  async function side(name: string, peerId: string): Promise<Side> {
    const services = await startServices({ origin: web.origin, openMediaKeyPort: hub.opener, mediaKeySwitchDelayMs: 300 });
    const context = await browser.newContext();
    await context.exposeBinding('__veilInvoke', (source, channel: unknown, args: unknown) =>
      services.dispatch(source.frame.url(), channel, Array.isArray(args) ? args : []));
    await context.addInitScript({ content: initScript });
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error(`[${name}] pageerror`, err.message));
    await page.goto(`${web.origin}/sframe-keys`);
    const s: Side = { name, peerId, services, context, page, identityKey: '' };
    s.identityKey = (await call<{ identityKey: string }>(s, 'identity:get')).identityKey;
    sides.push(s);
    return s;
  }
  async function call<T>(s: Side, channel: string, ...args: unknown[]): Promise<T> {
    const r = await s.services.dispatch(`${web.origin}/sframe-keys`, channel, args);
    if (!r.ok) throw new Error(`${s.name} ${channel}: ${r.error.code} ${r.error.message}`);
    return r.value as T;
  }

  it('the member decodes; the page whose main got no key decodes nothing', async () => {
    const alice = await side('alice', 'alicePeerId0001');
    const bob = await side('bob', 'bobPeerId000001');
    const eve = await side('eve', 'evePeerId000001');
    const bundles = new Map<Side, unknown>();
    for (const s of [alice, bob, eve]) bundles.set(s, (await call<{ bundle: unknown }>(s, 'keys:create', ROOM)).bundle);
    // Alice has verified Bob; Eve presents Bob's name with another key: Alice's gate says `changed` and seals her nothing.
    await call(alice, 'session:open', bundles.get(bob), 'bob');
    await call(alice, 'trust:setVerified', bob.identityKey, true);
    expect(await call<{ trust: string }>(alice, 'session:open', bundles.get(eve), 'bob')).toMatchObject({ trust: 'changed' });
    for (const s of [bob, eve]) await call(s, 'session:open', bundles.get(alice), 'alice');

    for (const s of [alice, bob, eve]) await s.page.evaluate(startKeyedCall, { roomId: ROOM, selfId: s.peerId });
    for (const s of [bob, eve]) await call(s, 'media:memberJoined', ROOM, alice.peerId, alice.identityKey);
    const out = { outgoing: [] as { to: string; blob: string }[] };
    for (const s of [bob, eve]) out.outgoing.push(...(await call<typeof out>(alice, 'media:memberJoined', ROOM, s.peerId, s.identityKey)).outgoing);
    expect(out.outgoing.map((d) => d.to)).toEqual([bob.peerId]);
    // The test plays the server's `media:key` relay: the blob is opaque to it.
    for (const d of out.outgoing) await call(bob, 'media:receiveKey', ROOM, alice.peerId, d.blob);

    for (const [i, receiver] of [bob, eve].entries()) {
      const offer = await alice.page.evaluate(offerTo, { selfId: alice.peerId });
      const answer = await receiver.page.evaluate(answerFrom, { senderId: alice.peerId, sdp: offer });
      await alice.page.evaluate(acceptAnswer, { index: i, sdp: answer });
    }
    await waitUntil(async () => (await bob.page.evaluate(keyedStats)).framesDecoded > 10, 90_000, 'bob to decode alice\'s video');
    await waitUntil(async () => {
      const s = await eve.page.evaluate(keyedStats);
      const last = s.statuses.filter((x) => x.type === 'receive-status').at(-1) as { dropped?: number } | undefined;
      return s.videoBytes > 20_000 && (last?.dropped ?? 0) > 50;
    }, 90_000, 'eve to receive and drop alice\'s frames');

    const bobStats = await bob.page.evaluate(keyedStats);
    const eveStats = await eve.page.evaluate(keyedStats);
    expect(eveStats.framesDecoded).toBe(0);
    const eveLast = eveStats.statuses.filter((x) => x.type === 'receive-status').at(-1) as { state: string; decrypted: number; dropReasons: Record<string, number> };
    expect(eveLast.decrypted).toBe(0);
    expect(eveLast.dropReasons['unknown-kid']).toBeGreaterThan(0);
    expect(bobStats.framesDecoded).toBeGreaterThan(10);
    const aliceStats = await alice.page.evaluate(keyedStats);
    expect(aliceStats.statuses.some((x) => x.type === 'send-status' && x.state === 'encrypting')).toBe(true);
    // Nothing the pages saw from the worker or from main names a key.
    expect(JSON.stringify([aliceStats, bobStats, eveStats])).not.toContain('baseKey');
  }, 180_000);
});
