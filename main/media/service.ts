// The media key service: per-call SFrame keys made in main, sealed only to members that pass the trust gate, checked on receipt, sent to the frame worker's port.
import { fromB64u, toB64u } from '../../protocol/encoding';
import { LIMITS } from '../../protocol/limits';
import type { OpenedGroupChat, SealedGroupChat } from '../../protocol/group-chat';
import type { CheckedFrameOrigin } from '../../protocol/frame-origin';
import { MEDIA_KEY_LIMITS, mediaKid, type MediaKeyDelivery, type MediaKeyMessage } from '../../protocol/media-key-wire';
import { ctEqual, ratchetBaseKey, sha256, utf8, wipe, type CryptoBackend } from '../crypto';
import type { AuditLog } from '../e2ee/audit';
import type { E2eeService } from '../e2ee/e2ee';
import { DomainError } from '../errors';
import { GroupChatKeys } from './group-chat';
import { FrameOriginDigests, type CheckedRun } from './frame-origin';
import { MAX_RETIRED_INDICES, ownerOfIndex, type Call, type CallMember } from './call';
import { QueuedKeyPort, type MediaKeyPortOpener } from './key-port';
import { checkReceivedKey } from './receive-checks';
import { SendKeySchedule, type SendKey } from './send-keys';

export interface MediaKeyServiceOptions {
  e2ee: E2eeService;
  /** Randomness and HKDF for our send keys (the app's one backend). */
  backend: CryptoBackend;
  audit: AuditLog;
  now: () => number;
  /** Opens the key port to the app window (Electron: a MessageChannelMain); without it `media:keyPort` fails. */
  openPort?: MediaKeyPortOpener;
  /** How long a new send key waits before frames go out under it (default MEDIA_KEY_LIMITS.switchDelayMs). */
  switchDelayMs?: number;
  /** The same for our first key and a join's ratchet (default MEDIA_KEY_LIMITS.quickSwitchDelayMs). */
  quickSwitchDelayMs?: number;
}

export interface Outgoing { outgoing: MediaKeyDelivery[] }

/** One call at a time: the desktop app is in one SFU call; starting another stops nothing silently, it is refused. */
export class MediaKeyService {
  private call: Call | null = null;
  /** Operations run one at a time, so a join, a leave and a received key never interleave their state changes. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: MediaKeyServiceOptions) {}

  startCall(roomId: string, selfId: string): Promise<{ senderIndex: number }> {
    return this.serial(async () => {
      this.opts.e2ee.assertRoom(roomId);
      if (this.call) throw new DomainError('bad-state', 'a call is already running: stop it first');
      const idx = this.opts.e2ee.randomBytes(3);
      const senderIndex = (idx[0]! << 16) | (idx[1]! << 8) | idx[2]!;
      const port = new QueuedKeyPort();
      const call: Call = { roomId, selfId, senderIndex, port, portToken: null, members: new Map(), chat: new GroupChatKeys(this.opts.backend, roomId),
        origin: new FrameOriginDigests(this.opts.backend, roomId, senderIndex),
        schedule: new SendKeySchedule({ backend: this.opts.backend, senderIndex, switchDelayMs: this.opts.switchDelayMs ?? MEDIA_KEY_LIMITS.switchDelayMs,
          quickSwitchDelayMs: this.opts.quickSwitchDelayMs ?? MEDIA_KEY_LIMITS.quickSwitchDelayMs,
          onSwitch: (k) => this.switched(call, k) }) };
      this.call = call;
      port.listen((data) => void this.workerSealed(call, data));
      port.post({ type: 'require-origin' });
      this.opts.audit.record('media-call-started', { roomId, selfId, senderIndex });
      return { senderIndex };
    });
  }

  /** Opens the call's one key port; the page forwards it unread to the frame worker. A second request is refused. */
  keyPort(): { token: string } {
    const call = this.current();
    const open = this.opts.openPort;
    if (!open) throw new DomainError('bad-state', 'no key port available');
    if (call.portToken) throw new DomainError('bad-state', 'the key port of this call was already handed out');
    const token = toB64u(this.opts.e2ee.randomBytes(18));
    call.portToken = token;
    // Returns at once: the browser harness' carrier only connects once the page has the token.
    open(token).then((endpoint) => call.port.attach(endpoint), () => { if (this.call === call) this.stop(call, 'port-failed'); });
    return { token };
  }

