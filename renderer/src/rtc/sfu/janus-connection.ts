// One Janus session over WebSocket: transactions, keepalives, the core token, and strict checks on every message Janus sends.
import {
  janusIncomingSchema, MAX_JANUS_MESSAGE_CHARS, MAX_JANUS_PENDING, type JanusHandleEvent, type JanusIncoming
} from '../../../../protocol/janus';
import { Emitter } from '../events';

export type { JanusHandleEvent } from '../../../../protocol/janus';

/** Why a Janus message was refused or a request failed. Refused messages change nothing. */
export type JanusErrorCode =
  | 'oversized' | 'malformed' | 'unknown-transaction' | 'wrong-session' | 'unknown-handle'
  | 'janus-error' | 'plugin-error' | 'timeout' | 'closed' | 'too-many-pending';

export class JanusError extends Error {
  constructor(readonly code: JanusErrorCode, message: string, readonly janusCode?: number) {
    super(message);
    this.name = 'JanusError';
  }
}

/** The browser WebSocket surface this file uses (tests pass a fake). */
export interface JanusSocket {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(): void;
}
export type JanusSocketFactory = (url: string, protocol: string) => JanusSocket;
const browserSocket: JanusSocketFactory = (url, protocol) => new WebSocket(url, protocol) as unknown as JanusSocket;

export interface JanusConnectionEvents {
  /** A message Janus sent was refused (bad shape, too big, not ours): counted, never acted on. */
  refused: [error: JanusError];
  /** An event for one of our handles (plugin events, webrtcup, media, hangup, detached). */
  'handle-event': [event: JanusHandleEvent];
  /** The socket closed or the session timed out; every pending request has failed with `closed`. */
  closed: [reason: string];
}

/** Timed-out transactions remembered (the oldest go first). */
const MAX_LATE_TRANSACTIONS = 64;

/** A request waits for `success`, or for the plugin `event` carrying its transaction (after Janus's `ack`). */
/** Our SDP as Janus takes it: `e2ee` says the frames are end-to-end encrypted (SFrame), `rid_order` the simulcast order. */
export interface OutgoingJsep { type: 'offer' | 'answer'; sdp: string; e2ee: true; rid_order?: 'hml' }

type Expect = 'success' | 'ack' | 'event';
interface Pending { expect: Expect; resolve(m: JanusIncoming): void; reject(e: JanusError): void; timer: ReturnType<typeof setTimeout> }

export interface JanusConnectionOptions {
  url: string;
  /** The core token (`token` of the path): sent in every request. */
  token: string;
  socket?: JanusSocketFactory;
  requestTimeoutMs?: number;
  /** Janus drops sessions idle for 60 s by default. */
  keepaliveMs?: number;
}

export class JanusConnection {
  readonly events = new Emitter<JanusConnectionEvents>();
  private readonly ws: JanusSocket;
  private readonly pending = new Map<string, Pending>();
  /** Transactions we stopped waiting for (timed out), so their late answers are not taken for a lying SFU's. */
  private readonly late = new Set<string>();
  private readonly handles = new Set<number>();
  private sessionId: number | null = null;
  private token: string;
  private seq = 0;
  private readonly prefix = Math.random().toString(36).slice(2, 10);
  private keepalive: ReturnType<typeof setInterval> | null = null;
  private closedReason: string | null = null;
  private readonly opened: Promise<void>;

  constructor(private readonly options: JanusConnectionOptions) {
    this.token = options.token;
    this.ws = (options.socket ?? browserSocket)(options.url, 'janus-protocol');
    this.opened = new Promise((resolve, reject) => {
      this.ws.onopen = () => resolve();
      this.ws.onerror = () => reject(new JanusError('closed', 'could not reach the SFU'));
    });
    this.opened.catch(() => undefined);
    this.ws.onclose = () => this.shut('the connection to the SFU closed');
    this.ws.onmessage = (ev) => this.receive(ev.data);
  }

  get session(): number | null { return this.sessionId; }
  get closed(): boolean { return this.closedReason !== null; }

  /** Uses a refreshed core token from the next request on (Janus checks it on every request). */
  setToken(token: string): void { this.token = token; }

  /** Creates the session and starts keepalives. */
  async create(): Promise<number> {
    await this.opened;
    const m = await this.request({ janus: 'create' }, 'success', false);
    if (m.janus !== 'success' || !m.data) throw new JanusError('malformed', 'create: no session id');
    this.sessionId = m.data.id;
    this.keepalive = setInterval(() => void this.request({ janus: 'keepalive' }, 'ack').catch(() => undefined), this.options.keepaliveMs ?? 25_000);
    return m.data.id;
  }

  /** Attaches the VideoRoom plugin: a new handle whose events arrive as `handle-event`. */
  async attach(): Promise<number> {
    const m = await this.request({ janus: 'attach', plugin: 'janus.plugin.videoroom' }, 'success');
    if (m.janus !== 'success' || !m.data) throw new JanusError('malformed', 'attach: no handle id');
    this.handles.add(m.data.id);
    return m.data.id;
  }

