// A small typed client of Janus's JSON API over WebSocket: info, one session + VideoRoom handle, room create/destroy, keepalive.
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { z } from 'zod';
import { JANUS_VIDEOROOM_PLUGIN } from '../../protocol/sfu';

/** `unreachable`: no connection; `timeout`: no answer in time; `refused`: Janus or the plugin said no; `protocol`: a reply we cannot read. */
export type JanusErrorKind = 'unreachable' | 'timeout' | 'refused' | 'protocol';
export class JanusError extends Error {
  constructor(readonly kind: JanusErrorKind, message: string, readonly code?: number) { super(message); }
}

export interface JanusClientOptions {
  url: string;
  /** Janus `api_secret` (sent as `apisecret`). */
  apiSecret: string;
  /** VideoRoom `admin_key`, needed to create rooms when the plugin sets one. */
  adminKey?: string | undefined;
  requestTimeoutMs?: number;
  /** Session keepalive period; Janus drops sessions silent for `session_timeout` (60 s by default). */
  keepaliveMs?: number;
}

export interface JanusInfo { name: string; version: string; tokenAuth: boolean; plugins: string[] }
export interface CreateRoomInput { room: number; publishers: number; secret: string }

/** VideoRoom error 427: the room id is taken. */
export const JANUS_ROOM_EXISTS = 427;
/** VideoRoom error 426: no such room. */
export const JANUS_NO_SUCH_ROOM = 426;
/** Janus core errors 458/459: the session or handle is gone (e.g. it timed out), so a new one is needed. */
const SESSION_GONE = new Set([458, 459]);
/** Requests one client may have waiting; more are refused rather than queued without bound. */
const MAX_PENDING = 256;
const MAX_REPLY_BYTES = 1024 * 1024;

const replySchema = z.looseObject({
  janus: z.string(),
  transaction: z.string().optional(),
  data: z.looseObject({ id: z.number().int().optional() }).optional(),
  error: z.looseObject({ code: z.number(), reason: z.string() }).optional(),
  plugindata: z.looseObject({ plugin: z.string(), data: z.record(z.string(), z.unknown()) }).optional()
});
type Reply = z.infer<typeof replySchema>;
const infoSchema = z.looseObject({
  name: z.string(), version_string: z.string(), auth_token: z.boolean().optional(),
  plugins: z.record(z.string(), z.unknown()).optional()
});

