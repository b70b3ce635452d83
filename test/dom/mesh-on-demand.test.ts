// Pairwise links follow the room's path: every member's on the mesh; on the SFU only those asked for (a file, a held line) or offered.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { WireLinkBinding } from '../../protocol/link';
import { bindMeshToStore, meshView } from '../../renderer/src/app/mesh-store';
import { createAppStore } from '../../renderer/src/store';
import { created, FakePeer, installMediaStream } from './fake-rtc';

vi.mock('simple-peer', () => ({ default: FakePeer }));
const { Mesh } = await import('../../renderer/src/rtc/mesh');

const fp = (b: string) => `sha-256 ${Array.from({ length: 32 }, () => b).join(':')}`;
const sdp = (f: string) => `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=fingerprint:${f}\r\n`;
const binding = (role: 'offer' | 'answer' | 'confirm'): WireLinkBinding => ({ v: 1, role, senderKeyId: 'A'.repeat(22), recipientKeyId: 'B'.repeat(22), mac: 'C'.repeat(43) });
/** Identity key, peer id, fingerprint byte: with self `mmmmmmmm`, K1 is the natural initiator and we are K2's. */
const PEERS = { K1: ['aaaaaaa1', 'BB'], K2: ['zzzzzzz2', 'CC'] } as const;

function setup() {
  const store = createAppStore();
  const sent: { to: string; type: string }[] = [];
  const mesh = new Mesh({
    view: meshView(store), roomId: 'r', certificate: null, selfId: () => 'mmmmmmmm', iceServers: () => [],
    localStream: () => null, screenTrack: () => null,
    bind: async (_k, role) => binding(role), verify: async () => {}, sendSignal: (to, s) => sent.push({ to, type: s.type }),
    onData: () => {}, onAuthenticated: () => {}, onFileFrame: () => {}, onLinkDown: () => {}
  });
  bindMeshToStore(mesh, store);
  const join = (key: keyof typeof PEERS) => {
    store.getState().upsertPeer(key, { peerId: PEERS[key][0], displayName: key, sessionOpen: true, trust: 'known', present: true });
    mesh.ensure(key);
  };
  /** Our offering link to `key` (the newest fake peer) comes up: verified answer, live certificate, data channel. */
  const bringUp = async (key: keyof typeof PEERS) => {
    const [peerId, byte] = PEERS[key];
    const peer = created[created.length - 1]!;
    peer.emit('signal', { type: 'offer', sdp: sdp(fp('AA')) });
    await vi.waitFor(() => expect(sent.some((s) => s.to === peerId && s.type === 'offer')).toBe(true));
    mesh.onSignal(peerId, { type: 'answer', sdp: sdp(fp(byte)) }, binding('answer'));
    await vi.waitFor(() => expect(peer.signals).toHaveLength(1));
    peer._pc.liveFingerprint = fp(byte);
    peer._pc.connect();
    peer.emit('connect');
    await vi.waitFor(() => expect(mesh.isReady(key)).toBe(true));
    return peer;
  };
  return { store, mesh, sent, join, bringUp };
}

beforeEach(() => { installMediaStream(); created.length = 0; });

describe('links on demand on the SFU path', () => {
  it('the mesh path makes our link at once; on the SFU path nobody gets one unasked, and back on the mesh every member does', async () => {
    const t = setup();
    t.join('K2');
    expect(created).toHaveLength(1);
    await t.bringUp('K2');

    t.mesh.setLinksOnDemand(true);
    expect(t.mesh.linksOnDemand).toBe(true);
    // The link made before the room moved stays up.
    expect(t.mesh.isReady('K2')).toBe(true);
    expect(created[0]!.destroyed).toBe(false);
    // A newcomer: no link from either end (we would not be its initiator anyway), nothing sent to it.
    t.join('K1');
    t.mesh.ensure('K1');
    t.mesh.settle('K1');
    expect(created).toHaveLength(1);
    expect(t.sent.filter((s) => s.to === PEERS.K1[0])).toEqual([]);

    t.mesh.setLinksOnDemand(false);
    // Back on the mesh: K1 offers to us as its natural initiator, so our end waits for that offer and makes none itself.
    expect(created).toHaveLength(1);
    t.mesh.onSignal(PEERS.K1[0], { type: 'offer', sdp: sdp(fp('BB')) }, binding('offer'));
    expect(created).toHaveLength(2);
    expect(created[1]!.opts.initiator).toBe(false);
  });

  it('a member asked for: we offer even where it is the natural initiator, and `want` resolves once the link is proven', async () => {
    const t = setup();
    t.mesh.setLinksOnDemand(true);
    t.join('K1');
    expect(created).toHaveLength(0);
    const up = t.mesh.want('K1');
    expect(created).toHaveLength(1);
    expect(created[0]!.opts.initiator).toBe(true);
    await t.bringUp('K1');
    await expect(up).resolves.toBe(true);
    // Already up: at once, no second link.
    await expect(t.mesh.want('K1')).resolves.toBe(true);
    expect(created).toHaveLength(1);
  });

  it('an offer from a member is answered on the SFU path (it asked for the link)', async () => {
    const t = setup();
    t.mesh.setLinksOnDemand(true);
    t.join('K2');
    expect(created).toHaveLength(0);
    t.mesh.onSignal(PEERS.K2[0], { type: 'offer', sdp: sdp(fp('CC')) }, binding('offer'));
    expect(created).toHaveLength(1);
    expect(created[0]!.opts.initiator).toBe(false);
  });

  it('`want` resolves false when the link is refused or the member leaves; on the mesh path it only reports the link', async () => {
    const t = setup();
    t.join('K1');
    await expect(t.mesh.want('K1')).resolves.toBe(false);
    expect(created).toHaveLength(0);

    t.mesh.setLinksOnDemand(true);
    const refused = t.mesh.want('K1');
    t.mesh.links.get('K1')!.close('refused: test', true);
    await expect(refused).resolves.toBe(false);

    t.join('K2');
    const gone = t.mesh.want('K2');
    expect(created).toHaveLength(2);
    t.mesh.links.get('K2')!.close('closed', false);
    t.store.getState().upsertPeer('K2', { present: false });
    t.mesh.drop('K2');
    t.mesh.events.emit('peer-gone', 'K2');
    await expect(gone).resolves.toBe(false);
    // Gone and back: asked for again before it gets a link.
    t.join('K2');
    expect(created).toHaveLength(2);
  });
});
