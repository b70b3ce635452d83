// The mesh's gates: a pending identity-key change gets no link; a refusal sticks for the peer's session; one offer verification at a time.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { WireLinkBinding } from '../../protocol/link';
import { bindMeshToStore, meshView } from '../../renderer/src/app/mesh-store';
import { createAppStore } from '../../renderer/src/store';
import { created, FakePeer, installMediaStream } from './fake-rtc';

vi.mock('simple-peer', () => ({ default: FakePeer }));
const { Mesh, PENDING_TRUST_REASON, DROPPED_BUSY, DROPPED_EARLY_ANSWER, DROPPED_OTHER_OFFER_ANSWER, DROPPED_REFUSED, TIMEOUT_RETRIES } =
  await import('../../renderer/src/rtc/mesh');
const { CONNECT_TIMEOUT_MS, NOT_IN_TIME, sdpDigest } = await import('../../renderer/src/rtc/peer-link');

const B: WireLinkBinding = { v: 2, role: 'offer', senderKeyId: 'A'.repeat(22), recipientKeyId: 'B'.repeat(22), mac: 'C'.repeat(43) };
const OFFER = { type: 'offer' as const, sdp: `v=0\r\nm=audio 9 X 0\r\na=fingerprint:sha-256 ${Array(32).fill('AA').join(':')}\r\n` };

function setup(selfId: string, verifyImpl: () => Promise<void> = async () => {}) {
  const store = createAppStore();
  const verify = vi.fn(verifyImpl);
  const mesh = new Mesh({
    view: meshView(store), roomId: 'r', certificate: null, selfId: () => selfId, iceServers: () => [], localStream: () => null, screenTrack: () => null,
    bind: async (_k, role) => ({ ...B, role }), verify, sendSignal: () => {}, onData: () => {}, onAuthenticated: () => {}, onFileFrame: () => {},
    onLinkDown: () => {}
  });
  bindMeshToStore(mesh, store);
  store.getState().upsertPeer('K', { peerId: 'mmmmmmmm', displayName: 'Bob', sessionOpen: true, trust: 'changed', present: true });
  store.getState().addKeyChange('K');
  return { store, mesh, verify };
}

beforeEach(() => { installMediaStream(); created.length = 0; });