  memberJoined(roomId: string, peerId: string, identityKey: string): Promise<Outgoing> {
    return this.serial(async () => {
      const call = this.current(roomId);
      if (peerId === call.selfId) throw new DomainError('denied', 'we are not a member of our own call');
      const known = call.members.get(peerId);
      if (known) {
        if (known.identityKey !== identityKey) throw new DomainError('denied', 'this peerId is already another member of the call');
        return this.deliverAll(call);
      }
      if (call.members.size >= LIMITS.maxRoomMembers) throw new DomainError('room-too-large', `at most ${LIMITS.maxRoomMembers} members per call`);
      const key = call.schedule.ratchetForJoin(0);
      call.members.set(peerId, { peerId, identityKey, minEpoch: key.epoch, deliveredEpoch: -1, state: 'no-session', received: null, retired: [], ratchetAhead: null, recent: [] });
      this.opts.audit.record('media-member-joined', { roomId, peerId, epoch: key.epoch, kid: key.kid });
      return this.deliverAll(call);
    });
  }

  memberLeft(roomId: string, peerId: string): Promise<Outgoing> {
    return this.serial(async () => {
      const call = this.current(roomId);
      const m = call.members.get(peerId);
      if (!m) throw new DomainError('not-member', 'no such member in the call');
      call.members.delete(peerId);
      this.post(call, { type: 'drop-sender', senderId: peerId });
      call.chat.dropSender(peerId);
      call.origin.forget(peerId);
      // It may hold our key: later media goes under a key it never sees.
      if (m.deliveredEpoch >= 0) this.rekey(call, 'member-left', peerId);
      return this.deliverAll(call);
    });
  }

  /** Trust or sessions changed (verified, change accepted, revoked, rotated): re-runs the gate for every member. */
  syncTrust(roomId: string): Promise<Outgoing> {
    return this.serial(async () => this.deliverAll(this.current(roomId)));
  }

  receiveKey(roomId: string, fromPeerId: string, blob: string): Promise<{ senderId: string; kid: number }> {
    return this.serial(async () => {
      const call = this.current(roomId);
      const m = call.members.get(fromPeerId);
      if (!m) throw this.refuse(call, fromPeerId, new DomainError('not-member', 'media key from someone who is not a member of the call'));
      const t = this.opts.now();
      const recent = m.recent.filter((x) => t - x < MEDIA_KEY_LIMITS.receiveWindowMs);
      if (recent.length >= MEDIA_KEY_LIMITS.receivePerMemberPerWindow) {
        throw this.refuse(call, fromPeerId, new DomainError('over-quota', 'too many media keys from this member'));
      }
      m.recent = [...recent, t];
      const envelope = fromB64u(blob);
      if (!envelope) throw this.refuse(call, fromPeerId, new DomainError('malformed', 'media key blob is not base64url'));
      let accepted: MediaKeyMessage | null = null;
      try {
        await this.opts.e2ee.openMediaKey(roomId, m.identityKey, envelope, (plaintext) => {
          accepted = checkReceivedKey(plaintext, { roomId, selfId: call.selfId, fromPeerId, last: m.received, retired: m.retired,
            ownerOf: (i) => ownerOfIndex(call, i) });
        });
      } catch (err) {
        if (err instanceof DomainError) throw this.refuse(call, fromPeerId, err);
        throw err;
      }
      const msg = accepted as unknown as MediaKeyMessage;
      if (m.received && m.received.senderIndex !== msg.senderIndex) {
        // The member restarted its call: nothing of the ended one opens any more.
        this.post(call, { type: 'drop-sender', senderId: fromPeerId });
        call.chat.dropSender(fromPeerId);
        m.ratchetAhead = null;
        m.retired = [...m.retired, m.received.senderIndex].slice(-MAX_RETIRED_INDICES);
        this.opts.audit.record('media-key-new-call', { roomId, peerId: fromPeerId, senderIndex: msg.senderIndex });
      }
      m.received = { senderIndex: msg.senderIndex, generation: msg.generation, epoch: msg.epoch };
      const baseKey = new Uint8Array(fromB64u(msg.baseKey)!);
      // The ratchet we derived ahead arriving as sent: already in place (posting it again would reset its replay windows).
      const derived = m.ratchetAhead;
      const alreadyHeld = derived !== null && derived.epoch === msg.epoch && ctEqual(derived.digest, sha256(baseKey));
      if (!alreadyHeld) {
        this.post(call, { type: 'set-receive-key', senderId: fromPeerId, kid: msg.kid, baseKey });
        call.chat.accept(fromPeerId, msg.kid, baseKey);
      }
      // Its join ratchet, ahead of time: a sender switches to it soon after a join, before we could be sent it.
      const next = new Uint8Array(ratchetBaseKey(this.opts.backend, baseKey));
      const nextKid = mediaKid(msg.senderIndex, msg.epoch + 1);
      this.post(call, { type: 'set-receive-key', senderId: fromPeerId, kid: nextKid, baseKey: next });
      call.chat.accept(fromPeerId, nextKid, next);
      m.ratchetAhead = { epoch: msg.epoch + 1, digest: sha256(next) };
      wipe(baseKey, next);
      this.opts.audit.record('media-key-received', { roomId, peerId: fromPeerId, kid: msg.kid, epoch: msg.epoch, generation: msg.generation });
      return { senderId: fromPeerId, kid: msg.kid };
    });
  }

