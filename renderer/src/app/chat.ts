// Encrypted chat: on the SFU path one room message sealed once in main for every member that holds our key, else per recipient over the data channels.
import { GROUP_CHAT_LIMITS, type OpenedGroupChat } from '../../../protocol/group-chat';
import type { FileControl } from '../../../protocol/ipc-files';
import { decodeSealedPeerMessage, encodeSealedPeerMessage, type ChatLine, type MediaState } from '../../../protocol/peer';
import type { AppStore } from '../store';
import { plainReason } from '../lib/plain-words';
import { isolate } from '../lib/shown-names';
import { shownNameOf } from './names';
import { errorCode, errorText, strictUtf8, unwrap, utf8 } from '../lib/veil';
import type { Mesh } from '../rtc/mesh';
import { holdRefusalWords, Outbox, type HeldLine } from './outbox';

type Wire = ChatLine;

/** A held line whose claimed send time is later than the envelope's (or before this) is shown at the envelope's time. */
const OLDEST_PLAUSIBLE_MS = Date.UTC(2024, 0, 1);

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

/** The room path of an SFU call: main seals once, the server relays `chat:group` to every other member. */
export interface RoomChatPath {
  /** True while the room's SFU call runs (its media keys are what the chat key derives from). */
  active(): boolean;
  /** Emits `chat:group` {blob}; rejects with the server's error. */
  send(blob: string): Promise<unknown>;
  /** Main's checks, in order with the call's key blobs; rejects with main's error code. */
  open(fromPeerId: string, blob: string): Promise<OpenedGroupChat>;
}

export class Chat {
  /** Set by the room: without it (or while no SFU call runs) every line goes pairwise. */
  group: RoomChatPath | null = null;
  /** Where file control messages go (the files controller); without one they are ignored. */
  onFileControl: ((identityKey: string, control: FileControl) => void) | null = null;
  /** Lines for recipients with no proven link yet (in the renderer: it already holds the plaintext it shows). */
  readonly outbox = new Outbox();
  private flushing = new Map<string, Promise<void>>();

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

  /**
   * Recipients: every peer with an open session. On the SFU path, the members main says hold our current key (and
   * have nothing held here) get the line once through the room; every other recipient takes the pairwise path: a
   * proven link and no pending decision gets it now, any other is held in the outbox (status `waiting`) until its link
   * is proven, or refused visibly when the box is full.
   */
  async send(text: string): Promise<void> {
    const id = newId();
    const at = Date.now();
    const peers = Object.values(this.store.getState().peers).filter((p) => p.sessionOpen);
    const viaRoom = this.group?.active() ? await this.sendToRoom({ t: 'msg', id, text }, peers) : new Set<string>();
    const s = this.store.getState();
    const mesh = this.mesh();
    const pairwise = peers.filter((p) => !viaRoom.has(p.identityKey));
    const now = pairwise.filter((p) => this.canSendNow(p.identityKey, mesh));
    const delivery = Object.fromEntries([...peers.filter((p) => viaRoom.has(p.identityKey)).map((p) => [p.identityKey, { state: 'sent' as const }]),
      ...pairwise.map((p) => {
        if (now.includes(p)) return [p.identityKey, { state: 'sending' as const }];
        const refusal = this.outbox.hold(p.identityKey, { id, text, sentAt: at });
        return [p.identityKey, refusal ? { state: 'failed' as const, reason: holdRefusalWords(refusal) } : { state: 'waiting' as const }];
      })]);
    s.addMessage({ id, from: 'me', fromName: s.displayName, text, at, kind: 'message', delivery });
    await Promise.all(now.map((p) => this.sendTo(p.identityKey, { t: 'msg', id, text }, id)));
  }

  /** Seals once for the room; returns who got it that way. Any failure sends nobody anything here: all go pairwise. */
  private async sendToRoom(wire: Wire, peers: { identityKey: string; peerId?: string | undefined }[]): Promise<Set<string>> {
    const group = this.group!;
    const bytes = utf8.encode(encodeSealedPeerMessage(wire));
    if (bytes.length > GROUP_CHAT_LIMITS.maxPlaintextBytes) return new Set();
    const s = this.store.getState();
    try {
      const sealed = await unwrap(window.veil.media.sealGroupChat(this.roomId, bytes));
      const covered = new Set(sealed.covered);
      // Order first: a member with lines still held here gets this one after them, pairwise.
      const via = peers.filter((p) => p.peerId !== undefined && covered.has(p.peerId) && !s.keyChanges.includes(p.identityKey)
        && this.outbox.count(p.identityKey) === 0 && !this.flushing.has(p.identityKey));
      if (via.length === 0) return new Set();
      await group.send(sealed.blob);
      return new Set(via.map((p) => p.identityKey));
    } catch {
      return new Set();
    }
  }

  /** Nothing is held for this recipient (order first), its link is proven and no decision about its key is pending here. */
  private canSendNow(identityKey: string, mesh: Mesh | null): boolean {
    return this.outbox.count(identityKey) === 0 && !this.flushing.has(identityKey) && !this.store.getState().keyChanges.includes(identityKey)
      && (mesh?.isReady(identityKey) ?? false);
  }

