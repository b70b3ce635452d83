// A known peer back with a new identity gets no media until the user decides; random server events change nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Adversary, type Json } from './harness/adversary';
import { Harness, type Peer } from './harness/index';
import { happensWithin, pageRtp, tileOf, leaveIfInCall } from './harness/link-attacks';
import { waitUntil } from './harness/peer';
import { e2eNotReadyReason } from './harness/ready';
import { prng } from '../support/prng';

const notReady = await e2eNotReadyReason();
/** Two joins, a restart with a new identity and a watch window on a loaded host (a 2-peer connect took 22 s at load 50). */
const TEST_TIMEOUT_MS = 240_000;


const SERVER_EVENTS = ['room:joined', 'room:left', 'signal:relay', 'keys:published', 'keys:rotated', 'keys:revoked', 'server:shutdown'];
/** Names no client handles (socket.io's reserved names cannot be emitted by a server and are left out). */
const UNKNOWN_EVENTS = ['room:join', 'x:evil', '__proto__', 'constructor', 'toString', 'signal:relay ', 'keys:*', ''];
const SIGNAL_TYPES = ['offer', 'answer', 'pranswer', 'rollback', 'candidate', 'renegotiate', 'transceiverRequest', 'x', ''];

function randomValue(rnd: () => number, depth: number): unknown {
  const r = rnd();
  if (r < 0.1) return null;
  if (r < 0.15) return undefined;
  if (r < 0.3) return Math.floor(rnd() * 2 ** 32) - 2 ** 31;
  if (r < 0.35) return [Number.NaN, Infinity, -0, 1e308][Math.floor(rnd() * 4)];
  if (r < 0.4) return rnd() < 0.5;
  if (r < 0.5) return 'A'.repeat(Math.floor(rnd() * 4) === 0 ? 200_000 : Math.floor(rnd() * 64));
  if (r < 0.6) return String.fromCharCode(...Array.from({ length: 16 }, () => Math.floor(rnd() * 0xd7ff)));
  if (r < 0.8 && depth < 3) return Array.from({ length: Math.floor(rnd() * 4) }, () => randomValue(rnd, depth + 1));
  if (depth < 3) return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 5) }, (_, i) => [`k${i}`, randomValue(rnd, depth + 1)]));
  return 'leaf';
}

/** A random route that is never a real one (real routes come from the server and are 20 characters). */
const fakeRoute = (rnd: () => number) => `fz${Math.floor(rnd() * 1e9).toString(36).padStart(8, '0')}`;

/** Mostly near-valid shapes for the known events (the interesting bugs hide there), plus pure junk. */
function randomEvent(rnd: () => number): { event: string; args: unknown[] } {
  const known = rnd() < 0.85;
  const event = known ? SERVER_EVENTS[Math.floor(rnd() * SERVER_EVENTS.length)]! : UNKNOWN_EVENTS[Math.floor(rnd() * UNKNOWN_EVENTS.length)]!;
  if (rnd() < 0.25) return { event, args: Array.from({ length: Math.floor(rnd() * 3) }, () => randomValue(rnd, 0)) };
  const signal = { type: SIGNAL_TYPES[Math.floor(rnd() * SIGNAL_TYPES.length)], sdp: randomValue(rnd, 1), candidate: randomValue(rnd, 1) };
  const bundle = { identityKey: randomValue(rnd, 2), keyId: randomValue(rnd, 2), ephemeralKey: randomValue(rnd, 2), signature: randomValue(rnd, 2) };
  const payload: Record<string, unknown> = {
    from: fakeRoute(rnd), peerId: fakeRoute(rnd), signal, bundle, notice: randomValue(rnd, 1),
    member: { peerId: fakeRoute(rnd), displayName: randomValue(rnd, 2), bundle, joinedAt: randomValue(rnd, 2) },
    attestation: randomValue(rnd, 1), reconnectAfterMs: randomValue(rnd, 2), extra: randomValue(rnd, 1)
  };
  for (const k of Object.keys(payload)) if (rnd() < 0.3) delete payload[k];
  return { event, args: [payload] };
}