  /**
   * Seals one chat line once, under the chat key of our newest send key (PROTOCOL.md §22). `covered` are the members main
   * delivered that key to; the rest (pending trust, no session yet, key in flight) must get the line pairwise.
   */
  sealGroupChat(roomId: string, plaintext: Uint8Array): Promise<SealedGroupChat> {
    return this.serial(async () => {
      const call = this.current(roomId);
      const latest = call.schedule.latest();
      const covered = [...call.members.values()].filter((m) => m.state === 'ok' && m.deliveredEpoch >= latest.epoch).map((m) => m.peerId);
      call.schedule.markChatUse(latest);
      const fields = call.chat.nextSend(latest);
      const { bytes } = await this.opts.e2ee.sealGroupChat(roomId, fields, plaintext);
      this.opts.audit.record('group-chat-sealed', { roomId, kid: fields.kid, counter: fields.counter, covered: covered.length });
      return { blob: toB64u(bytes), kid: fields.kid, covered };
    });
  }

  /** A `chat:group` event: `fromPeerId` as the server stamped it. Every check of §22.3; a refusal is audited and changes nothing. */
  openGroupChat(roomId: string, fromPeerId: string, blob: string): Promise<OpenedGroupChat> {
    return this.serial(async () => {
      const call = this.current(roomId);
      const m = call.members.get(fromPeerId);
      try {
        const opened = call.chat.open(m ? { peerId: m.peerId, identityKey: m.identityKey,
          trusted: this.opts.e2ee.mediaKeyRecipientState(roomId, m.identityKey) === 'ok' } : null, fromPeerId, blob, this.opts.now());
        return { peerId: fromPeerId, identityKey: m!.identityKey, plaintext: opened.plaintext, sentAt: opened.sentAt };
      } catch (err) {
        if (err instanceof DomainError) this.opts.audit.record('group-chat-refused', { roomId, peerId: fromPeerId, reason: err.code });
        throw err;
      }
    });
  }

  /** Our signed frame-origin digests since the last call (PROTOCOL.md §22a), for the page to send as `media:origin`. */
  takeOriginDigests(roomId: string): string[] {
    return this.current(roomId).origin.take();
  }

  /** A `media:origin` event: checked against the member the server named, then given to our worker to match its frames. */
  checkOrigin(roomId: string, fromPeerId: string, blob: string): Promise<CheckedFrameOrigin> {
    return this.serial(async () => {
      const call = this.current(roomId);
      const m = call.members.get(fromPeerId);
      let run: CheckedRun;
      try {
        run = call.origin.check(m ? { peerId: m.peerId, identityKey: m.identityKey, senderIndex: m.received?.senderIndex ?? null,
          trusted: this.opts.e2ee.mediaKeyRecipientState(roomId, m.identityKey) === 'ok' } : null, fromPeerId, blob, this.opts.now());
      } catch (err) {
        if (err instanceof DomainError) this.opts.audit.record('frame-origin-refused', { roomId, peerId: fromPeerId, reason: err.code });
        throw err;
      }
      this.post(call, { type: 'sender-frames', ...run });
      return { senderId: run.senderId, kid: run.kid, firstCtr: run.firstCtr, frames: run.tags.length / 8 };
    });
  }

  stopCall(roomId: string): Promise<null> {
    return this.serial(async () => {
      const call = this.current(roomId);
      this.stop(call, 'stopped');
      return null;
    });
  }

  /** The room was left: its call (if any) ends with it. */
  leaveRoom(roomId: string): void {
    if (this.call?.roomId === roomId) this.stop(this.call, 'room-left');
  }

  dispose(): void {
    if (this.call) this.stop(this.call, 'disposed');
  }

