// A programmable lying signaling server: a socket.io man-in-the-middle that records, drops, holds, rewrites and injects.
//
// Every page connects here; each connection gets its own upstream socket to the real server. Each event, both ways,
// is recorded per client, then offered to the installed rules in order: the first rule whose `act` returns a verdict
// decides (pass, drop, rewrite, or hold until a promise settles, which also reorders). Acks can be rewritten too.
// Tests inject any event (any name, any payload) to any client, or send any event upstream as that client.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import type { Relay } from './index';

export type Json = Record<string, unknown>;
/** 'up': page → server; 'down': server → page. */
export type Direction = 'up' | 'down';

export interface Frame {
  seq: number;
  dir: Direction;
  client: AdversaryClient;
  event: string;
  /** The event's arguments without the ack callback. */
  args: unknown[];
  /** Injected by a test rather than relayed. */
  injected: boolean;
  /** What the page or server actually received, once a rule rewrote it. */
  delivered?: unknown[];
  dropped?: boolean;
}

export type Verdict =
  | { action: 'pass' }
  | { action: 'drop' }
  | { action: 'rewrite'; args: unknown[] }
  /** Delivered (as is, or as `args`) once `until` settles; frames behind it go ahead, so this also reorders. */
  | { action: 'hold'; until: Promise<unknown>; args?: unknown[] };

export interface Rule {
  name: string;
  dir?: Direction;
  event?: string;
  /** Only frames of this client (matched by display name) or for which this returns true. */
  client?: string | ((c: AdversaryClient) => boolean);
  /** Return a verdict to decide, or undefined to let the next rule look. */
  act?(frame: Frame): Verdict | undefined;
  /** Rewrites the server's ack to an `up` frame this rule matched (called for every matching frame with an ack). */
  ack?(res: unknown, frame: Frame): unknown;
  /** Stop applying after this many firings. */
  times?: number;
}

export const drop: Verdict = { action: 'drop' };
export const pass: Verdict = { action: 'pass' };

const MAX_RECORDED = 20_000;

export class AdversaryClient {
  /** Display name and room from this client's last `room:join`, and the route the real server gave it. */
  name: string | null = null;
  roomId: string | null = null;
  selfId: string | null = null;
  identityKey: string | null = null;
  connected = true;

  constructor(readonly index: number, private readonly down: Socket, private readonly up: ClientSocket,
    private readonly adv: Adversary) {}

  /** Delivers any event with any arguments to the page, as if the server sent it. */
  inject(event: string, ...args: unknown[]): void {
    this.adv.note({ dir: 'down', client: this, event, args, injected: true, delivered: args });
    this.down.emit(event, ...args);
  }

  /** Sends any event to the real server as this client; resolves with the server's ack. */
  sendUp(event: string, payload: unknown, timeoutMs = 10_000): Promise<unknown> {
    this.adv.note({ dir: 'up', client: this, event, args: [payload], injected: true, delivered: [payload] });
    return this.up.timeout(timeoutMs).emitWithAck(event, payload) as Promise<unknown>;
  }

  /** Relays an upstream frame (with its ack, if any) through the rules. */
  relayUp(event: string, args: unknown[], ack: ((res: unknown) => void) | null): void {
    const frame = this.adv.note({ dir: 'up', client: this, event, args, injected: false });
    if (event === 'room:join') {
      const req = args[0] as Json | undefined;
      this.name = typeof req?.displayName === 'string' ? req.displayName : null;
      this.roomId = typeof req?.roomId === 'string' ? req.roomId : null;
      const bundle = req?.bundle as Json | undefined;
      this.identityKey = typeof bundle?.identityKey === 'string' ? bundle.identityKey : null;
    }
    const rules = this.adv.matching(frame);
    const send = (out: unknown[]) => {
      if (!ack) return void this.up.emit(event, ...out);
      this.up.emit(event, ...out, (res: unknown) => {
        const value = res as Json | undefined;
        if (event === 'room:join' && value?.ok === true) this.selfId = String((value.value as Json).selfId);
        let rewritten = res;
        for (const r of rules) if (r.ack) { rewritten = r.ack(rewritten, frame); this.adv.fire(r); }
        ack(rewritten);
      });
    };
    this.adv.decide(frame, rules, send);
  }

  relayDown(event: string, args: unknown[]): void {
    const frame = this.adv.note({ dir: 'down', client: this, event, args, injected: false });
    this.adv.decide(frame, this.adv.matching(frame), (out) => this.down.emit(event, ...out));
  }

  /** Frames recorded for this client. */
  frames(filter: Partial<Pick<Frame, 'dir' | 'event'>> = {}): Frame[] {
    return this.adv.record.filter((f) => f.client === this && (!filter.dir || f.dir === filter.dir) && (!filter.event || f.event === filter.event));
  }

  /** `signal:relay` frames of this client, optionally only those of one signal type. */
  signals(dir: Direction, type?: string): Frame[] {
    return this.frames({ dir, event: 'signal:relay' }).filter((f) => !type || signalOf(f)?.type === type);
  }
}

/** The `signal` object of a recorded `signal:relay` frame. */
export function signalOf(f: Frame): Json | undefined {
  return (f.args[0] as Json | undefined)?.signal as Json | undefined;
}