describe.skipIf(notReady !== null)(`key changes and hostile server events${notReady ? ` (skipped: ${notReady})` : ''}`, () => {
  let h: Harness;
  let adv!: Adversary;
  let alice: Peer;
  let bob: Peer;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    h = await Harness.start({ relay: async (url) => (adv = await Adversary.start(url)) });
    alice = await h.peer('Alice');
    bob = await h.peer('Bob');
    for (const p of [alice, bob]) p.page.on('pageerror', (e) => pageErrors.push(`${p.name}: ${e.message}`));
  });
  afterEach(async () => {
    pageErrors.length = 0;
    for (const p of [alice, bob]) await leaveIfInCall(p);
  });
  afterAll(async () => { await h?.close(); }, TEST_TIMEOUT_MS);

  it('a pending key change carries no media to the new key until Bob accepts, then the call works', async () => {
    const room = 'key-change-media';
    const started = Date.now();
    await alice.join(room);
    await bob.join(room);
    await alice.waitConnected(1);
    await bob.waitConnected(1);
    const connectMs = Date.now() - started;
    // Bob keeps Alice as a contact once a message from her key opened (verified continuity): only then is a new key a change.
    await alice.sendChat('hello before the change');
    await bob.waitForMessage('hello before the change');

    await alice.leave();
    await alice.restartServices({ newIdentity: true });
    await alice.reload();
    await alice.join(room);
    const modal = bob.page.getByTestId('key-change-modal');
    await modal.waitFor({ timeout: 30_000 });
    // Watch for as long as the first connection took to come up (twice, at least 3 s): a link would be up by then.
    // Capped well below the 20 s in which Alice's own unanswered link gives up (a decision after that needs her "Try again").
    const window = Math.min(Math.max(3000, 2 * connectMs), 8000);
    const leaked = await happensWithin(async () => (await pageRtp(alice)).bytesReceived > 0 || (await pageRtp(bob)).bytesSent > 0, window);
    const aliceRtp = await pageRtp(alice);
    const bobRtp = await pageRtp(bob);
    const tile = await tileOf(bob, 'Alice');
    console.log(`[key change] watched ${window} ms: Alice received ${aliceRtp.bytesReceived} B, Bob's live links sent ${bobRtp.bytesSent} B; Bob's tile ${JSON.stringify(tile)}`);
    expect({ leaked, aliceReceived: aliceRtp.bytesReceived, bobSent: bobRtp.bytesSent, bobLivePcs: bobRtp.live,
      tileIsPending: tile === null || tile.conn === 'pending-trust' })
      .toEqual({ leaked: false, aliceReceived: 0, bobSent: 0, bobLivePcs: 0, tileIsPending: true });

    await bob.page.getByTestId('key-change-accept').click();
    await modal.waitFor({ state: 'detached' });
    await bob.waitConnected(1);
    await alice.waitConnected(1);
    await waitUntil(async () => (await pageRtp(alice)).bytesReceived > 0, 30_000, 'Bob\'s media at Alice after the accept');
    await bob.sendChat('accepted, welcome back');
    await alice.waitForMessage('accepted, welcome back');
    expect(pageErrors).toEqual([]);
  }, TEST_TIMEOUT_MS);

  it('hundreds of random-shaped server events mid-call: no page error, no new peer or link, chat still flows', async () => {
    const room = 'fuzz-events';
    await alice.join(room);
    await bob.join(room);
    await alice.waitConnected(1);
    await bob.waitConnected(1);
    const pcsBefore = (await pageRtp(alice)).pcs;
    const victim = adv.client('Alice')!;
    const seed = Number(process.env.VEIL_FUZZ_SEED ?? 0x5eed);
    const rnd = prng(seed);
    const COUNT = 300;
    for (let i = 0; i < COUNT; i++) {
      const { event, args } = randomEvent(rnd);
      victim.inject(event, ...args);
    }
    // Socket events arrive in order: once this last announcement is refused, all the others were handled. It is
    // well-formed (Bob's bundle, so it passes any schema) but its key id is changed, so its signature fails.
    const bobBundle = (adv.client('Bob')!.frames({ dir: 'up', event: 'room:join' }).at(-1)!.args[0] as Json).bundle as Json;
    const keyId = String(bobBundle.keyId);
    const sentinel = { ...bobBundle, keyId: (keyId[0] === 'A' ? 'B' : 'A') + keyId.slice(1) };
    victim.inject('room:joined', { member: { peerId: 'fuzzSentinel01', displayName: 'Sentinel', bundle: sentinel, joinedAt: Date.now() } });
    await alice.waitForAlert(/Sentinel/, 60_000);
    const tiles = await alice.tiles();
    const alerts = await alice.alertTexts();
    console.log(`[fuzz] seed ${seed}: ${COUNT} events; Alice's tiles ${JSON.stringify(tiles)}; page errors ${pageErrors.length}; alerts ${JSON.stringify(alerts)}`);
    expect(pageErrors).toEqual([]);
    expect(tiles).toEqual([{ name: 'Bob', conn: 'connected' }]);
    expect((await pageRtp(alice)).pcs).toBe(pcsBefore);
    await bob.sendChat('after the storm');
    await alice.waitForMessage('after the storm');
    await alice.sendChat('still here');
    await bob.waitForMessage('still here');
    // The drops are counted and said (the first of each kind raises an alert).
    expect(alerts.some((t) => /Dropped a malformed/.test(t))).toBe(true);
  }, TEST_TIMEOUT_MS);
});