  private current(roomId?: string): Call {
    const call = this.call;
    if (!call || (roomId !== undefined && call.roomId !== roomId)) throw new DomainError('bad-state', 'no media call in this room');
    return call;
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Audits a refused key (reason and who, never content) and returns the error to throw. */
  private refuse(call: Call, peerId: string, err: DomainError): DomainError {
    this.opts.audit.record('media-key-refused', { roomId: call.roomId, peerId, reason: err.code });
    return err;
  }

  private rekey(call: Call, reason: string, peerId: string): void {
    const key = call.schedule.freshForLeave();
    this.opts.audit.record('media-key-fresh', { roomId: call.roomId, reason, peerId, epoch: key.epoch, generation: key.generation, kid: key.kid });
  }

  /** Runs the gate for every member; a member that held our key and no longer passes forces a fresh key. */
  private async deliverAll(call: Call): Promise<Outgoing> {
    const e2ee = this.opts.e2ee;
    for (const m of call.members.values()) {
      const state = e2ee.mediaKeyRecipientState(call.roomId, m.identityKey);
      if (state !== 'ok' && m.state === 'ok') {
        // Its frames stop opening here; if it holds a key of ours, later media goes under one it never sees.
        this.post(call, { type: 'drop-sender', senderId: m.peerId });
        call.chat.dropSender(m.peerId);
        m.ratchetAhead = null;
        if (m.deliveredEpoch >= 0) this.rekey(call, `trust-${state}`, m.peerId);
        // Newer keys must never reach it until the gate passes again, and then only a ratchet of them.
        m.minEpoch = call.schedule.latest().epoch + 1;
      }
      if (state !== m.state && state !== 'ok') this.opts.audit.record('media-key-withheld', { roomId: call.roomId, peerId: m.peerId, reason: state });
      if (state === 'ok' && m.minEpoch > call.schedule.latest().epoch) {
        // Back after a drop: it gets a ratchet of the newest key, never that key (made so that it would not have it).
        m.minEpoch = call.schedule.ratchetForJoin(m.minEpoch).epoch;
      }
      m.state = state;
    }
    const outgoing: MediaKeyDelivery[] = [];
    for (const m of call.members.values()) {
      if (m.state !== 'ok') continue;
      for (const key of call.schedule.live()) {
        if (key.epoch < m.minEpoch || key.epoch <= m.deliveredEpoch) continue;
        const blob = await this.seal(call, m, key);
        if (blob === null) break;
        outgoing.push({ to: m.peerId, blob });
        m.deliveredEpoch = key.epoch;
      }
    }
    return { outgoing };
  }

  /** The sealed blob, or null when the E2EE service refused (the gate changed under us): retried on the next sync. */
  private async seal(call: Call, m: CallMember, key: SendKey): Promise<string | null> {
    const message: MediaKeyMessage = { v: 1, t: 'media-key', roomId: call.roomId, senderId: call.selfId, recipientId: m.peerId,
      senderIndex: call.senderIndex, generation: key.generation, epoch: key.epoch, kid: key.kid, baseKey: toB64u(key.baseKey) };
    const plaintext = utf8(JSON.stringify(message));
    try {
      const sealed = await this.opts.e2ee.sealMediaKey(call.roomId, m.identityKey, plaintext);
      this.opts.audit.record('media-key-sent', { roomId: call.roomId, peerId: m.peerId, kid: key.kid, epoch: key.epoch, generation: key.generation });
      return toB64u(sealed);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      this.opts.audit.record('media-key-withheld', { roomId: call.roomId, peerId: m.peerId, reason: err.code });
      return null;
    } finally {
      wipe(plaintext);
    }
  }

  private switched(call: Call, key: SendKey): void {
    if (this.call !== call) return;
    const baseKey = new Uint8Array(key.baseKey);
    this.post(call, { type: 'set-send-key', kid: key.kid, baseKey });
    wipe(baseKey);
    this.opts.audit.record('media-send-key-switched', { roomId: call.roomId, kid: key.kid, epoch: key.epoch, generation: key.generation });
  }

  /** Our worker's report of the frames it sealed: signed as ours only when it is a run under our own KIDs. */
  private async workerSealed(call: Call, data: unknown): Promise<void> {
    const run = call.origin.ownRun(data);
    if (!run || this.call !== call) return;
    const signed = await this.opts.e2ee.signFrameOrigin(call.roomId, run).catch(() => null);
    if (signed && this.call === call) call.origin.queue(signed);
  }

  private post(call: Call, message: Parameters<QueuedKeyPort['post']>[0]): void {
    if (!call.port.post(message)) this.stop(call, 'port-unavailable');
  }

  private stop(call: Call, reason: string): void {
    if (this.call !== call) return;
    this.call = null;
    call.port.post({ type: 'drop-send-key' });
    call.port.close();
    call.schedule.dispose();
    call.chat.dispose();
    this.opts.audit.record('media-call-stopped', { roomId: call.roomId, reason });
  }
}