  /** The link to this peer is proven: its held lines leave in order, each sealed now, carrying when it was written. */
  flushHeld(identityKey: string): Promise<void> {
    const running = this.flushing.get(identityKey);
    if (running) return running;
    const run = this.drain(identityKey).finally(() => this.flushing.delete(identityKey));
    this.flushing.set(identityKey, run);
    return run;
  }

  private async drain(identityKey: string): Promise<void> {
    for (;;) {
      const lines = this.outbox.takeAll(identityKey);
      if (lines.length === 0) return;
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        const mesh = this.mesh();
        if (this.store.getState().keyChanges.includes(identityKey) || !mesh?.isReady(identityKey)) {
          this.outbox.restore(identityKey, lines.slice(i));
          return;
        }
        await this.sendTo(identityKey, { t: 'msg', id: line.id, text: line.text, sentAt: line.sentAt }, line.id);
      }
    }
  }

  /** Held lines that will never go (the peer left, or the user said it is a different person): failed, in words. */
  dropHeld(identityKey: string, reason: string): void {
    const lines: HeldLine[] = this.outbox.takeAll(identityKey);
    for (const line of lines) this.store.getState().setDelivery(line.id, identityKey, { state: 'failed', reason });
  }

  private async sendTo(identityKey: string, wire: Wire, trackId?: string): Promise<void> {
    const s = this.store.getState();
    const fail = (reason: string) => { if (trackId) s.setDelivery(trackId, identityKey, { state: 'failed', reason }); };
    // Never sealed to a key the user has not accepted (main refuses too: the second lock).
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
      await this.show(identityKey, name, opened.plaintext, opened.sentAt, 'any');
    } catch (err) {
      this.store.getState().addMessage({
        id: newId(), from: 'system', fromName: name, at: Date.now(), kind: 'warning',
        text: `Message from ${isolate(name)} not shown: ${plainReason(errorText(err))}`, detail: `${errorCode(err)}: ${errorText(err)}`
      });
    }
  }

  /** A `chat:group` event: opened by main (member, key, signature, counter, time, AEAD), then shown like a pairwise line. */
  async receiveGroup(fromPeerId: string, blob: string): Promise<void> {
    const s = this.store.getState();
    const peer = Object.values(s.peers).find((p) => p.peerId === fromPeerId);
    const group = this.group;
    if (!peer || !group) return;
    const name = shownNameOf(s, peer.identityKey, 'unknown peer').label;
    if (s.keyChanges.includes(peer.identityKey)) {
      s.addMessage({ id: newId(), from: 'system', fromName: name, text: `Message from ${isolate(name)} blocked: identity key changed, not accepted`, at: Date.now(), kind: 'warning' });
      return;
    }
    try {
      const opened = await group.open(fromPeerId, blob);
      if (opened.identityKey !== peer.identityKey) throw new Error('sender does not match the member');
      await this.show(peer.identityKey, name, opened.plaintext, opened.sentAt, 'room');
    } catch (err) {
      // Sealed under a key main never gave us (we are pending trust for the sender, or not yet keyed): we get it pairwise.
      if (errorCode(err) === 'no-key') return;
      this.store.getState().addMessage({
        id: newId(), from: 'system', fromName: name, at: Date.now(), kind: 'warning',
        text: `Message from ${isolate(name)} not shown: ${plainReason(errorText(err))}`, detail: `${errorCode(err)}: ${errorText(err)}`
      });
    }
  }

  /** An authentic plaintext from `identityKey`: a chat line, an ack, media state or a file control. */
  private async show(identityKey: string, name: string, plaintext: Uint8Array, sentAt: number, via: 'room' | 'any'): Promise<void> {
    const wire = parseWire(plaintext);
    if (!wire) {
      // Opened and authentic, but not a Veil message: a peer speaking another version, or a hostile one.
      if (this.store.getState().countInvalidEvent('peer-message')) this.store.getState().pushAlert(`Dropped a malformed message from ${isolate(name)}`);
      return;
    }
    // The room path carries chat lines only: acks, media state and file controls stay pairwise.
    if (via === 'room' && wire.t !== 'msg') {
      if (this.store.getState().countInvalidEvent('peer-message')) this.store.getState().pushAlert(`Dropped a room message from ${isolate(name)} that only goes pairwise`);
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
    // A held line says when it was written; it cannot predate plausibility nor postdate its own envelope.
    const held = wire.sentAt !== undefined && wire.sentAt < sentAt;
    const at = held ? Math.max(wire.sentAt!, OLDEST_PLAUSIBLE_MS) : sentAt;
    this.store.getState().addMessage({ id: `${identityKey}:${wire.id}`, from: identityKey, fromName: name, text: wire.text, at, kind: 'message',
      ...(held ? { arrivedAt: sentAt } : {}) });
    await this.sendTo(identityKey, { t: 'ack', id: wire.id });
  }
}
