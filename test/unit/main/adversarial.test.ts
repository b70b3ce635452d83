// Adversarial cases through the IPC dispatcher: tampering, misdirection, replays, reordering, stale/expired/revoked keys, notices.
import { afterEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../protocol/limits';
import { HEADER_BYTES, MAX_COUNTER_JUMP, OFFSETS, REPLAY_WINDOW_SIZE, sealEnvelope, u64be } from '../../../main/crypto';
import { Clock, partsOf, expectCode, idOf, joinAll, makePeer, text, untext, type Peer } from './harness';

let peers: Peer[] = [];
afterEach(async () => {
  for (const p of peers) await p.services.dispose();
  peers = [];
});
async function trio(clock = new Clock()) {
  const ps = await Promise.all(['alice', 'bob', 'carol'].map((n) => makePeer(n, { clock })));
  peers.push(...ps);
  await joinAll('r', ps);
  const [a, b, c] = ps as [Peer, Peer, Peer];
  return { clock, a, b, c, ia: await idOf(a), ib: await idOf(b), ic: await idOf(c) };
}
/** Snapshot of everything a failed open must not change. */
function stateOf(p: Peer) {
  return JSON.stringify({ stats: p.services.e2ee.stats().messagesOpened,
    windows: partsOf(p.services).peers.peersIn('r').map((x) => x.sessions.map((s) => [s.counters.window.highestSeen, s.counters.sendCounter])) });
}

describe('adversarial envelopes', () => {
  it('every single-bit flip of a sealed envelope is rejected and changes no state', async () => {
    const { a, b, ia, ib } = await trio();
    const env = await a.call('message:seal', 'r', ib, text('flip me'));
    const before = stateOf(b);
    const codes = new Set<string>();
    for (let i = 0; i < env.length * 8; i++) {
      const bad = env.slice();
      bad[i >> 3]! ^= 1 << (i & 7);
      const r = await b.raw('message:open', ['r', ia, bad]);
      expect(r.ok, `bit ${i}`).toBe(false);
      if (!r.ok) codes.add(r.error.code);
    }
    expect(stateOf(b)).toBe(before);
    expect([...codes].sort()).toEqual(expect.arrayContaining(['bad-signature', 'malformed', 'wrong-recipient', 'unknown-key']));
    expect(untext((await b.call('message:open', 'r', ia, env)).plaintext)).toBe('flip me');
  });

  it('unsigned envelopes: every bit flip rejected too (AEAD), and signatures cannot be stripped', async () => {
    const { a, b, ia, ib } = await trio();
    await a.call('settings:set', { signMessages: false });
    const env = await a.call('message:seal', 'r', ib, text('unsigned'));
    for (let i = 0; i < env.length * 8; i++) {
      const bad = env.slice();
      bad[i >> 3]! ^= 1 << (i & 7);
      expect((await b.raw('message:open', ['r', ia, bad])).ok, `bit ${i}`).toBe(false);
    }
    await a.call('settings:set', { signMessages: true });
    const signed = await a.call('message:seal', 'r', ib, text('signed'));
    const stripped = signed.slice(0, signed.length - 64);
    stripped[OFFSETS.flags] = 0;
    await expectCode(b.call('message:open', 'r', ia, stripped), 'decrypt-failed');
    expect(untext((await b.call('message:open', 'r', ia, env)).plaintext)).toBe('unsigned');
  });

  it('wrong recipient, relabelled sender and forwarding to a third party are rejected', async () => {
    const { a, b, c, ia, ib, ic } = await trio();
    const env = await a.call('message:seal', 'r', ib, text('for bob'));
    await expectCode(c.call('message:open', 'r', ia, env), 'wrong-recipient');
    await expectCode(b.call('message:open', 'r', ic, env), 'unknown-key');
    const toCarol = await a.call('message:seal', 'r', ic, text('for carol'));
    await expectCode(b.call('message:open', 'r', ia, toCarol), 'wrong-recipient');
    expect(untext((await b.call('message:open', 'r', ia, env)).plaintext)).toBe('for bob');
  });

  it('reordering within the window is accepted exactly once; too old or duplicate is a replay', async () => {
    const { a, b, ia, ib } = await trio();
    const envs = [];
    for (let i = 0; i < 10; i++) envs.push(await a.call('message:seal', 'r', ib, text(`m${i}`)));
    for (const i of [9, 3, 0, 5, 1, 2, 8, 4, 6, 7]) expect(untext((await b.call('message:open', 'r', ia, envs[i]!)).plaintext)).toBe(`m${i}`);
    for (const e of envs) await expectCode(b.call('message:open', 'r', ia, e), 'replay');
    const first = await a.call('message:seal', 'r', ib, text('old'));
    for (let i = 0; i < REPLAY_WINDOW_SIZE; i++) await a.call('message:seal', 'r', ib, text('skip'));
    const newest = await a.call('message:seal', 'r', ib, text('new'));
    await b.call('message:open', 'r', ia, newest);
    await expectCode(b.call('message:open', 'r', ia, first), 'replay');
  });

  it('a huge counter jump is rejected before crypto and changes nothing', async () => {
    const { a, b, ia, ib } = await trio();
    const session = partsOf(a.services).peers.current(partsOf(a.services).peers.get('r', ib)!)!;
    session.counters.sendCounter = MAX_COUNTER_JUMP + 5;
    const far = await a.call('message:seal', 'r', ib, text('far'));
    const before = stateOf(b);
    await expectCode(b.call('message:open', 'r', ia, far), 'replay');
    expect(stateOf(b)).toBe(before);
    const forged = far.slice();
    forged.set(u64be(2 ** 53 - 1), OFFSETS.counter);
    await expectCode(b.call('message:open', 'r', ia, forged), 'replay');
  });

  it('stale and future-dated envelopes are rejected (freshness TTL)', async () => {
    const { clock, a, b, ia, ib } = await trio();
    const env = await a.call('message:seal', 'r', ib, text('slow'));
    clock.advance(LIMITS.freshnessTtlMs + 1);
    await expectCode(b.call('message:open', 'r', ia, env), 'stale');
    const session = partsOf(a.services).peers.current(partsOf(a.services).peers.get('r', ib)!)!;
    const future = sealEnvelope(partsOf(a.services).backend, { sendKey: session.keys.sendKey, counter: 999, sentAt: clock.t + LIMITS.freshnessTtlMs + 10,
      senderKeyId: session.myKeyId, recipientKeyId: session.peerKeyId }, text('future'));
    await expectCode(b.call('message:open', 'r', ia, future), 'stale');
  });

  it('replay after rotation and across sessions (close + reopen) is still rejected; counters never restart', async () => {
    const { a, b, ia, ib } = await trio();
    const env = await a.call('message:seal', 'r', ib, text('once'));
    await b.call('message:open', 'r', ia, env);
    await b.call('keys:applyRotation', await a.call('keys:rotate', 'r'));
    await expectCode(b.call('message:open', 'r', ia, env), 'replay');
    await b.call('session:close', 'r', ia);
    await expectCode(b.call('message:open', 'r', ia, env), 'unknown-key');
    await b.call('session:open', (await a.call('keys:get', 'r')).bundle, 'alice');
    const e2 = await a.call('message:seal', 'r', ib, text('two'));
    await b.call('message:open', 'r', ia, e2);
    await b.call('session:close', 'r', ia);
    await b.call('session:open', (await a.call('keys:get', 'r')).bundle, 'alice');
    await expectCode(b.call('message:open', 'r', ia, e2), 'replay');
    const back = await b.call('message:seal', 'r', ia, text('back'));
    expect(new DataView(back.buffer, back.byteOffset + OFFSETS.counter).getUint32(4)).toBe(1);
  });

  it('unknown version, truncated, oversized and empty envelopes are malformed', async () => {
    const { a, b, ia, ib } = await trio();
    const env = await a.call('message:seal', 'r', ib, text('v'));
    const v2 = env.slice();
    v2[0] = 2;
    await expectCode(b.call('message:open', 'r', ia, v2), 'malformed');
    for (const n of [0, 1, HEADER_BYTES, HEADER_BYTES + 15, env.length - 65]) await expectCode(b.call('message:open', 'r', ia, env.slice(0, n)), 'malformed');
    const big = new Uint8Array(LIMITS.maxEnvelopeBytes + 1);
    big.set(env);
    await expectCode(b.call('message:open', 'r', ia, big), 'bad-arguments');
    await expectCode(a.call('message:seal', 'r', ib, new Uint8Array(LIMITS.maxPlaintextBytes + 1)), 'bad-arguments');
    expect((await b.call('stats:get')).rejections.malformed).toBeGreaterThanOrEqual(6);
  });

  it('expired peer keys are refused for sealing, opening and new sessions', async () => {
    const { clock, a, b, ia, ib } = await trio();
    const bundle = (await a.call('keys:get', 'r')).bundle;
    clock.advance(LIMITS.keyMaxAgeMs);
    await expectCode(b.call('message:seal', 'r', ia, text('x')), 'expired');
    await expectCode(b.call('session:open', bundle, 'alice'), 'expired');
    const fresh = await a.call('keys:get', 'r');
    expect(fresh.keyId).not.toBe(bundle.keyId);
    expect(fresh.epoch).toBeGreaterThan(bundle.epoch);
    await expectCode(a.call('message:seal', 'r', ib, text('x')), 'expired');
  });
});