describe('trust gates media', () => {
  it('as initiator: no link while the change is pending; accepting it connects', () => {
    const { store, mesh } = setup('aaaaaaaa');
    mesh.ensure('K');
    mesh.retry('K');
    expect(created).toHaveLength(0);
    expect(mesh.links.size).toBe(0);
    expect(store.getState().peers.K).toMatchObject({ conn: 'pending-trust', reason: PENDING_TRUST_REASON });
    store.getState().upsertPeer('K', { trust: 'known' });
    expect(mesh.links.size).toBe(0);
    store.getState().resolveKeyChange('K');
    mesh.ensure('K');
    expect(created).toHaveLength(1);
    expect(store.getState().peers.K!.conn).toBe('connecting');
  });

  it('as answerer: an offer from a pending peer is held, not answered; after acceptance it is answered', async () => {
    const { store, mesh, verify } = setup('zzzzzzzz');
    mesh.onSignal('mmmmmmmm', OFFER, B);
    mesh.ensure('K');
    await new Promise((r) => setTimeout(r, 0));
    expect(created).toHaveLength(0);
    expect(verify).not.toHaveBeenCalled();
    expect(store.getState().peers.K!.conn).toBe('pending-trust');
    store.getState().upsertPeer('K', { trust: 'known' });
    store.getState().resolveKeyChange('K');
    mesh.ensure('K');
    expect(created).toHaveLength(1);
    await vi.waitFor(() => expect(verify).toHaveBeenCalledWith('K', B, `sha-256 ${Array(32).fill('AA').join(':')}`, '', ''));
  });

  it('a refused link is counted and shown, and stays down until "Try again"', async () => {
    const { store, mesh } = setup('aaaaaaaa');
    store.getState().upsertPeer('K', { trust: 'known' });
    store.getState().resolveKeyChange('K');
    mesh.ensure('K');
    mesh.links.get('K')!.close('refused: test', true);
    expect(store.getState().peers.K).toMatchObject({ conn: 'refused', reason: 'refused: test' });
    expect(store.getState().security.refusals['refused: test']).toBe(1);
    expect(store.getState().alerts.map((a) => a.text)).toContain('\u2068Bob\u2069: refused: test');
    mesh.ensure('K');
    expect(created).toHaveLength(1);
    mesh.retry('K');
    expect(created).toHaveLength(2);
    expect(store.getState().peers.K!.conn).toBe('connecting');
  });

  it('an answer nobody asked for is refused and counted', () => {
    const { store, mesh } = setup('zzzzzzzz');
    store.getState().upsertPeer('K', { trust: 'known' });
    store.getState().resolveKeyChange('K');
    mesh.onSignal('mmmmmmmm', { type: 'answer', sdp: OFFER.sdp, offerDigest: 'Q'.repeat(43) }, { ...B, role: 'answer' });
    expect(created).toHaveLength(0);
    expect(store.getState().security.refusals['refused: answer with no link to answer']).toBe(1);
  });

  it('an answer before our offer left (late, to the link this one replaced) is dropped and counted; the link goes on', async () => {
    const { store, mesh, verify } = setup('aaaaaaaa');
    store.getState().upsertPeer('K', { trust: 'known' });
    store.getState().resolveKeyChange('K');
    mesh.ensure('K');
    expect(created).toHaveLength(1);
    mesh.onSignal('mmmmmmmm', { type: 'answer', sdp: OFFER.sdp, offerDigest: 'Q'.repeat(43) }, { ...B, role: 'answer' });
    expect(store.getState().security.refusals[DROPPED_EARLY_ANSWER]).toBe(1);
    expect(verify).not.toHaveBeenCalled();
    expect(mesh.links.size).toBe(1);
    expect(store.getState().peers.K!.conn).toBe('connecting');
  });

  it('an answer naming another offer (late or replayed, to a link this one replaced) is dropped and counted, never verified; the real one connects', async () => {
    const { store, mesh, verify } = setup('aaaaaaaa');
    store.getState().upsertPeer('K', { trust: 'known' });
    store.getState().resolveKeyChange('K');
    mesh.ensure('K');
    const peer = created[0]!;
    const ourOffer = `${OFFER.sdp}a=x:second-link\r\n`;
    peer.emit('signal', { type: 'offer', sdp: ourOffer });
    await vi.waitFor(() => expect(mesh.links.get('K')!.offerSent).toBe(true));
    const answerSdp = OFFER.sdp.replace(/AA/g, 'BB');
    // The answer to an earlier offer of this pair: same session, same certificates, a binding that verified back then.
    mesh.onSignal('mmmmmmmm', { type: 'answer', sdp: answerSdp, offerDigest: await sdpDigest(OFFER.sdp) }, { ...B, role: 'answer' });
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().security.refusals[DROPPED_OTHER_OFFER_ANSWER]).toBe(1);
    expect(verify).not.toHaveBeenCalled();
    expect(peer.signals).toEqual([]);
    expect(store.getState().peers.K!.conn).toBe('connecting');
    const digest = await sdpDigest(ourOffer);
    mesh.onSignal('mmmmmmmm', { type: 'answer', sdp: answerSdp, offerDigest: digest }, { ...B, role: 'answer' });
    await vi.waitFor(() => expect(peer.signals).toHaveLength(1));
    expect(verify).toHaveBeenCalledWith('K', { ...B, role: 'answer' }, `sha-256 ${Array(32).fill('BB').join(':')}`, `sha-256 ${Array(32).fill('AA').join(':')}`, digest);
    mesh.stop();
  });

  it('a refused peer\'s further offers are dropped and counted until its session changes or "Try again"', async () => {
    const { store, mesh, verify } = setup('zzzzzzzz', async () => { throw new Error('bad-signature: no'); });
    store.getState().upsertPeer('K', { trust: 'known', keyId: 'k1' });
    store.getState().resolveKeyChange('K');
    mesh.onSignal('mmmmmmmm', OFFER, B);
    await vi.waitFor(() => expect(store.getState().peers.K!.conn).toBe('refused'));
    for (let i = 0; i < 5; i++) mesh.onSignal('mmmmmmmm', { type: 'offer', sdp: `${OFFER.sdp}a=x:${i}\r\n` }, B);
    await new Promise((r) => setTimeout(r, 0));
    expect(created).toHaveLength(1);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(store.getState().security.refusals[DROPPED_REFUSED]).toBe(5);
    // A new key (after a rotation notice) is a new session: its offer is answered.
    store.getState().upsertPeer('K', { keyId: 'k2' });
    mesh.onSignal('mmmmmmmm', { type: 'offer', sdp: `${OFFER.sdp}a=x:new\r\n` }, B);
    expect(created).toHaveLength(2);
  });

  it('while an offer is being verified, further offers from that peer are dropped and counted', async () => {
    const { store, mesh, verify } = setup('zzzzzzzz', () => new Promise<void>(() => {}));
    store.getState().upsertPeer('K', { trust: 'known', keyId: 'k1' });
    store.getState().resolveKeyChange('K');
    mesh.onSignal('mmmmmmmm', OFFER, B);
    await vi.waitFor(() => expect(verify).toHaveBeenCalledTimes(1));
    for (let i = 0; i < 3; i++) mesh.onSignal('mmmmmmmm', { type: 'offer', sdp: `${OFFER.sdp}a=x:${i}\r\n` }, B);
    expect(created).toHaveLength(1);
    expect(mesh.links.size).toBe(1);
    expect(store.getState().security.refusals[DROPPED_BUSY]).toBe(3);
    mesh.stop();
  });
});

