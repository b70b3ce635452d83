// A room crossing the SFU threshold and back, in Chromium through a real Janus: media moves to the SFU (mesh links go
// quiet, chat goes on), and when a member leaves it moves back onto the existing mesh links without anyone leaving the call.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSignalingServer } from '../../signaling-server/index';
import type { LocalJanus } from '../../signaling-server/sfu/launcher';
import { hasJanus, startJanus } from '../support/janus';
import { Harness, type Peer } from './harness/index';
import { REPO_ROOT } from './harness/paths';
import { waitUntil } from './harness/peer';
import { feedTiles, sfuStats, SFU_STATUS_HOOK } from './harness/sfu-keys';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const notReady = !existsSync(path.join(REPO_ROOT, 'dist/renderer/index.html')) ? 'dist/renderer is not built (node scripts/build.mjs)'
  : !existsSync(chromiumPath) ? 'no Chromium' : !hasJanus ? 'no Janus (apt-get install janus)' : null;
const ROOM = 'path-switch';
const LONG = 240_000;

/** One mesh link of a page: the kinds of track its senders carry, RTP bytes it sent, remote video frames it decoded. */
interface MeshLink { tracks: string[]; sent: number; decoded: number }

/** The page's live mesh connections: those without an encoded transform (the SFU's all have one). */
const meshLinks = (p: Peer) => p.page.evaluate(`(async () => {
  const out = [];
  for (const pc of window.__veilPcs) {
    if (pc.connectionState !== 'connected') continue;
    if (pc.getSenders().some((s) => s.transform) || pc.getReceivers().some((r) => r.transform)) continue;
    const link = { tracks: pc.getSenders().filter((s) => s.track).map((s) => s.track.kind).sort(), sent: 0, decoded: 0 };
    (await pc.getStats()).forEach((r) => {
      if (r.type === 'outbound-rtp') link.sent += r.bytesSent || 0;
      if (r.type === 'inbound-rtp' && r.kind === 'video') link.decoded += r.framesDecoded || 0;
    });
    out.push(link);
  }
  return out;
})()`) as Promise<MeshLink[]>;

/** Dismisses (and prints) the page's alerts: the banner sits over the side panel's tabs. */
async function dismissAlerts(p: Peer): Promise<void> {
  const texts = await p.alertTexts();
  if (texts.length > 0) console.log(`[path-switch] ${p.name} alerts: ${JSON.stringify(texts)}`);
  const buttons = p.page.locator('[data-testid="alert"] button[aria-label="Dismiss"]');
  while (await buttons.count() > 0) await buttons.first().click();
}

const pathOf = (p: Peer) => p.page.getByTestId('call-view').getAttribute('data-path');

