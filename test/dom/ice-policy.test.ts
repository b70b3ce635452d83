// "Always relay": the RTCConfiguration builder, the local candidate/SDP filter, and PeerLink sending only what the filter let through.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { WireLinkBinding } from '../../protocol/link';
import { buildRtcConfiguration, candidateType, isRelayCandidate, localSdpForPolicy, NO_RELAY_CANDIDATE, relayOnlySdp } from '../../renderer/src/rtc/ice-policy';
import { created, installMediaStream } from './fake-rtc';

vi.mock('simple-peer', async () => ({ default: (await import('./fake-rtc')).FakePeer }));
const { PeerLink, sdpDigest } = await import('../../renderer/src/rtc/peer-link');

const FP = `sha-256 ${Array.from({ length: 32 }, () => 'AA').join(':')}`;
const HOST = 'a=candidate:2153902570 1 udp 2122194687 192.168.1.23 55758 typ host generation 0 network-id 2';
const HOST6 = 'a=candidate:1 1 udp 2122197247 2001:db8::5 40000 typ host generation 0';
const TCP = 'a=candidate:4272821106 1 tcp 1518214911 192.168.1.23 9 typ host tcptype active generation 0 network-id 2';
const SRFLX = 'a=candidate:3 1 udp 1686052607 203.0.113.7 61000 typ srflx raddr 192.168.1.23 rport 55758 generation 0';
const PRFLX = 'a=candidate:5 1 udp 1845501695 203.0.113.7 61001 typ prflx raddr 192.168.1.23 rport 55758 generation 0';
const RELAY = 'a=candidate:4 1 udp 41885695 198.51.100.9 49170 typ relay raddr 203.0.113.7 rport 61000 generation 0';
const MDNS = 'a=candidate:6 1 udp 2122260223 0b2a6c7e-8c1b-4f55-9a9e-1c1a3c0f7a11.local 54321 typ host generation 0';

/** A Chromium-shaped offer whose default candidate (c=, a=rtcp) is the host address. */
const offer = (cands: string[]) => ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'm=audio 55758 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 192.168.1.23', 'a=rtcp:9 IN IP4 0.0.0.0', ...cands, 'a=end-of-candidates', `a=fingerprint:${FP}`,
  'm=video 55758 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 203.0.113.7', 'a=rtcp:61000 IN IP4 203.0.113.7', ...cands, ''].join('\r\n');
const lines = (sdp: string) => sdp.split('\r\n');

describe('buildRtcConfiguration', () => {
  const servers: RTCIceServer[] = [
    { urls: 'stun:stun.example.org:3478' },
    { urls: ['stun:turn.example.org', 'turn:turn.example.org:3478?transport=udp', 'TURNS:turn.example.org:5349'], username: '9:p', credential: 'c' }
  ];
  it('off: every server, no transport policy (the browser default, all candidates)', () => {
    const c = buildRtcConfiguration({ iceServers: servers, certificate: null, alwaysRelay: false });
    expect(c).toEqual({ iceServers: servers, bundlePolicy: 'max-bundle', iceCandidatePoolSize: 1 });
  });
  it('one bundled transport, gathered from the moment the connection is made (with or without "always relay")', () => {
    for (const alwaysRelay of [false, true]) {
      const c = buildRtcConfiguration({ iceServers: servers, certificate: null, alwaysRelay });
      expect([c.bundlePolicy, c.iceCandidatePoolSize]).toEqual(['max-bundle', 1]);
    }
  });
  it('on: relay-only policy and only the TURN URLs, credentials kept; the certificate rides along', () => {
    const cert = {} as RTCCertificate;
    const c = buildRtcConfiguration({ iceServers: servers, certificate: cert, alwaysRelay: true });
    expect(c.iceTransportPolicy).toBe('relay');
    expect(c.iceServers).toEqual([{ urls: ['turn:turn.example.org:3478?transport=udp', 'TURNS:turn.example.org:5349'], username: '9:p', credential: 'c' }]);
    expect(c.certificates).toEqual([cert]);
  });
  it('on with no TURN server: still relay-only (so nothing is gathered), never a fallback to direct', () => {
    const c = buildRtcConfiguration({ iceServers: [{ urls: 'stun:stun.example.org' }], certificate: null, alwaysRelay: true });
    expect(c).toEqual({ iceServers: [], iceTransportPolicy: 'relay', bundlePolicy: 'max-bundle', iceCandidatePoolSize: 1 });
  });
});

