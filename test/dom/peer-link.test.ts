// PeerLink sequencing with a fake simple-peer: only a verified offer/answer reaches it, and no media or data moves before proof.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WireLinkBinding } from '../../protocol/link';
import { created, FakePeer, FakeStream, FakeTrack, installMediaStream } from './fake-rtc';

vi.mock('simple-peer', () => ({ default: FakePeer }));
const { PeerLink, NOT_IN_TIME, CONNECT_TIMEOUT_MS, CONNECT_CAP_MS, sdpDigest } = await import('../../renderer/src/rtc/peer-link');

const fp = (b: string) => `sha-256 ${Array.from({ length: 32 }, () => b).join(':')}`;
const [FA, FB, FX] = [fp('AA'), fp('BB'), fp('EE')];
const sdp = (f: string, media = 'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n') =>
  `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n${media}a=fingerprint:${f}\r\n`;
/** What an answer to the offerer's `sdp(FA)` names. */
const OD = await sdpDigest(sdp(FA));
const binding = (role: 'offer' | 'answer' | 'confirm'): WireLinkBinding => ({ v: 2, role, senderKeyId: 'A'.repeat(22), recipientKeyId: 'B'.repeat(22), mac: 'C'.repeat(43) });

function makeLink(initiator: boolean, verifyOk = true) {
  const events: string[] = [];
  const closes: { reason: string; refused: boolean }[] = [];
  const streams: unknown[] = [];
  const data: Uint8Array[] = [];
  const sentSignals: unknown[] = [];
  const local = { audio: new FakeTrack('audio') as unknown as MediaStreamTrack, video: new FakeTrack('video') as unknown as MediaStreamTrack };
  const verify = vi.fn(async () => { if (!verifyOk) throw new Error('bad-signature: no'); });
  const bind = vi.fn(async (role: 'offer' | 'answer' | 'confirm') => binding(role));
  const link = new PeerLink(initiator, {
    initiator, config: {}, localTracks: () => local, bind, verify,
    send: (s, b) => sentSignals.push([s, b]),
    onState: (s) => events.push(s),
    onAuthenticated: () => events.push('authenticated'),
    onStream: (s) => streams.push(s),
    onData: (b) => data.push(b),
    onFileFrame: () => {},
    onClose: (reason, refused) => closes.push({ reason, refused })
  });
  const peer = created[created.length - 1]!;
  // The link's signal chains await WebCrypto digests, which resolve on their own schedule: wait until both chains
  // are idle and stay so across a task, rather than for a fixed number of ticks.
  const chains = link as unknown as { outChain: Promise<void>; inChain: Promise<void> };
  const settle = async () => {
    for (;;) {
      const [o, i] = [chains.outChain, chains.inChain];
      await Promise.all([o, i]);
      await new Promise((r) => setTimeout(r, 0));
      if (o === chains.outChain && i === chains.inChain) return;
    }
  };
  return { link, peer, pc: peer._pc, events, closes, streams, data, sentSignals, local, verify, bind, settle };
}

/** Waits on the real event loop (never on the fake clock) until `cond` holds. */
async function untilReal(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  expect(cond()).toBe(true);
}

beforeEach(() => { installMediaStream(); created.length = 0; });
afterEach(() => { vi.useRealTimers(); });

