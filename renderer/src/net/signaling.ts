// Typed socket.io-client link to the signaling server: acks as promises, reconnects and tells the room to re-join.
import { io, type Socket } from 'socket.io-client';
import { ACK_VALUE_SCHEMAS, ackEnvelopeSchema, SERVER_EVENT_SCHEMAS, type ServerEventName } from '../../../protocol/server-events';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../../protocol/signaling';

export type VeilSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type AckValue<E extends keyof ClientToServerEvents> =
  Parameters<Parameters<ClientToServerEvents[E]>[1]>[0] extends Ack<infer T> ? T : never;

export class SignalingError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'SignalingError';
  }
}

export interface SignalingHandlers {
  /** Every (re)connection; `again` is true after the first. */
  onConnect(again: boolean): void;
  onDisconnect(reason: string): void;
  /** A server event or ack that failed its schema: dropped before any handler saw it. */
  onInvalid?(what: string): void;
}

type ServerPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

export class SignalingClient {
  readonly socket: VeilSocket;
  private connectedOnce = false;
  private closed = false;

  constructor(readonly url: string, private readonly handlers: SignalingHandlers) {
    this.socket = io(url, {
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelay: 300,
      reconnectionDelayMax: 2000,
      timeout: 5000
    });
    this.socket.on('connect', () => {
      const again = this.connectedOnce;
      this.connectedOnce = true;
      handlers.onConnect(again);
    });
    this.socket.on('disconnect', (reason) => {
      handlers.onDisconnect(reason);
      // A server-side disconnect stops socket.io's automatic retries; keep trying unless we closed it.
      if (reason === 'io server disconnect' && !this.closed) setTimeout(() => this.socket.connect(), 500);
    });
    // 'server:shutdown' needs no handler: socket.io reconnects on its own once the transport closes.
  }

  /** Subscribes to a server event; the handler only ever sees a payload that passed its strict schema (one argument, no extras). */
  on<E extends ServerEventName>(event: E, handler: (payload: ServerPayload<E>) => void): void {
    const schema = SERVER_EVENT_SCHEMAS[event];
    const raw = this.socket as unknown as { on(ev: string, cb: (...args: unknown[]) => void): void };
    raw.on(event, (...args: unknown[]) => {
      const parsed = args.length === 1 ? schema.safeParse(args[0]) : null;
      if (!parsed?.success) return this.handlers.onInvalid?.(event);
      handler(parsed.data as ServerPayload<E>);
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Emits an event and resolves with the ack value, or rejects with the server's error code. */
  request<E extends keyof ClientToServerEvents>(event: E, payload: Parameters<ClientToServerEvents[E]>[0], timeoutMs = 8000): Promise<AckValue<E>> {
    return new Promise((resolve, reject) => {
      const timed = this.socket.timeout(timeoutMs) as unknown as {
        emit(ev: string, p: unknown, cb: (err: Error | null, res: unknown) => void): void;
      };
      timed.emit(event, payload, (err, res) => {
        if (err) return reject(new SignalingError('timeout', `${event}: no answer from the server`));
        const ack = ackEnvelopeSchema.safeParse(res);
        if (!ack.success) {
          this.handlers.onInvalid?.(`${event} ack`);
          return reject(new SignalingError('bad-response', `${event}: malformed answer`));
        }
        if (!ack.data.ok) return reject(new SignalingError(ack.data.error.code, `${event}: ${ack.data.error.code}: ${ack.data.error.message}`));
        const value = ACK_VALUE_SCHEMAS[event].safeParse(ack.data.value);
        if (!value.success) {
          this.handlers.onInvalid?.(`${event} ack`);
          return reject(new SignalingError('bad-response', `${event}: malformed answer`));
        }
        resolve(value.data as AckValue<E>);
      });
    });
  }

  close(): void {
    this.closed = true;
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }
}