export class Adversary implements Relay {
  readonly record: Frame[] = [];
  readonly clients: AdversaryClient[] = [];
  /** How often each rule decided a frame (or rewrote an ack), by rule name. */
  readonly fired: Record<string, number> = {};
  private rules: Rule[] = [];
  private seq = 0;
  private readonly pending = new Set<Promise<unknown>>();

  private constructor(private readonly httpServer: http.Server, private readonly ioServer: Server, readonly url: string) {}

  static async start(upstreamUrl: string): Promise<Adversary> {
    const httpServer = http.createServer();
    const ioServer = new Server(httpServer, { maxHttpBufferSize: 4 * 1024 * 1024 });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    const { port } = httpServer.address() as AddressInfo;
    const adv = new Adversary(httpServer, ioServer, `http://127.0.0.1:${port}`);
    ioServer.on('connection', (down) => {
      const up = connect(upstreamUrl, { transports: ['websocket'], reconnection: false, forceNew: true });
      const client = new AdversaryClient(adv.clients.length, down, up, adv);
      adv.clients.push(client);
      down.onAny((event: string, ...args: unknown[]) => {
        const ack = typeof args.at(-1) === 'function' ? (args.pop() as (res: unknown) => void) : null;
        client.relayUp(event, args, ack);
      });
      up.onAny((event: string, ...args: unknown[]) => client.relayDown(event, args));
      up.on('disconnect', () => { client.connected = false; down.disconnect(true); });
      down.on('disconnect', () => { client.connected = false; up.disconnect(); });
    });
    return adv;
  }

  /** Installs a rule (before the ones already installed when `first`); returns a function that removes it. */
  use(rule: Rule, first = false): () => void {
    if (first) this.rules.unshift(rule); else this.rules.push(rule);
    this.fired[rule.name] ??= 0;
    return () => { this.rules = this.rules.filter((r) => r !== rule); };
  }

  clearRules(): void {
    this.rules = [];
  }

  /** The connected client whose last join used this display name. */
  client(name: string): AdversaryClient | undefined {
    return [...this.clients].reverse().find((c) => c.connected && c.name === name);
  }

  note(f: Omit<Frame, 'seq'>): Frame {
    const frame = { ...f, seq: this.seq++ };
    if (this.record.length >= MAX_RECORDED) this.record.splice(0, MAX_RECORDED / 2);
    this.record.push(frame);
    return frame;
  }

  matching(f: Frame): Rule[] {
    return this.rules.filter((r) => (!r.dir || r.dir === f.dir) && (!r.event || r.event === f.event) && (!r.client
      || (typeof r.client === 'string' ? f.client.name === r.client : r.client(f.client))) && (r.times === undefined || (this.fired[r.name] ?? 0) < r.times));
  }

  fire(r: Rule): void {
    this.fired[r.name] = (this.fired[r.name] ?? 0) + 1;
  }

  decide(frame: Frame, rules: Rule[], send: (args: unknown[]) => void): void {
    let verdict: Verdict = pass;
    for (const r of rules) {
      const v = r.act?.(frame);
      if (v) { verdict = v; this.fire(r); break; }
    }
    if (verdict.action === 'drop') { frame.dropped = true; return; }
    if (verdict.action === 'pass') { frame.delivered = frame.args; return send(frame.args); }
    if (verdict.action === 'rewrite') { frame.delivered = verdict.args; return send(verdict.args); }
    const args = verdict.args ?? frame.args;
    const held = verdict.until.then(() => { frame.delivered = args; send(args); }, () => { frame.dropped = true; });
    this.pending.add(held);
    void held.finally(() => this.pending.delete(held));
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.connected = false;
    await new Promise<void>((resolve) => { void this.ioServer.close(() => resolve()); });
    this.httpServer.closeAllConnections();
  }
}

/** A deferred promise: hold frames until the test calls `release()`. */
export function gate(): { until: Promise<void>; release(): void } {
  let release!: () => void;
  const until = new Promise<void>((r) => { release = r; });
  return { until, release };
}

/** Ack rewrite for `room:join`: the page is told a route of the adversary's choosing (which decides who offers). */
export function selfIdRule(name: string, clientName: string, fakeSelfId: string): Rule {
  return {
    name, dir: 'up', event: 'room:join', client: clientName,
    ack: (res) => {
      const r = res as Json;
      return r?.ok === true ? { ...r, value: { ...(r.value as Json), selfId: fakeSelfId } } : res;
    }
  };
}

/** The smallest and largest routes the protocol allows: a page given these always / never offers. */
export const LOWEST_ROUTE = '--------';
export const HIGHEST_ROUTE = 'z'.repeat(32);

/** Drops every `signal:relay` between two clients (both directions, both pages), keeping them in the record. */
export function cutSignals(name: string, a: () => AdversaryClient | undefined, b: () => AdversaryClient | undefined): Rule {
  return {
    name, event: 'signal:relay',
    act: (f) => {
      const ca = a();
      const cb = b();
      if (!ca || !cb) return undefined;
      const p = f.args[0] as Json | undefined;
      const other = f.dir === 'up' ? p?.to : p?.from;
      if ((f.client === ca && other === cb.selfId) || (f.client === cb && other === ca.selfId)) return drop;
      return undefined;
    }
  };
}
