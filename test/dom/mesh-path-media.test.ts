// Media on mesh links follows the room's path: off on the SFU (chat goes on, no new offer), back on the mesh with our tracks (or the screen).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { WireLinkBinding } from '../../protocol/link';
import { bindMeshToStore, meshView } from '../../renderer/src/app/mesh-store';
import { createAppStore } from '../../renderer/src/store';
import { created, FakePeer, FakeStream, FakeTrack, installMediaStream, type FakePc } from './fake-rtc';

vi.mock('simple-peer', () => ({ default: FakePeer }));
const { Mesh } = await import('../../renderer/src/rtc/mesh');
const { sdpDigest } = await import('../../renderer/src/rtc/peer-link');

const fp = (b: string) => `sha-256 ${Array.from({ length: 32 }, () => b).join(':')}`;
const sdp = (f: string) => 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n'
  + `m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=fingerprint:${f}\r\n`;
const binding = (role: 'offer' | 'answer' | 'confirm'): WireLinkBinding => ({ v: 2, role, senderKeyId: 'A'.repeat(22), recipientKeyId: 'B'.repeat(22), mac: 'C'.repeat(43) });
const PEERS = [['K1', 'mmmmmmm1', 'BB'], ['K2', 'mmmmmmm2', 'CC'], ['K3', 'mmmmmmm3', 'DD']] as const;

function setup() {
  const store = createAppStore();
  const camera = new FakeStream();
  const [mic, cam, screen] = [new FakeTrack('audio'), new FakeTrack('video'), new FakeTrack('video')];
  camera.addTrack(mic);
  camera.addTrack(cam);
  let sharing = false;
  const verify = vi.fn(async () => {});
  const sent: { to: string; type: string }[] = [];
  const mesh = new Mesh({
    view: meshView(store), roomId: 'r', certificate: null, selfId: () => 'aaaaaaaa', iceServers: () => [],
    localStream: () => camera as unknown as MediaStream, screenTrack: () => (sharing ? screen as unknown as MediaStreamTrack : null),
    bind: async (_k, role) => binding(role), verify, sendSignal: (to, s) => sent.push({ to, type: s.type }),
    onData: () => {}, onAuthenticated: () => {}, onFileFrame: () => {}, onLinkDown: () => {}
  });
  bindMeshToStore(mesh, store);
  /** Brings a link to `identityKey` up the way a real one comes up: bound offer, verified answer, live certificate, data channel. */
  const connect = async (i: number) => {
    const [key, peerId, byte] = PEERS[i]!;
    store.getState().upsertPeer(key, { peerId, displayName: key, sessionOpen: true, trust: 'known', present: true });
    mesh.ensure(key);
    const peer = created[created.length - 1]!;
    peer.emit('signal', { type: 'offer', sdp: sdp(fp('AA')) });
    await vi.waitFor(() => expect(sent.some((s) => s.to === peerId && s.type === 'offer')).toBe(true));
    mesh.onSignal(peerId, { type: 'answer', sdp: sdp(fp(byte)), offerDigest: await sdpDigest(sdp(fp('AA'))) }, binding('answer'));
    await vi.waitFor(() => expect(peer.signals).toHaveLength(1));
    peer._pc.remoteTrack('audio');
    peer._pc.remoteTrack('video');
    peer._pc.liveFingerprint = fp(byte);
    peer._pc.connect();
    peer.emit('connect');
    await vi.waitFor(() => expect(mesh.isReady(key)).toBe(true));
    return peer;
  };
  const senders = (pc: FakePc) => pc.transceivers.map((t) => t.sender.track);
  return { store, mesh, mic, cam, screen, share: (on: boolean) => { sharing = on; }, connect, senders, sent, verify };
}

beforeEach(() => { installMediaStream(); created.length = 0; });

describe('mesh media follows the path', () => {
  it('to the SFU: every link stops sending (no new link, offer or verification); chat goes on; back: every link sends again', async () => {
    const t = setup();
    const [p1, p2] = [await t.connect(0), await t.connect(1)];
    await vi.waitFor(() => expect(t.senders(p1._pc)).toEqual([t.mic, t.cam]));
    await vi.waitFor(() => expect(t.senders(p2._pc)).toEqual([t.mic, t.cam]));
    const [links, signals, verifies] = [created.length, t.sent.length, t.verify.mock.calls.length];

    await t.mesh.setMediaEnabled(false);
    expect(t.mesh.mediaEnabled).toBe(false);
    for (const p of [p1, p2]) expect(t.senders(p._pc)).toEqual([null, null]);
    // A track swap on negotiated transceivers: nothing new to offer, answer or verify, and the links stay up.
    expect([created.length, t.sent.length, t.verify.mock.calls.length]).toEqual([links, signals, verifies]);
    expect(p1.destroyed || p2.destroyed).toBe(false);
    t.mesh.send('K1', new Uint8Array([7]));
    expect(p1.sent).toEqual([new Uint8Array([7])]);
    // A device switch or screen share while on the SFU puts nothing on the links.
    await t.mesh.replaceTrack('video', t.screen as unknown as MediaStreamTrack);
    expect(t.senders(p1._pc)).toEqual([null, null]);

    // A link made while on the SFU carries no media either.
    const p3 = await t.connect(2);
    await new Promise((r) => setTimeout(r, 0));
    expect(t.senders(p3._pc)).toEqual([null, null]);

    // Back to the mesh while sharing: every link (old and new) sends the mic and the screen.
    t.share(true);
    await t.mesh.setMediaEnabled(true);
    for (const p of [p1, p2, p3]) expect(t.senders(p._pc)).toEqual([t.mic, t.screen]);
    expect(created).toHaveLength(3);
  });

  it('setting the same state twice does nothing, and a stopped share goes back to the camera', async () => {
    const t = setup();
    const p1 = await t.connect(0);
    await vi.waitFor(() => expect(t.senders(p1._pc)).toEqual([t.mic, t.cam]));
    await t.mesh.setMediaEnabled(true);
    expect(t.senders(p1._pc)).toEqual([t.mic, t.cam]);
    await t.mesh.setMediaEnabled(false);
    await t.mesh.setMediaEnabled(false);
    expect(t.senders(p1._pc)).toEqual([null, null]);
    await t.mesh.setMediaEnabled(true);
    expect(t.senders(p1._pc)).toEqual([t.mic, t.cam]);
  });
});
