// Typed socket.io-client link to the signaling server: acks as promises, reconnects and tells the room to re-join.
import { io, type Socket } from 'socket.io-client';
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
}

export class SignalingClient {
  readonly socket: VeilSocket;
  private connectedOnce = false;
  private closed = false;

  constructor(readonly url: string, handlers: SignalingHandlers) {
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
    this.socket.on('server:shutdown', () => {
      // The server says it is going away: socket.io reconnects on its own once the transport closes.
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Emits an event and resolves with the ack value, or rejects with the server's error code. */
  request<E extends keyof ClientToServerEvents>(event: E, payload: Parameters<ClientToServerEvents[E]>[0], timeoutMs = 8000): Promise<AckValue<E>> {
    return new Promise((resolve, reject) => {
      const timed = this.socket.timeout(timeoutMs) as unknown as {
        emit(ev: string, p: unknown, cb: (err: Error | null, res: Ack<unknown>) => void): void;
      };
      timed.emit(event, payload, (err, res) => {
        if (err) return reject(new SignalingError('timeout', `${event}: no answer from the server`));
        if (!res || typeof res !== 'object') return reject(new SignalingError('bad-response', `${event}: malformed answer`));
        if (res.ok) resolve(res.value as AckValue<E>);
        else reject(new SignalingError(res.error.code, `${event}: ${res.error.code}: ${res.error.message}`));
      });
    });
  }

  close(): void {
    this.closed = true;
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }
}