export class JanusClient {
  private ws: WebSocket | null = null;
  private opening: Promise<WebSocket> | null = null;
  private session: Promise<{ session: number; handle: number }> | null = null;
  private keepalive: NodeJS.Timeout | null = null;
  private readonly pending = new Map<string, { resolve: (r: Reply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout; expect: string }>();
  private closed = false;

  constructor(private readonly opts: JanusClientOptions) {}

  get url(): string { return this.opts.url; }

  /** Janus `info`: reachability, version and whether token_auth is on. Needs no session. */
  async info(): Promise<JanusInfo> {
    const r = await this.request({ janus: 'info' }, 'server_info');
    const parsed = infoSchema.safeParse(r);
    if (!parsed.success) throw new JanusError('protocol', 'unreadable server_info');
    return { name: parsed.data.name, version: parsed.data.version_string, tokenAuth: parsed.data.auth_token === true,
      plugins: Object.keys(parsed.data.plugins ?? {}) };
  }

  /** Creates a VideoRoom room for end-to-end encrypted frames that only holders of a signed room token may join. */
  async createRoom(input: CreateRoomInput): Promise<void> {
    await this.videoroom({
      request: 'create', room: input.room, publishers: input.publishers, secret: input.secret,
      e2ee: true, signed_tokens: true, is_private: true, permanent: false, description: 'veil',
      ...(this.opts.adminKey ? { admin_key: this.opts.adminKey } : {})
    }, 'created');
  }

  /** Destroys a room (its participants are kicked by Janus). */
  async destroyRoom(room: number, secret: string): Promise<void> {
    await this.videoroom({ request: 'destroy', room, secret, permanent: false }, 'destroyed');
  }

  async roomExists(room: number): Promise<boolean> {
    const data = await this.videoroom({ request: 'exists', room }, 'success');
    return data.exists === true;
  }

  /** Sends one session keepalive now (also done on a timer while a session is open). */
  async keepaliveNow(): Promise<void> {
    const { session } = await this.ensureSession();
    await this.request({ janus: 'keepalive', session_id: session }, 'ack');
  }

  close(): void {
    this.closed = true;
    this.reset(new JanusError('unreachable', 'client closed'));
  }

  private async videoroom(body: Record<string, unknown>, expected: string): Promise<Record<string, unknown>> {
    const { session, handle } = await this.ensureSession();
    const r = await this.request({ janus: 'message', session_id: session, handle_id: handle, body }, 'success');
    const data = r.plugindata?.data;
    if (!data || r.plugindata?.plugin !== JANUS_VIDEOROOM_PLUGIN) throw new JanusError('protocol', 'reply without videoroom data');
    if (typeof data.error_code === 'number') {
      throw new JanusError('refused', `videoroom ${String(body.request)}: ${String(data.error ?? 'error')}`, data.error_code);
    }
    if (data.videoroom !== expected) throw new JanusError('protocol', `videoroom ${String(body.request)}: unexpected ${String(data.videoroom)}`);
    return data;
  }

  private ensureSession(): Promise<{ session: number; handle: number }> {
    this.session ??= (async () => {
      const created = await this.request({ janus: 'create' }, 'success');
      const session = created.data?.id;
      if (session === undefined) throw new JanusError('protocol', 'create without a session id');
      const attached = await this.request({ janus: 'attach', session_id: session, plugin: JANUS_VIDEOROOM_PLUGIN }, 'success');
      const handle = attached.data?.id;
      if (handle === undefined) throw new JanusError('protocol', 'attach without a handle id');
      this.keepalive = setInterval(() => {
        this.request({ janus: 'keepalive', session_id: session }, 'ack').catch(() => this.reset(new JanusError('unreachable', 'keepalive failed')));
      }, this.opts.keepaliveMs ?? 25_000);
      this.keepalive.unref();
      return { session, handle };
    })();
    this.session.catch(() => { this.session = null; });
    return this.session;
  }

  private connect(): Promise<WebSocket> {
    if (this.closed) return Promise.reject(new JanusError('unreachable', 'client closed'));
    if (this.ws?.readyState === WebSocket.OPEN) return Promise.resolve(this.ws);
    this.opening ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(this.opts.url, 'janus-protocol', { maxPayload: MAX_REPLY_BYTES, handshakeTimeout: this.timeoutMs() });
      const fail = (err: Error) => { this.opening = null; reject(new JanusError('unreachable', `${this.opts.url}: ${err.message}`)); };
      ws.once('error', fail);
      ws.once('open', () => {
        ws.off('error', fail);
        ws.on('error', () => undefined);
        this.ws = ws;
        this.opening = null;
        resolve(ws);
      });
      ws.on('message', (raw) => this.onMessage(String(raw)));
      ws.once('close', () => { if (this.ws === ws) this.reset(new JanusError('unreachable', `${this.opts.url}: connection closed`)); });
    });
    return this.opening;
  }

  private onMessage(text: string): void {
    let parsed: Reply;
    try {
      const r = replySchema.safeParse(JSON.parse(text));
      if (!r.success) return;
      parsed = r.data;
    } catch { return; }
    // `ack` precedes the real answer of asynchronous requests; only keepalives are answered by it.
    if (!parsed.transaction) return;
    const waiter = this.pending.get(parsed.transaction);
    if (!waiter) return;
    if (parsed.janus === 'ack' && waiter.expect !== 'ack') return;
    this.pending.delete(parsed.transaction);
    clearTimeout(waiter.timer);
    waiter.resolve(parsed);
  }

  private timeoutMs(): number { return this.opts.requestTimeoutMs ?? 5000; }

  private async request(msg: Record<string, unknown>, expected: string): Promise<Reply> {
    if (this.pending.size >= MAX_PENDING) throw new JanusError('timeout', 'too many Janus requests in flight');
    const ws = await this.connect();
    const transaction = randomBytes(12).toString('base64url');
    const reply = await new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new JanusError('timeout', `${this.opts.url}: no answer to ${String(msg.janus)} in ${this.timeoutMs()} ms`));
      }, this.timeoutMs());
      const waiter = { resolve, reject, timer, expect: expected };
      this.pending.set(transaction, waiter);
      ws.send(JSON.stringify({ ...msg, transaction, apisecret: this.opts.apiSecret }), (err) => {
        if (!err) return;
        this.pending.delete(transaction);
        clearTimeout(timer);
        reject(new JanusError('unreachable', `${this.opts.url}: ${err.message}`));
      });
    });
    if (reply.janus === 'error') {
      if (reply.error && SESSION_GONE.has(reply.error.code)) this.dropSession();
      throw new JanusError('refused', `${String(msg.janus)}: ${reply.error?.reason ?? 'error'}`, reply.error?.code);
    }
    if (reply.janus !== expected) throw new JanusError('protocol', `${String(msg.janus)}: unexpected ${reply.janus}`);
    return reply;
  }

  /** Forgets the session (the connection stays); the next request creates another. */
  private dropSession(): void {
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = null;
    this.session = null;
  }

  /** Drops the connection and session; waiting requests fail; the next request reconnects. */
  private reset(err: Error): void {
    this.dropSession();
    const ws = this.ws;
    this.ws = null;
    for (const [, w] of this.pending) { clearTimeout(w.timer); w.reject(err); }
    this.pending.clear();
    if (ws && ws.readyState !== WebSocket.CLOSED) ws.terminate();
  }
}
