// Key directory: publish/fetch/rotate/revoke with broadcasts, epoch and identity checks, TTL expiry, HTTP endpoint.
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../../support/signaling-harness';
import { errorCode, expectOk } from '../../support/signaling-client';
import { TestIdentity } from '../../support/signaling-bundles';

const h = new Harness();
afterEach(() => h.closeAll());

describe('key directory', () => {
  it('publishes, fetches, rotates and revokes with broadcasts to the room only', async () => {
    const s = await h.server();
    const [a, b, x] = [await h.client(s.url), await h.client(s.url), await h.client(s.url)];
    const ja = expectOk(await a.join('r'));
    const jb = expectOk(await b.join('r'));
    expectOk(await x.join('other'));
    expect(expectOk(await b.call('keys:fetch', { peerId: ja.selfId }))).toEqual(a.identity.current);

    const fresh = a.identity.bundle('r', 1);
    expectOk(await a.call('keys:publish', { bundle: fresh }));
    expect(await b.next('keys:published')).toEqual({ from: ja.selfId, bundle: fresh });
    expect(expectOk(await b.call('keys:fetch', { peerId: ja.selfId }))).toEqual(fresh);

    const rot = a.identity.rotation('r');
    expectOk(await a.call('keys:rotate', { notice: rot }));
    expect(await b.next('keys:rotated')).toEqual({ from: ja.selfId, notice: rot });
    expect(expectOk(await b.call('keys:fetch', { peerId: ja.selfId }))).toEqual(rot.bundle);
    expect(errorCode(await a.call('keys:rotate', { notice: rot }))).toBe('stale-epoch');

    const rev = a.identity.revocation('r');
    expectOk(await a.call('keys:revoke', { notice: rev }));
    expect(await b.next('keys:revoked')).toEqual({ from: ja.selfId, notice: rev });
    expect(errorCode(await b.call('keys:fetch', { peerId: ja.selfId }))).toBe('not-found');
    expect(errorCode(await a.call('keys:revoke', { notice: rev }))).toBe('stale-epoch');
    expect(errorCode(await a.call('keys:publish', { bundle: a.identity.bundle('r', 0) }))).toBe('stale-epoch');

    expect(x.pending('keys:rotated')).toEqual([]);
    expect(x.pending('keys:revoked')).toEqual([]);
    expect(a.pending('keys:rotated')).toEqual([]);

    // Main signs a revocation with the revoked key's own epoch: accepted for the key being served, once.
    const served = a.identity.rotation('r', 10);
    expectOk(await a.call('keys:rotate', { notice: served }));
    await b.next('keys:rotated');
    const sameEpoch = a.identity.revocation('r', served.epoch);
    expect(sameEpoch.keyId).toBe(served.bundle.keyId);
    expectOk(await a.call('keys:revoke', { notice: sameEpoch }));
    expect(await b.next('keys:revoked')).toEqual({ from: ja.selfId, notice: sameEpoch });
    expect(errorCode(await a.call('keys:revoke', { notice: sameEpoch }))).toBe('stale-epoch');
    expect(errorCode(await x.call('keys:fetch', { peerId: jb.selfId }))).toBe('not-found');
  });

  it('rejects notices for another identity or room, and rotations whose bundle epoch differs', async () => {
    const s = await h.server();
    const [a, b] = [await h.client(s.url), await h.client(s.url)];
    expectOk(await a.join('r'));
    expectOk(await b.join('r'));
    const mallory = new TestIdentity();
    mallory.current = a.identity.current;
    expect(errorCode(await a.call('keys:rotate', { notice: mallory.rotation('r', 5) }))).toBe('unauthorized');
    expect(errorCode(await a.call('keys:revoke', { notice: mallory.revocation('r', 6) }))).toBe('unauthorized');
    expect(errorCode(await a.call('keys:publish', { bundle: mallory.bundle('r', 7) }))).toBe('unauthorized');
    expect(errorCode(await a.call('keys:publish', { bundle: a.identity.bundle('other', 7) }))).toBe('unauthorized');
    const rot = a.identity.rotation('r', 3);
    expect(errorCode(await a.call('keys:rotate', { notice: { ...rot, epoch: 4 } }))).toBe('bad-request');
    expect(errorCode(await b.call('keys:fetch', { peerId: 'nobody-here-123' }))).toBe('not-found');
    expect(b.pending('keys:rotated')).toEqual([]);
  });

  it('expires bundles after the TTL (injected clock)', async () => {
    let now = 1_000_000;
    const s = await h.server({ keyTtlMs: 60_000 }, { now: () => now });
    const [a, b] = [await h.client(s.url), await h.client(s.url)];
    const ja = expectOk(await a.join('r'));
    expectOk(await b.join('r'));
    now += 59_000;
    expectOk(await b.call('keys:fetch', { peerId: ja.selfId }));
    now += 2_000;
    expect(errorCode(await b.call('keys:fetch', { peerId: ja.selfId }))).toBe('not-found');
  });
});