  /** A VideoRoom request; resolves with the plugin's answer (its `event`, or `success` for synchronous requests). */
  message(handle: number, body: Record<string, unknown>, jsep?: OutgoingJsep): Promise<Extract<JanusIncoming, { janus: 'event' | 'success' }>> {
    return this.request({ janus: 'message', handle_id: handle, body, ...(jsep ? { jsep } : {}) }, 'event') as
      Promise<Extract<JanusIncoming, { janus: 'event' | 'success' }>>;
  }

  trickle(handle: number, candidate: RTCIceCandidateInit | null): Promise<unknown> {
    const c = candidate ? { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex } : { completed: true };
    return this.request({ janus: 'trickle', handle_id: handle, candidate: c }, 'ack');
  }

  async hangup(handle: number): Promise<void> { await this.request({ janus: 'hangup', handle_id: handle }, 'success'); }

  async detach(handle: number): Promise<void> {
    this.handles.delete(handle);
    await this.request({ janus: 'detach', handle_id: handle }, 'success');
  }

  /** Destroys the session (best effort) and closes the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.sessionId !== null) await this.request({ janus: 'destroy' }, 'success', true, 2000).catch(() => undefined);
    this.shut('closed');
    this.ws.close();
  }

  private request(msg: Record<string, unknown>, expect: Expect, inSession = true, timeoutMs?: number): Promise<JanusIncoming> {
    if (this.closedReason !== null) return Promise.reject(new JanusError('closed', this.closedReason));
    if (this.pending.size >= MAX_JANUS_PENDING) return Promise.reject(new JanusError('too-many-pending', 'too many requests waiting for the SFU'));
    const transaction = `${this.prefix}${(++this.seq).toString(36)}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        this.late.add(transaction);
        if (this.late.size > MAX_LATE_TRANSACTIONS) this.late.delete(this.late.values().next().value ?? '');
        reject(new JanusError('timeout', `no answer from the SFU to ${String(msg.janus)}`));
      }, timeoutMs ?? this.options.requestTimeoutMs ?? 20_000);
      this.pending.set(transaction, { expect, resolve, reject, timer });
      const session = inSession && this.sessionId !== null ? { session_id: this.sessionId } : {};
      this.ws.send(JSON.stringify({ ...msg, ...session, transaction, token: this.token }));
    });
  }

  private refuse(code: JanusErrorCode, message: string): void {
    this.events.emit('refused', new JanusError(code, message));
  }

  /** Checks, in order: size, JSON, schema, session, then transaction or handle; the first failure refuses the message. */
  private receive(raw: unknown): void {
    if (typeof raw !== 'string') return this.refuse('malformed', 'not a text message');
    if (raw.length > MAX_JANUS_MESSAGE_CHARS) return this.refuse('oversized', `message of ${raw.length} characters`);
    let json: unknown;
    try { json = JSON.parse(raw); } catch { return this.refuse('malformed', 'not JSON'); }
    const parsed = janusIncomingSchema.safeParse(json);
    if (!parsed.success) return this.refuse('malformed', `unexpected shape: ${parsed.error.issues[0]?.path.join('.') ?? ''}`);
    const m = parsed.data;
    if (this.sessionId !== null && 'session_id' in m && m.session_id !== undefined && m.session_id !== this.sessionId) {
      return this.refuse('wrong-session', 'message for another session');
    }
    if (m.janus === 'timeout') return this.shut('the SFU session timed out');
    const waiting = m.transaction !== undefined ? this.pending.get(m.transaction) : undefined;
    // The answer to a request we already gave up on (a slow SFU): expected, and nothing to act on.
    if (m.transaction !== undefined && !waiting && this.late.has(m.transaction) && m.janus !== 'event') return;
    if (m.transaction !== undefined && !waiting && m.janus !== 'event') return this.refuse('unknown-transaction', `answer (${m.janus}) to no request of ours`);
    if ('sender' in m && m.sender !== undefined && !this.handles.has(m.sender)) return this.refuse('unknown-handle', 'message for a handle we do not hold');
    if (waiting && m.transaction !== undefined) this.settle(m.transaction, waiting, m);
    else if (m.janus === 'event' || m.janus === 'webrtcup' || m.janus === 'media' || m.janus === 'slowlink' || m.janus === 'hangup' || m.janus === 'detached' || m.janus === 'trickle') {
      this.events.emit('handle-event', m);
    } else this.refuse('unknown-transaction', `unsolicited ${m.janus}`);
  }

  private settle(transaction: string, p: Pending, m: JanusIncoming): void {
    // An `ack` only confirms receipt of an asynchronous request: keep waiting for its event.
    if (m.janus === 'ack' && p.expect === 'event') return;
    this.pending.delete(transaction);
    clearTimeout(p.timer);
    if (m.janus === 'error') return p.reject(new JanusError('janus-error', m.error.reason ?? `Janus error ${m.error.code}`, m.error.code));
    const data = (m.janus === 'event' || m.janus === 'success') ? m.plugindata?.data : undefined;
    if (data && data.videoroom === 'event' && data.error_code !== undefined) {
      return p.reject(new JanusError('plugin-error', data.error ?? `VideoRoom error ${data.error_code}`, data.error_code));
    }
    p.resolve(m);
  }

  private shut(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    if (this.keepalive) clearInterval(this.keepalive);
    for (const [, p] of this.pending) { clearTimeout(p.timer); p.reject(new JanusError('closed', reason)); }
    this.pending.clear();
    this.events.emit('closed', reason);
  }
}
