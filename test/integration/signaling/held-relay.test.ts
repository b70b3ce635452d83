// The held-notice relay (`trust:held`): room members only, only the sender's own notice, bounded, rate limited, never a crash.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { HELD_NOTICES_PER_MINUTE } from '../../../signaling-server/handlers/relay';
import { Harness } from '../../support/signaling-harness';
import { errorCode, expectOk, type TestClient } from '../../support/signaling-client';

const h = new Harness();
afterEach(() => h.closeAll());

const b64u = (n: number) => randomBytes(n).toString('base64url');
const noticeFrom = (from: TestClient, about: TestClient, roomId = 'r') => ({
  v: 1, signer: from.identity.identityKey, roomId, subject: about.identity.identityKey, subjectKeyId: b64u(16), issuedAt: Date.now(), signature: b64u(64)
});

describe('trust:held relay', () => {
  it('relays a member\'s own notice to one member of its room, with `from` stamped, untouched', async () => {
    const s = await h.server();
    const [a, b] = [await h.client(s.url), await h.client(s.url)];
    const ja = expectOk(await a.join('r'));
    const jb = expectOk(await b.join('r'));
    const notice = noticeFrom(a, b);
    const got = b.next('trust:held');
    expectOk(await a.call('trust:held', { to: jb.selfId, notice }));
    expect(await got).toEqual({ from: ja.selfId, notice });
  });

  it('refuses outsiders, itself, other rooms, notices signed as someone else, and malformed or oversized ones', async () => {
    const s = await h.server({ maxStrikes: 1_000 });
    const [a, b, c, outsider] = [await h.client(s.url), await h.client(s.url), await h.client(s.url), await h.client(s.url)];
    const ja = expectOk(await a.join('r'));
    const jb = expectOk(await b.join('r'));
    const jc = expectOk(await c.join('r2'));
    expect(errorCode(await outsider.call('trust:held', { to: jb.selfId, notice: noticeFrom(outsider, b) }))).toBe('not-in-room');
    expect(errorCode(await a.call('trust:held', { to: ja.selfId, notice: noticeFrom(a, a) }))).toBe('bad-request');
    expect(errorCode(await a.call('trust:held', { to: jc.selfId, notice: noticeFrom(a, c) }))).toBe('unknown-peer');
    expect(errorCode(await a.call('trust:held', { to: jb.selfId, notice: noticeFrom(c, b) }))).toBe('bad-request');
    expect(errorCode(await a.call('trust:held', { to: jb.selfId, notice: noticeFrom(a, b, 'r2') }))).toBe('bad-request');
    expect(errorCode(await a.call('trust:held', { to: jb.selfId, notice: { ...noticeFrom(a, b), signature: 'x'.repeat(2_000) } })))
      .toBe('payload-too-large');
    expect(errorCode(await a.call('trust:held', { to: jb.selfId, notice: { ...noticeFrom(a, b), extra: 1 } }))).toBe('bad-request');
    expect(errorCode(await a.call('trust:held', { to: jb.selfId }))).toBe('bad-request');
    expect(errorCode(await a.call('trust:held', null))).toBe('bad-request');
    // Still serving: a good one goes through.
    const got = b.next('trust:held');
    expectOk(await a.call('trust:held', { to: jb.selfId, notice: noticeFrom(a, b) }));
    expect((await got).from).toBe(ja.selfId);
  });

  it(`at most ${HELD_NOTICES_PER_MINUTE} per socket per minute`, async () => {
    const s = await h.server({ maxStrikes: 1_000 });
    const [a, b] = [await h.client(s.url), await h.client(s.url)];
    expectOk(await a.join('r'));
    const jb = expectOk(await b.join('r'));
    const codes: string[] = [];
    for (let i = 0; i < HELD_NOTICES_PER_MINUTE + 3; i++) {
      const r = await a.call('trust:held', { to: jb.selfId, notice: noticeFrom(a, b) });
      codes.push(r.ok ? 'ok' : errorCode(r) ?? 'no code');
    }
    expect(codes).toEqual([...Array<string>(HELD_NOTICES_PER_MINUTE).fill('ok'), 'rate-limited', 'rate-limited', 'rate-limited']);
  });
});
