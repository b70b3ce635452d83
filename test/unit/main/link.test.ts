// link:bind / link:verify rules in main: only a live room key, a current session, settled trust and the exact key pair give a valid binding.
import { afterEach, describe, expect, it } from 'vitest';
import { Clock, expectCode, idOf, joinAll, makePeer, type Peer } from './harness';

let peers: Peer[] = [];
afterEach(async () => {
  for (const p of peers) await p.services.dispose();
  peers = [];
});
const fp = (b: number) => 'sha-256 ' + Array.from({ length: 32 }, (_, i) => ((i + b) & 0xff).toString(16).padStart(2, '0').toUpperCase()).join(':');
const [FA, FB, FX] = [fp(0), fp(1), fp(2)];
/** b64u of a 32-byte offer digest. */
const OD = 'Q'.repeat(43);

async function trio(clock = new Clock()) {
  const [a, b, c] = await Promise.all(['alice', 'bob', 'carol'].map((n) => makePeer(n, { clock })));
  peers.push(a!, b!, c!);
  await joinAll('r', [a!, b!, c!]);
  return { clock, a: a!, b: b!, c: c!, ia: await idOf(a!), ib: await idOf(b!), ic: await idOf(c!) };
}

describe('link binding in main', () => {
  it('an offer and its answer verify on the other side; any other fingerprint, role or MAC is refused', async () => {
    const { a, b, ia, ib } = await trio();
    const offer = await a.call('link:bind', 'r', ib, 'offer', FA, '');
    expect(offer).toMatchObject({ v: 2, role: 'offer' });
    expect(await b.call('link:verify', 'r', ia, offer, FA, '')).toEqual({ ok: true });
    const answer = await b.call('link:bind', 'r', ia, 'answer', FB, FA, OD);
    expect(await a.call('link:verify', 'r', ib, answer, FB, FA, OD)).toEqual({ ok: true });
    await expectCode(b.call('link:verify', 'r', ia, offer, FX, ''), 'bad-signature');
    await expectCode(a.call('link:verify', 'r', ib, answer, FB, FX, OD), 'bad-signature');
    await expectCode(a.call('link:verify', 'r', ib, answer, FX, FA, OD), 'bad-signature');
    const mac = offer.mac.startsWith('A') ? `B${offer.mac.slice(1)}` : `A${offer.mac.slice(1)}`;
    await expectCode(b.call('link:verify', 'r', ia, { ...offer, mac }, FA, ''), 'bad-signature');
    // An offer presented as an answer (or with a recipient fingerprint) does not pass.
    await expectCode(a.call('link:verify', 'r', ib, { ...offer, role: 'answer' }, FA, FA, OD), 'stale');
    await expectCode(b.call('link:verify', 'r', ia, { ...answer, role: 'offer' }, FB, ''), 'stale');
    await expectCode(b.call('link:verify', 'r', ia, { ...offer, role: 'answer' }, FA, FB, OD), 'bad-signature');
    await expectCode(b.call('link:verify', 'r', ia, offer, FA, FB), 'malformed');
    await expectCode(a.call('link:bind', 'r', ib, 'offer', FA, FB), 'malformed');
    await expectCode(a.call('link:bind', 'r', ib, 'answer', FA, '', OD), 'malformed');
    // The sender cannot verify its own binding (other direction key).
    await expectCode(a.call('link:verify', 'r', ib, offer, FA, ''), 'stale');
  });

  it('a binding is valid for one peer only: another peer of the room refuses it, even with its key ids rewritten', async () => {
    const { a, c, ia, ib } = await trio();
    const toBob = await a.call('link:bind', 'r', ib, 'offer', FA, '');
    await expectCode(c.call('link:verify', 'r', ia, toBob, FA, ''), 'stale');
    const toCarol = await a.call('link:bind', 'r', await idOf(c), 'offer', FA, '');
    await expectCode(c.call('link:verify', 'r', ia, { ...toCarol, mac: toBob.mac }, FA, ''), 'bad-signature');
    expect(await c.call('link:verify', 'r', ia, toCarol, FA, '')).toEqual({ ok: true });
  });

  it('no room key, or a room created with keys:create but never joined with that peer: refused', async () => {
    const { a, b, ib } = await trio();
    const m = await makePeer('mallory', { clock: new Clock() });
    peers.push(m);
    await expectCode(m.call('link:bind', 'r', ib, 'offer', FA, ''), 'no-room-key');
    await a.call('keys:create', 'elsewhere');
    await expectCode(a.call('link:bind', 'elsewhere', ib, 'offer', FA, ''), 'no-session');
    const offer = await a.call('link:bind', 'r', ib, 'offer', FA, '');
    await expectCode(b.call('link:verify', 'elsewhere', await idOf(a), offer, FA, ''), 'no-room-key');
    await expectCode(a.call('link:bind', 'r', await idOf(m), 'offer', FA, ''), 'no-session');
  });

  it('a pending identity-key change refuses both bind and verify until accepted', async () => {
    const clock = new Clock();
    const [a, b, imp] = await Promise.all([makePeer('alice', { clock }), makePeer('bob', { clock }), makePeer('bob', { clock })]);
    peers.push(a, b, imp);
    await joinAll('r', [a, b]);
    // Bob becomes a contact (a user decision); a new key under his name then waits for the next one.
    await a.call('trust:setVerified', await idOf(b), true);
    await imp.call('keys:create', 'r');
    expect((await a.call('session:open', (await imp.call('keys:get', 'r')).bundle, 'bob')).trust).toBe('changed');
    await imp.call('session:open', (await a.call('keys:get', 'r')).bundle, 'alice');
    const iimp = await idOf(imp);
    await expectCode(a.call('link:bind', 'r', iimp, 'offer', FA, ''), 'key-changed');
    const fromImp = await imp.call('link:bind', 'r', await idOf(a), 'offer', FX, '');
    await expectCode(a.call('link:verify', 'r', iimp, fromImp, FX, ''), 'key-changed');
    await a.call('trust:acceptChange', iimp);
    expect(await a.call('link:verify', 'r', iimp, fromImp, FX, '')).toEqual({ ok: true });
    expect((await a.call('stats:get')).rejections['key-changed']).toBe(2);
    const audit = await a.call('audit:tail', 100);
    expect(audit.filter((e) => e.type === 'link-verify-rejected' && e.reason === 'key-changed')).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(fromImp.mac);
  });

  it('a binding from before a rotation is refused after it; a revoked key gives no binding at all', async () => {
    const { a, b, ia, ib } = await trio();
    const before = await a.call('link:bind', 'r', ib, 'offer', FA, '');
    await b.call('keys:applyRotation', await a.call('keys:rotate', 'r'));
    await expectCode(b.call('link:verify', 'r', ia, before, FA, ''), 'stale');
    const after = await a.call('link:bind', 'r', ib, 'offer', FA, '');
    expect(await b.call('link:verify', 'r', ia, after, FA, '')).toEqual({ ok: true });
    const { revocation, replacement } = await a.call('keys:revoke', 'r');
    await b.call('keys:applyRevocation', revocation);
    await expectCode(b.call('link:verify', 'r', ia, after, FA, ''), 'no-session');
    await expectCode(b.call('link:bind', 'r', ia, 'offer', FB, ''), 'no-session');
    await b.call('keys:applyRotation', replacement);
    await expectCode(b.call('link:verify', 'r', ia, after, FA, ''), 'stale');
    expect(await b.call('link:verify', 'r', ia, await a.call('link:bind', 'r', ib, 'offer', FA, ''), FA, '')).toEqual({ ok: true });
  });

  it('an answer binds the digest of the offer it answers: replayed to another offer of the same pair, it is refused', async () => {
    const { a, b, ia, ib } = await trio();
    const [O1, O2] = ['A'.repeat(43), `${'A'.repeat(42)}E`];
    const answer = await b.call('link:bind', 'r', ia, 'answer', FB, FA, O1);
    expect(answer).toMatchObject({ v: 2, role: 'answer' });
    expect(await a.call('link:verify', 'r', ib, answer, FB, FA, O1)).toEqual({ ok: true });
    // Same session, same certificates: only the offer digest tells the answer to the first offer from one to the second.
    await expectCode(a.call('link:verify', 'r', ib, answer, FB, FA, O2), 'bad-signature');
    await expectCode(a.call('link:verify', 'r', ib, answer, FB, FA, ''), 'malformed');
    await expectCode(b.call('link:bind', 'r', ia, 'answer', FB, FA, ''), 'malformed');
    await expectCode(b.call('link:bind', 'r', ia, 'offer', FB, '', O1), 'malformed');
    await expectCode(a.call('link:verify', 'r', ib, await a.call('link:bind', 'r', ib, 'offer', FA, ''), FA, '', O1), 'malformed');
    // An answer binding is not a confirm over the same digest (the role byte differs).
    await expectCode(a.call('link:verify', 'r', ib, { ...answer, role: 'confirm' }, FB, FA, O1), 'bad-signature');
  });

  it('a confirm binds the answer digest and verifies only for the current session', async () => {
    const { a, b, ia, ib } = await trio();
    const D1 = 'A'.repeat(43);
    const D2 = `${'A'.repeat(42)}E`;
    const confirm = await a.call('link:bind', 'r', ib, 'confirm', FA, FB, D1);
    expect(confirm).toMatchObject({ v: 2, role: 'confirm' });
    expect(await b.call('link:verify', 'r', ia, confirm, FA, FB, D1)).toEqual({ ok: true });
    await expectCode(b.call('link:verify', 'r', ia, confirm, FA, FB, D2), 'bad-signature');
    await expectCode(b.call('link:verify', 'r', ia, confirm, FA, FX, D1), 'bad-signature');
    await expectCode(b.call('link:verify', 'r', ia, confirm, FA, FB, ''), 'malformed');
    await expectCode(b.call('link:verify', 'r', ia, { ...confirm, role: 'answer' }, FA, FB, D1), 'bad-signature');
    await expectCode(a.call('link:bind', 'r', ib, 'confirm', FA, '', D1), 'malformed');
    await expectCode(a.call('link:bind', 'r', ib, 'answer', FA, FB, ''), 'malformed');
    // A session that is no longer current (the offerer rotated, or left) gives no confirm, and an old one is refused.
    await b.call('keys:applyRotation', await a.call('keys:rotate', 'r'));
    await expectCode(b.call('link:verify', 'r', ia, confirm, FA, FB, D1), 'stale');
    await a.call('room:leave', 'r');
    await expectCode(a.call('link:bind', 'r', ib, 'confirm', FA, FB, D1), 'no-room-key');
  });

  it('expired room keys refuse', async () => {
    const { clock, a, b, ia, ib } = await trio();
    const offer = await a.call('link:bind', 'r', ib, 'offer', FA, '');
    clock.advance(25 * 3600_000);
    await expectCode(a.call('link:bind', 'r', ib, 'offer', FA, ''), 'expired');
    await expectCode(b.call('link:verify', 'r', ia, offer, FA, ''), 'expired');
    const stats = await b.call('stats:get');
    expect(stats.rejections.expired).toBeGreaterThanOrEqual(1);
  });

  it('the IPC contract refuses a malformed binding or fingerprint before main sees it', async () => {
    const { a, b, ia, ib } = await trio();
    const offer = await a.call('link:bind', 'r', ib, 'offer', FA, '');
    for (const bad of [{ ...offer, extra: 1 }, { ...offer, mac: offer.mac.slice(1) }, { ...offer, v: 1 }, { ...offer, role: 'pranswer' }]) {
      expect((await b.raw('link:verify', ['r', ia, bad, FA, ''])).ok).toBe(false);
    }
    expect((await b.raw('link:verify', ['r', ia, offer, 'sha-256 zz', ''])).ok).toBe(false);
    expect((await a.raw('link:bind', ['r', ib, 'offer', 'not a fingerprint', ''])).ok).toBe(false);
  });
});
