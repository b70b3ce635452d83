// Test client for the signaling server: typed socket.io-client with acks as promises, event queues, and auto re-join.
import { io as connect, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, JoinResult, ServerToClientEvents } from '../../protocol/signaling';
import { TestIdentity } from './signaling-bundles';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Ev = keyof ServerToClientEvents;
type Payload<E extends Ev> = Parameters<ServerToClientEvents[E]>[0];

export interface ClientOptions {
  extraHeaders?: Record<string, string>; reconnection?: boolean; token?: string; password?: string; rejectUnauthorized?: boolean
}

export class TestClient {
  readonly socket: ClientSocket;
  readonly identity = new TestIdentity();
  selfId: string | null = null;
  joins = 0;
  private readonly queues = new Map<string, unknown[]>();
  private readonly waiters = new Map<string, Array<(v: unknown) => void>>();
  private room: { roomId: string; displayName: string } | null = null;

  constructor(url: string, private readonly opts: ClientOptions = {}) {
    this.socket = connect(url, {
      transports: ['websocket'], forceNew: true, reconnection: opts.reconnection ?? false,
      reconnectionDelay: 50, reconnectionDelayMax: 200, timeout: 5000,
      ...(opts.extraHeaders ? { extraHeaders: opts.extraHeaders } : {}),
      ...(opts.rejectUnauthorized === false ? { rejectUnauthorized: false } : {})
    });
    this.socket.onAny((event: string, payload: unknown) => this.push(event, payload));
    // After a reconnect (e.g. a server restart) re-join the same room and re-publish a fresh bundle.
    this.socket.io.on('reconnect', () => {
      if (this.room) void this.join(this.room.roomId, this.room.displayName).catch(() => undefined);
    });
  }

  private push(event: string, payload: unknown): void {
    const w = this.waiters.get(event);
    if (w && w.length > 0) return w.shift()!(payload);
    let q = this.queues.get(event);
    if (!q) this.queues.set(event, (q = []));
    q.push(payload);
  }

  connected(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (err) => reject(err));
    });
  }

  /** Next `event` (queued or future), or rejects after `ms`. */
  next<E extends Ev>(event: E, ms = 5000): Promise<Payload<E>> {
    const q = this.queues.get(event);
    if (q && q.length > 0) return Promise.resolve(q.shift() as Payload<E>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const list = this.waiters.get(event) ?? [];
        const i = list.indexOf(done);
        if (i >= 0) list.splice(i, 1);
        reject(new Error(`timed out waiting for ${event}`));
      }, ms);
      const done = (v: unknown) => { clearTimeout(timer); resolve(v as Payload<E>); };
      let list = this.waiters.get(event);
      if (!list) this.waiters.set(event, (list = []));
      list.push(done);
    });
  }

  pending(event: Ev): unknown[] { return this.queues.get(event) ?? []; }

  /** Emits any event (even unknown ones) with an ack; resolves with the ack value. */
  call<T = unknown>(event: string, ...args: unknown[]): Promise<Ack<T>> {
    const s = this.socket as unknown as Socket;
    return s.timeout(5000).emitWithAck(event, ...args) as Promise<Ack<T>>;
  }

  async join(roomId: string, displayName = 'tester', extra: Record<string, unknown> = {}): Promise<Ack<JoinResult>> {
    const res = await this.call<JoinResult>('room:join', {
      roomId, displayName, bundle: this.identity.bundle(roomId, this.identity.epoch),
      ...(this.opts.token ? { token: this.opts.token } : {}), ...(this.opts.password ? { password: this.opts.password } : {}), ...extra
    });
    if (res.ok) { this.selfId = res.value.selfId; this.room = { roomId, displayName }; this.joins++; }
    return res;
  }

  close(): void { this.room = null; this.socket.disconnect(); }
}

export function expectOk<T>(res: Ack<T>): T {
  if (!res.ok) throw new Error(`expected ok, got ${res.error.code}: ${res.error.message}`);
  return res.value;
}

export function errorCode(res: Ack<unknown>): string | null { return res.ok ? null : res.error.code; }

/** Polls `cond` every `every` ms; rejects after `ms`. */
export async function until(cond: () => boolean, ms = 10_000, every = 20): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, every));
  }
}

/** A well-formed link binding: the server relays it opaquely and cannot check its MAC. */
export const bindingFor = (role: 'offer' | 'answer') =>
  ({ v: 1, role, senderKeyId: 'A'.repeat(22), recipientKeyId: 'B'.repeat(22), mac: 'C'.repeat(43) });
