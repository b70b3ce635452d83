// Encrypted chat over the data channels: seal per recipient in main, send envelope bytes, open and acknowledge.
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

export class Chat {
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
   * Recipients: every peer with an open session. A recipient with a proven link and no pending decision gets it now;
   * any other is held in the outbox (status `waiting`) until its link is proven, or refused visibly when the box is full.
   */
  async send(text: string): Promise<void> {
    const s = this.store.getState();
    const id = newId();
    const at = Date.now();
    const peers = Object.values(s.peers).filter((p) => p.sessionOpen);
    const mesh = this.mesh();
    const now = peers.filter((p) => this.canSendNow(p.identityKey, mesh));
    const delivery = Object.fromEntries(peers.map((p) => {
      if (now.includes(p)) return [p.identityKey, { state: 'sending' as const }];
      const refusal = this.outbox.hold(p.identityKey, { id, text, sentAt: at });
      return [p.identityKey, refusal ? { state: 'failed' as const, reason: holdRefusalWords(refusal) } : { state: 'waiting' as const }];
    }));
    s.addMessage({ id, from: 'me', fromName: s.displayName, text, at, kind: 'message', delivery });
    await Promise.all(now.map((p) => this.sendTo(p.identityKey, { t: 'msg', id, text }, id)));
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
      // A held line says when it was written; it cannot predate plausibility nor postdate its own envelope.
      const held = wire.sentAt !== undefined && wire.sentAt < opened.sentAt;
      const at = held ? Math.max(wire.sentAt!, OLDEST_PLAUSIBLE_MS) : opened.sentAt;
      this.store.getState().addMessage({ id: `${identityKey}:${wire.id}`, from: identityKey, fromName: name, text: wire.text, at, kind: 'message',
        ...(held ? { arrivedAt: opened.sentAt } : {}) });
      await this.sendTo(identityKey, { t: 'ack', id: wire.id });
    } catch (err) {
      this.store.getState().addMessage({
        id: newId(), from: 'system', fromName: name, at: Date.now(), kind: 'warning',
        text: `Message from ${isolate(name)} not shown: ${plainReason(errorText(err))}`, detail: `${errorCode(err)}: ${errorText(err)}`
      });
    }
  }
}
