// The "your messages wait" notice in the renderer: sent only while our decision is pending; believed only after main checked it.
import { beforeEach, describe, expect, it } from 'vitest';
import type { WireHeldNotice } from '../../protocol/held-notice';
import { HELD_REFUSED, HeldNotices, MAX_HELD_CHECKS_PER_MINUTE } from '../../renderer/src/app/held-notices';
import { createAppStore } from '../../renderer/src/store';
import { installFakeVeil } from './fake-veil';

const ALICE = 'A'.repeat(43);
const ME = 'M'.repeat(43);
const notice = (over: Partial<WireHeldNotice> = {}): WireHeldNotice => ({ v: 1, signer: ALICE, roomId: 'r', subject: ME,
  subjectKeyId: 'K'.repeat(22), issuedAt: 1_800_000_000_000, signature: 'S'.repeat(86), ...over });

function setup(check: (roomId: unknown, signer: unknown, n: unknown) => unknown) {
  const store = createAppStore();
  store.getState().upsertPeer(ALICE, { peerId: 'alice-route', displayName: 'Alice', sessionOpen: true, trust: 'known', keyId: 'ka' });
  const emitted: { to: string; notice: WireHeldNotice }[] = [];
  let t = 1_800_000_000_000;
  const fake = installFakeVeil({
    'trust:checkHeld': check,
    'trust:signHeld': () => notice({ signer: ME, subject: ALICE })
  });
  const held = new HeldNotices({ store, roomId: 'r', emit: (to, n) => emitted.push({ to, notice: n }), now: () => t });
  return { store, held, emitted, calls: fake.calls, advance: (ms: number) => { t += ms; } };
}

const refusedBy = (code: string) => () => { throw Object.assign(new Error('refused'), { code }); };

beforeEach(() => { localStorage.clear(); });

describe('held notices we receive', () => {
  it('one main verified: Alice\'s tile and chat say our messages wait for her to confirm our new key', async () => {
    const { store, held, calls } = setup((_r, signer) => ({ signer, issuedAt: 1 }));
    await held.receive('alice-route', notice());
    expect(calls.find((c) => c.channel === 'trust:checkHeld')!.args).toEqual(['r', ALICE, notice()]);
    expect(store.getState().heldBy[ALICE]).toBe(notice().issuedAt);
    expect(store.getState().messages.map((m) => m.text)).toEqual(["Alice's app keeps your messages waiting until Alice confirms your new key."]);
  });

  it.each(['bad-signature', 'wrong-recipient', 'unknown-key', 'stale', 'no-session'])('one main refuses (%s) is ignored, counted and alerted once', async (code) => {
    const { store, held } = setup(refusedBy(code));
    await held.receive('alice-route', notice());
    await held.receive('alice-route', notice({ issuedAt: 5 }));
    expect(store.getState().heldBy).toEqual({});
    expect(store.getState().messages).toEqual([]);
    expect(store.getState().security.refusals[`${HELD_REFUSED}: ${code}`]).toBe(2);
    expect(store.getState().alerts).toHaveLength(1);
  });

  it('one from a route that is no member we hold a session with is dropped without asking main', async () => {
    const { store, held, calls } = setup((_r, signer) => ({ signer, issuedAt: 1 }));
    await held.receive('nobody-route', notice());
    expect(calls.filter((c) => c.channel === 'trust:checkHeld')).toEqual([]);
    expect(store.getState().heldBy).toEqual({});
    expect(store.getState().security.refusals[`${HELD_REFUSED}: from no member we hold a session with`]).toBe(1);
  });

  it('a flood from one member costs at most a few checks a minute', async () => {
    const { store, held, calls, advance } = setup(refusedBy('bad-signature'));
    for (let i = 0; i < 20; i++) await held.receive('alice-route', notice({ issuedAt: i }));
    expect(calls.filter((c) => c.channel === 'trust:checkHeld')).toHaveLength(MAX_HELD_CHECKS_PER_MINUTE);
    expect(store.getState().security.refusals[`${HELD_REFUSED}: too many from one member`]).toBe(20 - MAX_HELD_CHECKS_PER_MINUTE);
    advance(60_001);
    await held.receive('alice-route', notice());
    expect(calls.filter((c) => c.channel === 'trust:checkHeld')).toHaveLength(MAX_HELD_CHECKS_PER_MINUTE + 1);
  });
});

describe('held notices we send', () => {
  it('only while our decision about that peer is pending, to its route, at most once per resend interval', async () => {
    const { store, held, emitted, advance } = setup(() => null);
    await held.announce(ALICE);
    expect(emitted).toEqual([]);
    store.getState().addKeyChange(ALICE);
    await held.announce(ALICE);
    await held.announce(ALICE);
    expect(emitted).toEqual([{ to: 'alice-route', notice: notice({ signer: ME, subject: ALICE }) }]);
    advance(30_001);
    await held.announce(ALICE);
    expect(emitted).toHaveLength(2);
  });
});
