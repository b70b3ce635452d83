// Encrypted chat over the data channels: seal per recipient in main, send envelope bytes, open and acknowledge.
import type { FileControl } from '../../../protocol/ipc-files';
import { decodeSealedPeerMessage, encodeSealedPeerMessage, type ChatLine, type MediaState } from '../../../protocol/peer';
import type { AppStore } from '../store';
import { plainReason } from '../lib/plain-words';
import { isolate } from '../lib/shown-names';
import { shownNameOf } from './names';
import { errorCode, errorText, strictUtf8, unwrap, utf8 } from '../lib/veil';
import type { Mesh } from '../rtc/mesh';

type Wire = ChatLine;

type Parsed = Wire | MediaState | { t: 'file'; control: FileControl } | null;

/** Chat lines, acks and media state, or a file control message, through the one peer-message decoder; anything else is null. */
export function parseWire(plaintext: Uint8Array): Parsed {
  const text = strictUtf8(plaintext);
  const m = text === null ? null : decodeSealedPeerMessage(text);
  if (!m) return null;
  return m.t === 'msg' || m.t === 'ack' || m.t === 'media' ? m : { t: 'file', control: m };
}

export function newId(): string {
  const b = crypto.getRandomValues(new Uint8Array(9));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export class Chat {
  /** Where file control messages go (the files controller); without one they are ignored. */
  onFileControl: ((identityKey: string, control: FileControl) => void) | null = null;

  constructor(private readonly store: AppStore, private readonly roomId: string, private readonly mesh: () => Mesh | null) {}

  /** Seals a file control message for one peer exactly like a chat line; rejects if it cannot go out. */
  async sendControl(identityKey: string, control: FileControl): Promise<void> {
    if (this.store.getState().keyChanges.includes(identityKey)) throw new Error('blocked: identity key changed, not accepted');
    const mesh = this.mesh();
    if (!mesh?.isReady(identityKey)) throw new Error('not connected');
    const envelope = await unwrap(window.veil.message.seal(this.roomId, identityKey, utf8.encode(encodeSealedPeerMessage(control))));
    mesh.send(identityKey, envelope);
  }

  /** Tells one peer (or every connected one) our mic / camera / screen state; best effort, it only drives their tile. */
  async sendMediaState(state: Omit<MediaState, 't'>, only?: string): Promise<void> {
    const mesh = this.mesh();
    const s = this.store.getState();
    const keys = only ? [only] : Object.keys(s.peers);
    await Promise.all(keys.filter((k) => mesh?.isReady(k) && !s.keyChanges.includes(k)).map(async (k) => {
      try {
        const envelope = await unwrap(window.veil.message.seal(this.roomId, k, utf8.encode(encodeSealedPeerMessage({ t: 'media', ...state }))));
        mesh?.send(k, envelope);
      } catch {
        // The next change or link-up sends it again.
      }
    }));
  }

  /** Recipients: every peer with an open session; peers with a pending key change are blocked, with a reason. */
  async send(text: string): Promise<void> {
    const s = this.store.getState();
    const id = newId();
    const peers = Object.values(s.peers).filter((p) => p.sessionOpen);
    s.addMessage({ id, from: 'me', fromName: s.displayName, text, at: Date.now(), kind: 'message',
      delivery: Object.fromEntries(peers.map((p) => [p.identityKey, { state: 'sending' as const }])) });
    await Promise.all(peers.map((p) => this.sendTo(p.identityKey, { t: 'msg', id, text }, id)));
  }

  private async sendTo(identityKey: string, wire: Wire, trackId?: string): Promise<void> {
    const s = this.store.getState();
    const fail = (reason: string) => { if (trackId) s.setDelivery(trackId, identityKey, { state: 'failed', reason }); };
    if (s.keyChanges.includes(identityKey)) return fail('blocked: identity key changed, not accepted');
    const mesh = this.mesh();
    if (!mesh?.isReady(identityKey)) return fail('not connected');
    try {
      const envelope = await unwrap(window.veil.message.seal(this.roomId, identityKey, utf8.encode(encodeSealedPeerMessage(wire))));
      mesh.send(identityKey, envelope);
      if (trackId) this.store.getState().setDelivery(trackId, identityKey, { state: 'sent' });
    } catch (err) {
      fail(errorText(err));
    }
  }

  /** Bytes from a peer's data channel: main checks signature, freshness, replay and AEAD before we see text. */
  async receive(identityKey: string, bytes: Uint8Array): Promise<void> {
    const s = this.store.getState();
    const peer = s.peers[identityKey];
    const name = shownNameOf(s, peer?.identityKey, 'unknown peer').label;
    if (s.keyChanges.includes(identityKey)) {
      s.addMessage({ id: newId(), from: 'system', fromName: name, text: `Message from ${isolate(name)} blocked: identity key changed, not accepted`, at: Date.now(), kind: 'warning' });
      return;
    }
    try {
      const opened = await unwrap(window.veil.message.open(this.roomId, identityKey, bytes));
      if (opened.senderIdentityKey !== identityKey) throw new Error('sender does not match the connection');
      const wire = parseWire(opened.plaintext);
      if (!wire) {
        // Opened and authentic, but not a Veil message: a peer speaking another version, or a hostile one.
        if (this.store.getState().countInvalidEvent('peer-message')) this.store.getState().pushAlert(`Dropped a malformed message from ${isolate(name)}`);
        return;
      }
      if (wire.t === 'file') {
        this.onFileControl?.(identityKey, wire.control);
        return;
      }
      if (wire.t === 'media') {
        if (this.store.getState().peers[identityKey]) this.store.getState().upsertPeer(identityKey, { media: { mic: wire.mic, cam: wire.cam, screen: wire.screen } });
        return;
      }
      if (wire.t === 'ack') {
        this.store.getState().setDelivery(wire.id, identityKey, { state: 'delivered' });
        return;
      }
      this.store.getState().addMessage({ id: `${identityKey}:${wire.id}`, from: identityKey, fromName: name, text: wire.text, at: opened.sentAt, kind: 'message' });
      await this.sendTo(identityKey, { t: 'ack', id: wire.id });
    } catch (err) {
      this.store.getState().addMessage({
        id: newId(), from: 'system', fromName: name, at: Date.now(), kind: 'warning',
        text: `Message from ${isolate(name)} not shown: ${plainReason(errorText(err))}`, detail: `${errorCode(err)}: ${errorText(err)}`
      });
    }
  }
}