describe('PeerLink', () => {
  it('the initiator builds trackless sendrecv transceivers and no simple-peer stream', () => {
    const { peer, pc } = makeLink(true);
    expect(peer.opts.stream).toBeUndefined();
    expect(pc.transceivers.map((t) => [t.receiver.track.kind, t.direction, t.sender.track])).toEqual([['audio', 'sendrecv', null], ['video', 'sendrecv', null]]);
  });

  it('the initiator creates its first offer with the link, not after simple-peer\'s timer; later offers go through', () => {
    const { peer } = makeLink(true);
    // Synchronously, before any task the page queued (renders) could run first.
    expect(peer.offersCreated).toBe(1);
    // simple-peer's own setTimeout(0) call for that first offer is skipped...
    peer.runOwnOfferTimer();
    expect(peer.offersCreated).toBe(1);
    // ...and a later negotiation is simple-peer's again.
    peer.runOwnOfferTimer();
    expect(peer.offersCreated).toBe(2);
    expect(makeLink(false).peer.offersCreated).toBe(0);
  });

  it.each([
    ['a pranswer', { type: 'pranswer', sdp: sdp(FB) }, binding('answer')],
    ['a rollback', { type: 'rollback', sdp: '' }, binding('answer')],
    ['an unknown type', { type: 'candidate', candidate: {} }, binding('answer')],
    ['an answer without binding', { type: 'answer', sdp: sdp(FB), offerDigest: OD }, undefined],
    ['an offer to the initiator', { type: 'offer', sdp: sdp(FB) }, binding('offer')],
    ['an answer whose binding says offer', { type: 'answer', sdp: sdp(FB), offerDigest: OD }, binding('offer')],
    ['an answer with two fingerprints', { type: 'answer', sdp: sdp(FB) + `a=fingerprint:${FX}\r\n`, offerDigest: OD }, binding('answer')],
    ['an answer naming another offer', { type: 'answer', sdp: sdp(FB), offerDigest: 'Q'.repeat(43) }, binding('answer')],
    ['an answer naming no offer', { type: 'answer', sdp: sdp(FB) }, binding('answer')],
    ['an answer with extra media sections', { type: 'answer', sdp: sdp(FB, 'm=audio 9 X 0\r\nm=audio 9 X 0\r\n'), offerDigest: OD }, binding('answer')]
  ])('refuses %s: closed refused, never given to simple-peer', async (_what, signal, b) => {
    const { link, peer, closes, settle } = makeLink(true);
    peer.emit('signal', { type: 'offer', sdp: sdp(FA) });
    await settle();
    link.receive(signal as never, b);
    await settle();
    expect(peer.signals).toEqual([]);
    expect(closes).toHaveLength(1);
    expect(closes[0]!.refused).toBe(true);
    expect(closes[0]!.reason).toMatch(/^refused: /);
  });

  it('refuses an answer whose binding main rejects, and a second answer after a good one', async () => {
    const bad = makeLink(true, false);
    bad.peer.emit('signal', { type: 'offer', sdp: sdp(FA) });
    await bad.settle();
    bad.link.receive({ type: 'answer', sdp: sdp(FB), offerDigest: OD }, binding('answer'));
    await bad.settle();
    expect(bad.peer.signals).toEqual([]);
    expect(bad.closes[0]).toMatchObject({ refused: true, reason: 'refused: link binding rejected (bad-signature: no)' });
    const good = makeLink(true);
    good.peer.emit('signal', { type: 'offer', sdp: sdp(FA) });
    await good.settle();
    expect(good.bind).toHaveBeenCalledWith('offer', FA, '', '');
    good.link.receive({ type: 'answer', sdp: sdp(FB), offerDigest: OD }, binding('answer'));
    await good.settle();
    expect(good.verify).toHaveBeenCalledWith(binding('answer'), FB, FA, OD);
    expect(good.peer.signals).toHaveLength(1);
    good.link.receive({ type: 'answer', sdp: sdp(FX), offerDigest: OD }, binding('answer'));
    await good.settle();
    await vi.waitFor(() => expect(good.closes).toHaveLength(1));
    expect(good.peer.signals).toHaveLength(1);
    expect(good.closes[0]).toMatchObject({ refused: true, reason: 'refused: unexpected answer' });
  });

  it("is ready on the chat channel's own open event (no simple-peer connect), and only once the transport is proven", async () => {
    const { link, peer, pc, events, settle } = makeLink(true);
    peer.emit('signal', { type: 'offer', sdp: sdp(FA) });
    await settle();
    link.receive({ type: 'answer', sdp: sdp(FB), offerDigest: OD }, binding('answer'));
    await settle();
    const dc = peer._channel!;
    dc.readyState = 'open';
    dc.dispatchEvent(new Event('open'));
    await settle();
    expect(events).toEqual([]);
    expect(link.isAuthenticated).toBe(false);
    pc.liveFingerprint = FB;
    pc.connect();
    await vi.waitFor(() => expect(events).toContain('authenticated'));
    expect(events).toEqual(['connected', 'authenticated']);
  });

  it("answerer: the chat channel announced by 'datachannel' counts once open, the negotiated files channel does not", async () => {
    const { link, pc, events, settle } = makeLink(false);
    const files = Object.assign(new EventTarget(), { readyState: 'open', label: 'veil-files' });
    pc.dispatchEvent(Object.assign(new Event('datachannel'), { channel: files }));
    link.receive({ type: 'offer', sdp: sdp(FB) }, binding('offer'));
    await vi.waitFor(() => expect(created[created.length - 1]!.signals).toHaveLength(1));
    created[created.length - 1]!.emit('signal', { type: 'answer', sdp: sdp(FA) });
    await settle();
    const digest = await sdpDigest(sdp(FA));
    link.receive({ type: 'confirm', digest } as never, binding('confirm'));
    pc.liveFingerprint = FB;
    pc.connect();
    await settle();
    await vi.waitFor(() => expect(events).toContain('connected'));
    expect(events).not.toContain('authenticated');
    const chat = Object.assign(new EventTarget(), { readyState: 'connecting', label: 'chat' });
    pc.dispatchEvent(Object.assign(new Event('datachannel'), { channel: chat }));
    chat.readyState = 'open';
    chat.dispatchEvent(new Event('open'));
    await vi.waitFor(() => expect(events).toContain('authenticated'));
  });

  it('holds remote media, local tracks and data until the live certificate matches; then releases them', async () => {
    const { link, peer, pc, events, streams, data, local, settle } = makeLink(true);
    peer.emit('signal', { type: 'offer', sdp: sdp(FA) });
    await settle();
    link.receive({ type: 'answer', sdp: sdp(FB), offerDigest: OD }, binding('answer'));
    await settle();
    pc.remoteTrack('audio');
    pc.remoteTrack('video');
    peer.emit('data', new Uint8Array([1]));
    peer.emit('connect');
    expect(streams).toEqual([]);
    expect(data).toEqual([]);
    expect(pc.transceivers.every((t) => t.sender.track === null)).toBe(true);
    pc.liveFingerprint = FB;
    pc.connect();
    await vi.waitFor(() => expect(events).toContain('authenticated'));
    expect(events).toEqual(['connected', 'authenticated']);
    expect((streams[0] as FakeStream).getTracks().map((t) => t.kind)).toEqual(['audio', 'video']);
    expect(data).toEqual([new Uint8Array([1])]);
    await settle();
    expect(pc.transceivers.map((t) => t.sender.track)).toEqual([local.audio, local.video]);
    expect(link.isAuthenticated).toBe(true);
  });

  it('a live certificate other than the bound one, or none at all, refuses the link', async () => {
    const other = makeLink(true);
    other.peer.emit('signal', { type: 'offer', sdp: sdp(FA) });
    await other.settle();
    other.link.receive({ type: 'answer', sdp: sdp(FB), offerDigest: OD }, binding('answer'));
    await other.settle();
    other.pc.remoteTrack('video');
    other.pc.liveFingerprint = FX;
    other.pc.connect();
    await vi.waitFor(() => expect(other.closes).toHaveLength(1));
    expect(other.closes[0]!.reason).toMatch(/^refused: live DTLS certificate/);
    expect(other.streams).toEqual([]);
    expect(other.pc.transceivers.every((t) => t.sender.track === null)).toBe(true);
    const none = makeLink(true);
    none.peer.emit('signal', { type: 'offer', sdp: sdp(FA) });
    await none.settle();
    none.link.receive({ type: 'answer', sdp: sdp(FB), offerDigest: OD }, binding('answer'));
    await none.settle();
    none.pc.connect();
    await vi.waitFor(() => expect(none.closes).toHaveLength(1), { timeout: 10_000 });
    expect(none.closes[0]).toMatchObject({ refused: true, reason: 'refused: could not read the live DTLS certificate' });
    expect(none.link.isAuthenticated).toBe(false);
  });

  it('the answerer opens recvonly transceivers for sending during the remote offer, and binds both fingerprints', async () => {
    const { link, peer, pc, bind, verify, sentSignals, settle } = makeLink(false);
    link.receive({ type: 'offer', sdp: sdp(FA) }, binding('offer'));
    await vi.waitFor(() => expect(verify).toHaveBeenCalledWith(binding('offer'), FA, '', ''));
    const t = pc.remoteTrack('audio');
    expect(t.direction).toBe('sendrecv');
    peer.emit('signal', { type: 'answer', sdp: sdp(FB) });
    peer.emit('signal', { type: 'renegotiate', renegotiate: true });
    await settle();
    await vi.waitFor(() => expect(bind).toHaveBeenCalledWith('answer', FB, FA, OD));
    await vi.waitFor(() => expect(sentSignals).toHaveLength(1));
    expect(sentSignals).toEqual([[{ type: 'answer', sdp: sdp(FB), offerDigest: OD }, binding('answer')]]);
  });

  it('the offerer confirms the exact answer it verified', async () => {
    const { link, peer, bind, sentSignals, settle } = makeLink(true);
    peer.emit('signal', { type: 'offer', sdp: sdp(FA) });
    await settle();
    link.receive({ type: 'answer', sdp: sdp(FB), offerDigest: OD }, binding('answer'));
    await vi.waitFor(() => expect(sentSignals).toHaveLength(2));
    const digest = await sdpDigest(sdp(FB));
    expect(bind).toHaveBeenLastCalledWith('confirm', FA, FB, digest);
    expect(sentSignals[1]).toEqual([{ type: 'confirm', digest }, binding('confirm')]);
  });

  /** An answerer that verified the offer, sent its answer and sees the bound certificate live. */
  async function answeredAndLive() {
    const l = makeLink(false);
    l.link.receive({ type: 'offer', sdp: sdp(FA) }, binding('offer'));
    await l.settle();
    l.pc.remoteTrack('audio');
    l.peer.emit('signal', { type: 'answer', sdp: sdp(FB) });
    await vi.waitFor(() => expect(l.sentSignals).toHaveLength(1));
    l.peer.emit('connect');
    l.pc.liveFingerprint = FA;
    l.pc.connect();
    return l;
  }

  it('the answerer stays unauthenticated without a confirm: no media, no data, refused in time', async () => {
    const { link, pc, events, streams, closes, verify, settle } = await answeredAndLive();
    for (let i = 0; i < 5; i++) await settle();
    expect(events).toEqual([]);
    expect(streams).toEqual([]);
    expect(pc.transceivers.every((t) => t.sender.track === null)).toBe(true);
    expect(link.isAuthenticated).toBe(false);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(closes).toEqual([]);
  });

  it('the answerer authenticates with a valid confirm over its answer, verified in main with that digest', async () => {
    const { link, events, verify } = await answeredAndLive();
    const digest = await sdpDigest(sdp(FB));
    link.receive({ type: 'confirm', digest }, binding('confirm'));
    await vi.waitFor(() => expect(events).toContain('authenticated'));
    expect(verify).toHaveBeenLastCalledWith(binding('confirm'), FA, FB, digest);
    expect(link.isAuthenticated).toBe(true);
  });

  it('the answerer refuses a confirm over another answer, with an answer binding, or rejected by main', async () => {
    const other = await answeredAndLive();
    other.link.receive({ type: 'confirm', digest: await sdpDigest(sdp(FX)) }, binding('confirm'));
    await vi.waitFor(() => expect(other.closes).toHaveLength(1));
    expect(other.closes[0]).toMatchObject({ refused: true, reason: 'refused: confirm over another answer' });
    expect(other.verify).toHaveBeenCalledTimes(1);
    expect(other.events).toEqual([]);
    const wrongRole = await answeredAndLive();
    wrongRole.link.receive({ type: 'confirm', digest: await sdpDigest(sdp(FB)) }, binding('answer'));
    await vi.waitFor(() => expect(wrongRole.closes).toHaveLength(1));
    expect(wrongRole.closes[0]!.reason).toBe('refused: confirm without a confirm binding');
    const rejected = await answeredAndLive();
    rejected.verify.mockRejectedValueOnce(new Error('stale: not the current session'));
    rejected.link.receive({ type: 'confirm', digest: await sdpDigest(sdp(FB)) }, binding('confirm'));
    await vi.waitFor(() => expect(rejected.closes).toHaveLength(1));
    expect(rejected.closes[0]).toMatchObject({ refused: true, reason: 'refused: confirm rejected (stale: not the current session)' });
    expect(rejected.link.isAuthenticated).toBe(false);
  });

  it('a link not authenticated in time is refused, not retried', async () => {
    vi.useFakeTimers();
    const { closes } = makeLink(true);
    vi.advanceTimersByTime(CONNECT_TIMEOUT_MS + 1);
    expect(closes).toEqual([{ reason: NOT_IN_TIME, refused: true }]);
  });

  it('a link that keeps taking verified steps has the timeout after each one, and the cap in all', async () => {
    // setImmediate stays real: the answer's digest is WebCrypto, which settles on the real event loop, not on fake time.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const l = makeLink(false);
    const step = CONNECT_TIMEOUT_MS - 1000;
    await vi.advanceTimersByTimeAsync(step);
    l.link.receive({ type: 'offer', sdp: sdp(FA) }, binding('offer'));
    await untilReal(() => l.peer.signals.length === 1);
    await vi.advanceTimersByTimeAsync(step);
    expect(l.closes).toEqual([]);
    l.peer.emit('signal', { type: 'answer', sdp: sdp(FB) });
    await untilReal(() => l.sentSignals.length === 1);
    await vi.advanceTimersByTimeAsync(step);
    expect(l.sentSignals).toHaveLength(1);
    expect(l.closes).toEqual([]);
    l.pc.liveFingerprint = FA;
    l.pc.connect();
    // The transport connected and the certificate matched: more steps, but the cap is reached first.
    await vi.advanceTimersByTimeAsync(CONNECT_CAP_MS - 3 * step - 1);
    expect(l.closes).toEqual([]);
    await vi.advanceTimersByTimeAsync(2);
    expect(l.closes).toEqual([{ reason: NOT_IN_TIME, refused: true }]);
  });

  it('signals that verify nothing are no step: a rejected offer, or a dropped local signal, leaves the timeout where it was', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const l = makeLink(false, false);
    await vi.advanceTimersByTimeAsync(CONNECT_TIMEOUT_MS - 1000);
    l.link.receive({ type: 'offer', sdp: sdp(FA) }, binding('offer'));
    await untilReal(() => l.closes.length > 0);
    expect(l.closes).toEqual([{ reason: 'refused: link binding rejected (bad-signature: no)', refused: true }]);
    // What simple-peer emits besides our one description is dropped, and is no step either.
    const silent = makeLink(false);
    await vi.advanceTimersByTimeAsync(CONNECT_TIMEOUT_MS - 1000);
    silent.peer.emit('signal', { type: 'renegotiate', renegotiate: true });
    await vi.advanceTimersByTimeAsync(1001);
    expect(silent.sentSignals).toEqual([]);
    expect(silent.closes).toEqual([{ reason: NOT_IN_TIME, refused: true }]);
  });
});
