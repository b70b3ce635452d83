// Test client for the signaling server: typed socket.io-client with acks as promises, event queues, proven joins, auto re-join.
import { io as connect, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, JoinResult, ServerToClientEvents } from '../../protocol/signaling';
import { randomBytes } from 'node:crypto';
import { toB64u } from '../../protocol/encoding';
import { TestIdentity } from './signaling-bundles';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Ev = keyof ServerToClientEvents;
type Payload<E extends Ev> = Parameters<ServerToClientEvents[E]>[0];

/** Ways a test join may deviate from an honest one (each one a separate attack). */
export interface JoinTweaks {
  /** Sign with this identity instead of the bundle's. */ signer?: TestIdentity;
  /** Sign over this challenge (base64url) instead of the one the server issued. */ challenge?: string;
  /** Do not ask for a challenge (reuse whatever the server holds, or none). */ skipChallenge?: boolean;
  /** The origin sent and signed. */ origin?: string;
  /** Sign this origin while sending `origin`. */ signedOrigin?: string;
  /** Sign this room id. */ signedRoomId?: string;
  /** Sign this keyId instead of the bundle's. */ signedKeyId?: string;
  /** Fields merged into the request last (may remove `proof` with undefined). */ extra?: Record<string, unknown>;
}

export interface ClientOptions {
  /** Share one identity between clients (two devices, or a squatter who copied the public key). */
  identity?: TestIdentity;
  extraHeaders?: Record<string, string>; reconnection?: boolean; token?: string; password?: string; rejectUnauthorized?: boolean
}

export class TestClient {
  readonly socket: ClientSocket;
  readonly identity: TestIdentity;
  selfId: string | null = null;
  joins = 0;
  private readonly queues = new Map<string, unknown[]>();
  private readonly waiters = new Map<string, Array<(v: unknown) => void>>();
  private room: { roomId: string; displayName: string } | null = null;

  /** The origin this client connected to, as it signs it in join proofs. */
  readonly origin: string;
  /** The challenge and proof of the latest join (for replay tests). */
  lastJoin: { challenge: string; request: Record<string, unknown> } | null = null;

  constructor(url: string, private readonly opts: ClientOptions = {}) {
    this.origin = new URL(url).origin;
    this.identity = opts.identity ?? new TestIdentity();
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

  async challenge(): Promise<string> {
    return expectOk(await this.call<{ challenge: string }>('room:challenge', {})).challenge;
  }

  async join(roomId: string, displayName = 'tester', extra: Record<string, unknown> = {}): Promise<Ack<JoinResult>> {
    return this.joinWith(roomId, displayName, { extra });
  }

  /** A join with a fresh challenge and a real proof, bent by `t` for negative tests. */
  async joinWith(roomId: string, displayName = 'tester', t: JoinTweaks = {}): Promise<Ack<JoinResult>> {
    const bundle = this.identity.bundle(roomId, this.identity.epoch);
    const challenge = t.skipChallenge ? (this.lastJoin?.challenge ?? toB64u(randomBytes(32))) : await this.challenge();
    const origin = t.origin ?? this.origin;
    const proof = (t.signer ?? this.identity).joinProof({
      challenge: t.challenge ?? challenge, roomId: t.signedRoomId ?? roomId, origin: t.signedOrigin ?? origin, keyId: t.signedKeyId ?? bundle.keyId
    });
    const request: Record<string, unknown> = {
      roomId, displayName, bundle, origin, proof,
      ...(this.opts.token ? { token: this.opts.token } : {}), ...(this.opts.password ? { password: this.opts.password } : {}), ...t.extra
    };
    for (const k of Object.keys(request)) if (request[k] === undefined) delete request[k];
    this.lastJoin = { challenge, request };
    const res = await this.call<JoinResult>('room:join', request);
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
  ({ v: 2, role, senderKeyId: 'A'.repeat(22), recipientKeyId: 'B'.repeat(22), mac: 'C'.repeat(43) });