describe.skipIf(notReady !== null)(`path switch mesh ⇄ SFU${notReady ? ` (skipped: ${notReady})` : ''}`, () => {
  let janus: LocalJanus;
  let h: Harness;
  let alice: Peer, bob: Peer, carol: Peer;

  beforeAll(async () => {
    janus = await startJanus();
    h = await Harness.start({
      signaling: (port) => createSignalingServer({
        host: '127.0.0.1', port, iceServers: [], logLevel: 'silent', janusUrls: [janus.url], janusApiSecret: janus.apiSecret,
        // Threshold 2: the third member moves the room to the SFU; its leave (2 = the floor of the way back) moves it back
        // at once (no minimum dwell: that rule has its own integration test).
        janusTokenSecret: janus.tokenSecret, sfuThreshold: 2, sfuMinDwellMs: 0
      })
    });
    const open = async (name: string) => {
      const p = await h.peer(name, { viewport: { width: 1000, height: 640 } });
      await p.services.services.servers.add(new URL(janus.url.replace(/^ws/, 'http')).origin);
      await p.context.addInitScript({ content: SFU_STATUS_HOOK });
      await p.reload();
      return p;
    };
    [alice, bob, carol] = [await open('Alice'), await open('Bob'), await open('Carol')];
  }, LONG);
  afterAll(async () => {
    await h?.close();
    await janus?.stop();
  }, 60_000);

  const diagnose = async () => {
    for (const p of [alice, bob, carol]) {
      if (!p) continue;
      console.log(`[path-switch] ${p.name}: path=${await pathOf(p)} alerts=${JSON.stringify(await p.alertTexts())}`
        + ` mesh=${JSON.stringify(await meshLinks(p))} sfu=${JSON.stringify(await sfuStats(p.page))}`);
    }
  };
  afterEach(async (ctx) => { if (ctx.task.result?.state === 'fail') await diagnose().catch(() => undefined); });
  const until = (check: () => Promise<boolean>, ms: number, what: string) => waitUntil(check, ms, what).catch(async (e: unknown) => { await diagnose(); throw e; });
  /** Every mesh link of `p` sends (or not) our audio and video, and there are `n` of them. */
  const meshSends = async (p: Peer, n: number, on: boolean) => {
    const links = await meshLinks(p);
    return links.length === n && links.every((l) => l.tracks.join(',') === (on ? 'audio,video' : ''));
  };

  it('two members on the mesh see each other\'s video', async () => {
    await alice.join(ROOM);
    await bob.join(ROOM);
    await Promise.all([alice.waitConnected(1), bob.waitConnected(1)]);
    for (const p of [alice, bob]) {
      expect(await pathOf(p)).toBe('mesh');
      await until(async () => await meshSends(p, 1, true) && (await meshLinks(p))[0]!.decoded > 10, 60_000, `${p.name}: mesh video`);
    }
  }, LONG);

  it('a third member moves the room to the SFU: all decode through Janus, mesh links carry no media, chat goes on', async () => {
    await carol.join(ROOM);
    const all = [alice, bob, carol];
    for (const p of all) await p.page.locator('[data-testid="call-view"][data-path="sfu"]').waitFor({ timeout: 60_000 });
    for (const p of all) {
      await until(async () => {
        const s = await sfuStats(p.page);
        return s.receiving.length === 2 && s.receiving.every((l) => l.framesDecoded > 5);
      }, 120_000, `${p.name}: both remote videos decoding via the SFU`);
      expect((await feedTiles(p.page)).length).toBe(2);
    }
    // Links made before the switch (Alice–Bob) and on it (Carol's) alike: connected, no track on any sender.
    for (const p of all) await until(() => meshSends(p, 2, false), 60_000, `${p.name}: two mesh links without media`);
    // And no RTP leaves on them: what they sent stays put while the SFU call keeps decoding.
    const before = await Promise.all(all.map(meshLinks));
    const decoded = (await sfuStats(alice.page)).receiving.map((l) => l.framesDecoded);
    await until(async () => (await sfuStats(alice.page)).receiving.every((l, i) => l.framesDecoded > (decoded[i] ?? 0) + 30), 60_000, 'the SFU call to go on');
    const after = await Promise.all(all.map(meshLinks));
    for (const [i, links] of after.entries()) {
      expect(links.reduce((n, l) => n + l.sent, 0), `${all[i]!.name}: mesh RTP bytes sent`).toBe(before[i]!.reduce((n, l) => n + l.sent, 0));
    }
    for (const p of all) await dismissAlerts(p);
    await alice.sendChat('chat over the mesh while the SFU carries the call');
    await bob.waitForMessage('chat over the mesh while the SFU carries the call');
    await carol.waitForMessage('chat over the mesh while the SFU carries the call');
  }, LONG);

  it('one leaves: back to the mesh, the two left see each other\'s video on their mesh link again, chat goes on', async () => {
    const decodedBefore = (await meshLinks(alice)).map((l) => l.decoded);
    await carol.leave();
    for (const p of [alice, bob]) await p.page.locator('[data-testid="call-view"][data-path="mesh"]').waitFor({ timeout: 60_000 });
    for (const p of [alice, bob]) {
      await until(() => meshSends(p, 1, true), 30_000, `${p.name}: the mesh link sends again`);
      await until(async () => (await sfuStats(p.page)).receiving.length === 0, 30_000, `${p.name}: the SFU call stopped`);
      const base = p === alice ? Math.max(0, ...decodedBefore) : (await meshLinks(p))[0]!.decoded;
      await until(async () => ((await meshLinks(p))[0]?.decoded ?? 0) > base + 30, 60_000, `${p.name}: remote video decoding on the mesh`);
      expect(await p.page.getByTestId('tile-feed').count()).toBe(0);
      await until(async () => p.page.locator('[data-testid="tile-peer"] video').evaluateAll((vs) =>
        vs.some((v) => (v as HTMLVideoElement).srcObject !== null && (v as HTMLVideoElement).videoWidth > 0)), 30_000, `${p.name}: the mesh tile shows video`);
    }
    // Janus closing the room under the call is the way back, not a failure to report.
    for (const p of [alice, bob]) expect((await p.alertTexts()).filter((t) => /SFU call stopped/.test(t)), p.name).toEqual([]);
    for (const p of [alice, bob]) await dismissAlerts(p);
    await bob.sendChat('chat after going back to the mesh');
    await alice.waitForMessage('chat after going back to the mesh');
  }, LONG);
});
