// Main's end of the frame worker's key port (Electron: a MessagePortMain; tests: a WebSocket), with a bounded queue until it attaches.
import type { KeyPortMessage } from '../../protocol/media-keys';

/** Main's end of one key port. `post` must copy the message before returning: the caller wipes the key bytes after it. */
export interface MediaKeyPortEndpoint {
  post(message: KeyPortMessage): void;
  /** What the worker sends back (refusals, the frames it sealed): untrusted shapes, each handler validates. */
  onMessage(handler: (data: unknown) => void): void;
  onClose(handler: () => void): void;
  close(): void;
}

/**
 * Opens a key port to the app window. `token` is what `media:keyPort` returns; the page receives its end as a window
 * `message` with data `{ veilMediaKeyPort: token }` and the port in `event.ports[0]`. Resolves with main's end.
 */
export type MediaKeyPortOpener = (token: string) => Promise<MediaKeyPortEndpoint>;

/** Messages held while the port is not attached yet; past this the call is broken and stops (never a silent loss). */
const MAX_QUEUED = 256;

/** Copies key bytes into the queue (so callers can wipe theirs), posts them in order once the endpoint is there. */
export class QueuedKeyPort {
  private endpoint: MediaKeyPortEndpoint | null = null;
  private queued: KeyPortMessage[] = [];
  private closed = false;
  private onWorker: ((data: unknown) => void) | null = null;

  /** Where the worker's messages go once the endpoint is attached (one listener per call). */
  listen(handler: (data: unknown) => void): void { this.onWorker = handler; }

  get attached(): boolean { return this.endpoint !== null; }

  attach(endpoint: MediaKeyPortEndpoint): void {
    if (this.closed) return endpoint.close();
    this.endpoint = endpoint;
    endpoint.onClose(() => this.close());
    endpoint.onMessage((data) => { if (!this.closed) this.onWorker?.(data); });
    for (const m of this.queued.splice(0)) this.deliver(endpoint, m);
  }

  /** False when the queue is full (the caller then stops the call). */
  post(message: KeyPortMessage): boolean {
    if (this.closed) return false;
    if (this.endpoint) {
      this.endpoint.post(message);
      return true;
    }
    if (this.queued.length >= MAX_QUEUED) return false;
    this.queued.push('baseKey' in message ? { ...message, baseKey: message.baseKey.slice() } : { ...message });
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const m of this.queued.splice(0)) if ('baseKey' in m) m.baseKey.fill(0);
    const e = this.endpoint;
    this.endpoint = null;
    e?.close();
  }

  private deliver(endpoint: MediaKeyPortEndpoint, m: KeyPortMessage): void {
    endpoint.post(m);
    if ('baseKey' in m) m.baseKey.fill(0);
  }
}