describe('links reopen when a trust decision settles', () => {
  const accept = (store: ReturnType<typeof setup>['store']) => {
    store.getState().upsertPeer('K', { trust: 'known' });
    store.getState().resolveKeyChange('K');
  };

  it('the decider: an offer held longer than a link lives is dropped, and the decision offers from our end (not the natural initiator)', () => {
    const { store, mesh } = setup('zzzzzzzz');
    const t0 = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(t0);
    mesh.onSignal('mmmmmmmm', OFFER, B);
    clock.mockReturnValue(t0 + CONNECT_TIMEOUT_MS + 1);
    accept(store);
    mesh.settle('K');
    clock.mockRestore();
    expect(created).toHaveLength(1);
    expect(created[0]!.opts.initiator).toBe(true);
    expect(created[0]!.signals).toEqual([]);
    expect(store.getState().peers.K!.conn).toBe('connecting');
    mesh.stop();
  });

  it('the decider: an offer whose link is about to give up is not answered; ours is retried once if not proven in time', () => {
    const { store, mesh } = setup('zzzzzzzz');
    const t0 = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(t0);
    mesh.onSignal('mmmmmmmm', OFFER, B);
    clock.mockReturnValue(t0 + CONNECT_TIMEOUT_MS / 2 + 1);
    accept(store);
    mesh.settle('K');
    clock.mockRestore();
    expect(created.map((p) => p.opts.initiator)).toEqual([true]);
    mesh.links.get('K')!.close(NOT_IN_TIME, true);
    expect(created.map((p) => p.opts.initiator)).toEqual([true, true]);
    expect(store.getState().peers.K!.conn).toBe('connecting');
    mesh.links.get('K')!.close(NOT_IN_TIME, true);
    expect(created).toHaveLength(2);
    expect(store.getState().peers.K).toMatchObject({ conn: 'refused', reason: NOT_IN_TIME });
  });

  it('the decider: an offer that is still live is answered instead', async () => {
    const { store, mesh, verify } = setup('zzzzzzzz');
    mesh.onSignal('mmmmmmmm', OFFER, B);
    accept(store);
    mesh.settle('K');
    expect(created).toHaveLength(1);
    expect(created[0]!.opts.initiator).toBe(false);
    await vi.waitFor(() => expect(verify).toHaveBeenCalledTimes(1));
    mesh.stop();
  });

  it('the other end: a link that was not proven in time does not stick; the decider\'s offer is answered without "Try again"', async () => {
    const { store, mesh, verify } = setup('aaaaaaaa');
    accept(store);
    mesh.ensure('K');
    mesh.links.get('K')!.close(NOT_IN_TIME, true);
    // Our own offer is made again later (a timeout is not a refusal); the decider's offer arriving first is answered.
    expect(store.getState().peers.K).toMatchObject({ conn: 'retrying', reason: NOT_IN_TIME });
    expect(store.getState().security.refusals[NOT_IN_TIME]).toBeUndefined();
    mesh.onSignal('mmmmmmmm', OFFER, B);
    expect(created).toHaveLength(2);
    expect(created[1]!.opts.initiator).toBe(false);
    expect(store.getState().security.refusals[DROPPED_REFUSED]).toBeUndefined();
    await vi.waitFor(() => expect(verify).toHaveBeenCalledTimes(1));
    expect(store.getState().peers.K!.conn).toBe('connecting');
    mesh.stop();
  });

  it('the other end deciding too: its own timed-out link is retried by the decision', () => {
    const { store, mesh } = setup('aaaaaaaa');
    accept(store);
    mesh.ensure('K');
    mesh.links.get('K')!.close(NOT_IN_TIME, true);
    mesh.settle('K');
    expect(created).toHaveLength(2);
    expect(store.getState().peers.K!.conn).toBe('connecting');
    mesh.stop();
  });

  it('a refusal for a security reason stays: neither the decision nor the peer\'s offers reopen it', async () => {
    const { store, mesh } = setup('aaaaaaaa');
    accept(store);
    store.getState().upsertPeer('K', { keyId: 'k1' });
    mesh.ensure('K');
    mesh.links.get('K')!.close('refused: live DTLS certificate does not match the bound fingerprint', true);
    mesh.settle('K');
    mesh.onSignal('mmmmmmmm', OFFER, B);
    await new Promise((r) => setTimeout(r, 0));
    expect(created).toHaveLength(1);
    expect(store.getState().peers.K!.conn).toBe('refused');
    expect(store.getState().security.refusals[DROPPED_REFUSED]).toBe(1);
  });

  it('the natural initiator: an offer set aside in a glare is answered when our own offer was not proven in time', async () => {
    const { store, mesh, verify } = setup('aaaaaaaa');
    accept(store);
    mesh.ensure('K');
    mesh.onSignal('mmmmmmmm', OFFER, B);
    expect(created.map((p) => p.opts.initiator)).toEqual([true]);
    mesh.links.get('K')!.close(NOT_IN_TIME, true);
    expect(created.map((p) => p.opts.initiator)).toEqual([true, false]);
    await vi.waitFor(() => expect(verify).toHaveBeenCalledTimes(1));
    expect(store.getState().peers.K!.conn).toBe('connecting');
    mesh.stop();
  });

  it(`the natural initiator offers again after a link times out unproven, ${TIMEOUT_RETRIES} times, then shows the peer refused`, () => {
    vi.useFakeTimers();
    try {
      const { store, mesh } = setup('aaaaaaaa');
      accept(store);
      mesh.ensure('K');
      for (let i = 1; i <= TIMEOUT_RETRIES; i++) {
        mesh.links.get('K')!.close(NOT_IN_TIME, true);
        expect(store.getState().peers.K!.conn).toBe('retrying');
        expect(created).toHaveLength(i);
        vi.runOnlyPendingTimers();
        expect(created).toHaveLength(i + 1);
        expect(created[i]!.opts.initiator).toBe(true);
      }
      mesh.links.get('K')!.close(NOT_IN_TIME, true);
      vi.runOnlyPendingTimers();
      expect(created).toHaveLength(TIMEOUT_RETRIES + 1);
      expect(store.getState().peers.K).toMatchObject({ conn: 'refused', reason: NOT_IN_TIME });
      // It leaves and comes back: its new link gets its re-offers again.
      mesh.drop('K');
      store.getState().removePeer('K');
      store.getState().upsertPeer('K', { peerId: 'mmmmmmmm', displayName: 'Bob', sessionOpen: true, trust: 'known', present: true });
      mesh.ensure('K');
      expect(created).toHaveLength(TIMEOUT_RETRIES + 2);
      mesh.links.get('K')!.close(NOT_IN_TIME, true);
      expect(store.getState().peers.K!.conn).toBe('retrying');
      mesh.stop();
    } finally { vi.useRealTimers(); }
  });
});