describe('candidate filter', () => {
  it('reads the candidate type of SDP lines and candidate strings; anything unparseable is not relay', () => {
    expect(candidateType(HOST)).toBe('host');
    expect(candidateType(SRFLX.slice(2))).toBe('srflx');
    expect(isRelayCandidate(RELAY)).toBe(true);
    expect(isRelayCandidate(RELAY.slice(2))).toBe(true);
    for (const bad of ['', 'candidate:1 1 udp', 'a=candidate:1 1 udp 1 198.51.100.9 1 type relay', 'x typ relay']) {
      expect(isRelayCandidate(bad)).toBe(false);
    }
  });

  it('keeps only relay candidates, blanks their related address, and zeroes default addresses that are not relays', () => {
    const r = relayOnlySdp(offer([HOST, HOST6, TCP, SRFLX, PRFLX, MDNS, RELAY]));
    expect(r.ok).toBe(true);
    const out = r.ok ? r.sdp : '';
    expect(lines(out).filter((l) => l.startsWith('a=candidate:'))).toEqual([
      'a=candidate:4 1 udp 41885695 198.51.100.9 49170 typ relay raddr 0.0.0.0 rport 0 generation 0',
      'a=candidate:4 1 udp 41885695 198.51.100.9 49170 typ relay raddr 0.0.0.0 rport 0 generation 0'
    ]);
    for (const leaked of ['192.168.1.23', '203.0.113.7', '2001:db8::5', '.local']) expect(out).not.toContain(leaked);
    expect(lines(out).filter((l) => l.startsWith('c='))).toEqual(['c=IN IP4 0.0.0.0', 'c=IN IP4 0.0.0.0']);
    expect(lines(out)).toContain('a=rtcp:9 IN IP4 0.0.0.0');
    // Everything else is untouched, including the fingerprint and the CRLF line ends.
    expect(lines(out)).toContain(`a=fingerprint:${FP}`);
    expect(out.endsWith('\r\n')).toBe(true);
    expect(out.split('\r\n').length).toBe(offer([RELAY]).split('\r\n').length);
  });

  it('keeps a connection address that is a relay address', () => {
    const sdp = offer([RELAY]).replace('c=IN IP4 192.168.1.23', 'c=IN IP4 198.51.100.9');
    const r = relayOnlySdp(sdp);
    expect(r.ok && lines(r.sdp)).toContain('c=IN IP4 198.51.100.9');
  });

  it('refuses an SDP with no relay candidate at all (nothing could connect; the user gets the reason)', () => {
    expect(relayOnlySdp(offer([HOST, SRFLX]))).toEqual({ ok: false, reason: NO_RELAY_CANDIDATE });
    expect(relayOnlySdp(offer([]))).toEqual({ ok: false, reason: NO_RELAY_CANDIDATE });
  });

  it('leaves the SDP unchanged unless the configuration is relay-only', () => {
    const sdp = offer([HOST, RELAY]);
    expect(localSdpForPolicy(sdp, {})).toEqual({ ok: true, sdp });
    expect(localSdpForPolicy(sdp, { iceTransportPolicy: 'all' })).toEqual({ ok: true, sdp });
    expect(localSdpForPolicy(sdp, { iceTransportPolicy: 'relay' })).toEqual(relayOnlySdp(sdp));
  });
});

describe('PeerLink under a relay-only configuration', () => {
  beforeEach(() => { installMediaStream(); created.length = 0; });
  const binding = (role: 'offer' | 'answer' | 'confirm'): WireLinkBinding => ({ v: 2, role, senderKeyId: 'A'.repeat(22), recipientKeyId: 'B'.repeat(22), mac: 'C'.repeat(43) });
  const settle = async () => { for (let i = 0; i < 5; i++) await Promise.resolve(); await new Promise((r) => setTimeout(r, 0)); };
  function makeLink(initiator: boolean) {
    const sent: { type: string; sdp?: string; digest?: string }[] = [];
    const closes: string[] = [];
    const verify = vi.fn(async () => {});
    const link = new PeerLink(initiator, {
      initiator, config: { iceTransportPolicy: 'relay' }, localTracks: () => ({ audio: null, video: null }),
      bind: async (role) => binding(role), verify, send: (s) => sent.push(s as never), onState: () => {}, onAuthenticated: () => {},
      onStream: () => {}, onData: () => {}, onFileFrame: () => {}, onClose: (reason) => closes.push(reason)
    });
    return { link, peer: created[created.length - 1]!, sent, closes, verify };
  }

  it('the offer that leaves carries only relay candidates', async () => {
    const { peer, sent } = makeLink(true);
    peer.emit('signal', { type: 'offer', sdp: offer([HOST, SRFLX, RELAY]) });
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]!.sdp).not.toMatch(/typ (host|srflx)|192\.168\.1\.23|203\.0\.113\.7/);
    expect(sent[0]!.sdp).toContain('typ relay');
  });

  it('the answerer accepts a confirm over the filtered answer it sent (the digest covers what left)', async () => {
    const { link, peer, sent, closes, verify } = makeLink(false);
    const remoteFp = `sha-256 ${Array.from({ length: 32 }, () => 'BB').join(':')}`;
    link.receive({ type: 'offer', sdp: offer([RELAY]).split(FP).join(remoteFp) }, binding('offer'));
    await vi.waitFor(() => expect(peer.signals).toHaveLength(1));
    peer.emit('signal', { type: 'answer', sdp: offer([HOST, RELAY]) });
    await vi.waitFor(() => expect(sent.some((s) => s.type === 'answer')).toBe(true));
    const answer = sent.find((s) => s.type === 'answer')!;
    expect(answer.sdp).not.toContain('typ host');
    link.receive({ type: 'confirm', digest: await sdpDigest(answer.sdp!) }, binding('confirm'));
    await vi.waitFor(() => expect(verify).toHaveBeenCalledTimes(2));
    await settle();
    expect(closes).toEqual([]);
  });

  it('with no relay candidate gathered nothing leaves and the link is refused with the reason', async () => {
    const { peer, sent, closes } = makeLink(true);
    peer.emit('signal', { type: 'offer', sdp: offer([HOST, SRFLX]) });
    await vi.waitFor(() => expect(closes).toHaveLength(1));
    expect(sent).toEqual([]);
    expect(closes).toEqual([`refused: ${NO_RELAY_CANDIDATE}`]);
  });
});
