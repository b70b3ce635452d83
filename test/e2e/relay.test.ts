// "Always relay my calls" across network namespaces: two Chromiums with no route between them, a real coturn using the server's TURN secret.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { E2eeSettings } from '../../protocol/ipc-e2ee';
import { NO_RELAY_CANDIDATE } from '../../renderer/src/rtc/ice-policy';
import { createSignalingServer, type SignalingServer } from '../../signaling-server/index';
import { startCoturn, type Coturn } from './harness/coturn';
import { candidatesIn, iceProbeExpr, selectedPairsExpr, type SelectedPair } from './harness/ice';
import { Harness, type Peer } from './harness/index';
import { NetLab, netnsUnavailableReason } from './harness/netns';
import { waitUntil } from './harness/peer';
import { e2eNotReadyReason } from './harness/ready';
import { removeDir, tempDir } from './harness/services';

const skipReason = (await e2eNotReadyReason()) ?? (await netnsUnavailableReason());
if (skipReason) console.log(`[relay.test] skipped: ${skipReason}`);

/** What a page asked the server to relay, as the server received it. */
interface Tapped { socket: string; signal: unknown; raw: string }

const portOf = (url: string) => Number(new URL(url).port);

describe.skipIf(skipReason !== null)(`always relay through coturn, peers in separate network namespaces${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let lab: NetLab | null = null;
  let turn: Coturn | null = null;
  let h: Harness | null = null;
  let scripts = '';
  let a: Peer, b: Peer;
  const secret = randomBytes(24).toString('base64url');
  const tapped: Tapped[] = [];

  /** The real server with the TURN entry and its shared secret, plus a tap on every `signal:relay` it receives. */
  const signaling = async (port: number): Promise<SignalingServer> => {
    const server = await createSignalingServer({ host: '127.0.0.1', port, logLevel: 'silent', iceServers: [{ urls: turn!.url }], turnSecret: secret });
    server.io.on('connection', (socket) => {
      socket.onAny((event: string, payload: { signal?: unknown } | undefined) => {
        if (event === 'signal:relay') tapped.push({ socket: socket.id, signal: payload?.signal, raw: JSON.stringify(payload ?? null) });
      });
    });
    return server;
  };

  beforeAll(async () => {
    lab = await NetLab.create();
    turn = await startCoturn(lab.serviceIp, secret);
    scripts = await tempDir('netns-scripts');
    h = await Harness.start({ signaling, chromiumPath: await lab.chromiumIn(lab.a, scripts) });
    await lab.forwardLoopbackPorts([portOf(h.web.origin), portOf(h.filePorts.url), h.server.port]);
    const browserB = await h.extraBrowser(await lab.chromiumIn(lab.b, scripts));
    a = await h.peer('Alice');
    b = await h.peer('Bob', { browser: browserB });
  }, 180_000);

  afterAll(async () => {
    // Each step runs even if an earlier one failed, so no namespace, coturn or browser outlives the suite.
    await h?.close().catch((e: unknown) => console.error('[relay.test] harness close', e));
    await turn?.close().catch((e: unknown) => console.error('[relay.test] coturn close', e));
    await lab?.close().catch((e: unknown) => console.error('[relay.test] netns cleanup', e));
    if (scripts) await removeDir(scripts);
  }, 60_000);

  const setUp = async (p: Peer, alwaysRelay: boolean, iceOverride: RTCIceServer[] | null) => {
    expect((await p.call<E2eeSettings>('settings:set', { alwaysRelay })).alwaysRelay).toBe(alwaysRelay);
    // The settings panel's own ICE field (localStorage `veil.iceServers`); null = the server's list.
    await p.page.evaluate(`(() => { const v = ${JSON.stringify(iceOverride)}; if (v) localStorage.setItem('veil.iceServers', JSON.stringify(v));
      else localStorage.removeItem('veil.iceServers'); })()`);
  };
  const tileConn = async (p: Peer) => (await p.tiles()).map((t) => t.conn);

  it('control: with the setting off and no relay offered, the namespaces have no route and the call never connects', async () => {
    await expect(lab!.routeFrom(lab!.a, lab!.b.ip)).rejects.toThrow(/unreachable/i);
    await expect(lab!.routeFrom(lab!.b, lab!.a.ip)).rejects.toThrow(/unreachable/i);
    // STUN only (coturn answers it): each page gathers host and reflexive candidates, but nothing can carry media.
    const stunOnly = [{ urls: `stun:${lab!.serviceIp}:${turn!.port}` }];
    await setUp(a, false, stunOnly);
    await setUp(b, false, stunOnly);
    const from = tapped.length;
    await a.join('relay-control');
    await b.join('relay-control');
    // A failed link is either retried (ICE failure) or refused (not authenticated in time): each side must see one.
    const seen = new Set<string>();
    const failed = new Map<Peer, string>();
    let succeededPairs = 0;
    await waitUntil(async () => {
      for (const p of [a, b]) {
        const conns = await tileConn(p);
        for (const c of conns) seen.add(c);
        const conn = conns[0];
        const reason = await p.page.getByTestId('tile-peer').getByTestId('peer-reason').allTextContents();
        if ((conn === 'retrying' || conn === 'refused') && reason[0]) failed.set(p, `${conn}: ${reason[0]}`);
        for (const probe of await p.page.evaluate(iceProbeExpr) as { succeeded: number }[]) succeededPairs += probe.succeeded;
      }
      return failed.size === 2;
    }, 120_000, 'a failed link on both sides');
    expect(seen.has('connected')).toBe(false);
    expect(succeededPairs).toBe(0);
    for (const why of failed.values()) expect(why).toMatch(/connection error|connection closed|connection failed|not authenticated in time/);
    // Without the setting, the pages' real addresses went to the server inside their SDP: what "always relay" hides.
    const sent = tapped.slice(from);
    const types = new Set(sent.flatMap((t) => candidatesIn(t.signal).map((c) => c.type)));
    expect(types.has('host')).toBe(true);
    expect(sent.some((t) => t.raw.includes(lab!.a.ip))).toBe(true);
    expect(sent.some((t) => t.raw.includes(lab!.b.ip))).toBe(true);
    await a.leave();
    await b.leave();
  }, 180_000);

  it('with "always relay" on and no TURN server in the list: nothing leaves, and the link is refused with the reason', async () => {
    const stunOnly = [{ urls: `stun:${lab!.serviceIp}:${turn!.port}` }];
    await setUp(a, true, stunOnly);
    await setUp(b, true, stunOnly);
    const from = tapped.length;
    await a.join('relay-no-turn');
    await b.join('relay-no-turn');
    // Only the initiator builds an offer; it is refused before anything is sent, so the other side never gets one.
    const refusedBy: Peer[] = [];
    await waitUntil(async () => {
      for (const p of [a, b]) if ((await p.alertTexts()).some((t) => t.includes(NO_RELAY_CANDIDATE))) refusedBy.push(p);
      return refusedBy.length > 0;
    }, 60_000, 'a link refused for want of a relay');
    expect(await tileConn(refusedBy[0]!)).toEqual(['refused']);
    expect(tapped.slice(from).filter((t) => candidatesIn(t.signal).length > 0 || typeof (t.signal as { sdp?: unknown })?.sdp === 'string')).toEqual([]);
    await a.leave();
    await b.leave();
  }, 120_000);

  it('with "always relay" on: call and chat work through coturn, the selected pair is relay on both sides, and only relay candidates reach the server', async () => {
    await setUp(a, true, null);
    await setUp(b, true, null);
    const from = tapped.length;
    await a.join('relay-on');
    await b.join('relay-on');
    await Promise.all([a.waitConnected(1, 120_000), b.waitConnected(1, 120_000)]);

    const sent = tapped.slice(from);
    const candidates = sent.flatMap((t) => candidatesIn(t.signal));
    expect(sent.filter((t) => candidatesIn(t.signal).length > 0).length).toBeGreaterThanOrEqual(2);
    expect(candidates.filter((c) => c.type !== 'relay').map((c) => c.line)).toEqual([]);
    expect(candidates.every((c) => c.address === lab!.serviceIp)).toBe(true);
    // A relay candidate's related address would be our reflexive one: it goes out blanked.
    expect(candidates.filter((c) => c.raddr !== null && c.raddr !== '0.0.0.0').map((c) => c.line)).toEqual([]);
    for (const ip of [lab!.a.ip, lab!.b.ip]) {
      expect(sent.filter((t) => t.raw.includes(ip)).map((t) => t.raw.slice(Math.max(0, t.raw.indexOf(ip) - 80), t.raw.indexOf(ip) + 40))).toEqual([]);
    }

    await a.sendChat('over the relay, from Alice');
    await b.waitForMessage('over the relay, from Alice');
    await b.sendChat('and back from Bob');
    await a.waitForMessage('and back from Bob');
    for (const p of [a, b]) {
      await waitUntil(async () => (await p.decodedFrames()).some((f) => f > 0), 60_000, `${p.name} decoding remote video`);
      let pairs: (SelectedPair | null)[] = [];
      await waitUntil(async () => {
        pairs = await p.page.evaluate(selectedPairsExpr) as (SelectedPair | null)[];
        return pairs.length === 1 && pairs[0] !== null;
      }, 30_000, `${p.name}: a selected candidate pair`);
      expect(pairs[0]).toMatchObject({ local: 'relay', remote: 'relay', localAddress: lab!.serviceIp, remoteAddress: lab!.serviceIp });
    }
    // coturn authenticated both pages with the REST credentials the server derived from the shared secret.
    const users = new Set([...turn!.log().matchAll(/realm <veil\.test> user <(\d+:[^>]+)>: incoming packet ALLOCATE processed, success/g)].map((m) => m[1]));
    expect(users.size).toBeGreaterThanOrEqual(2);
  }, 240_000);
});
