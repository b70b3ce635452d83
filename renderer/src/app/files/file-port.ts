// The binary request/reply port to main for chunk work (seal, sealFromDisk, open): reqId matching, bounded in-flight, reconnect.
import {
  decodePortReply, encodePortRequest, PORT_OPS, TRANSFER_ID_BYTES, type PortOp, type PortReply, type PortStatus
} from '../../../../protocol/file-frames';
import { receiveMainPort } from '../../lib/main-port';
import { unwrap } from '../../lib/veil';

/** The part of a MessagePort the client uses (a real MessagePort in the app and in tests). */
export type PortLike = Pick<MessagePort, 'postMessage' | 'addEventListener' | 'removeEventListener' | 'start' | 'close'>;

/** A reply whose status is not `ok`: the transfer may be gone (`not-found`), stale, or failed in main. */
export class PortStatusError extends Error {
  constructor(readonly status: PortStatus, detail: string) {
    super(detail ? `${status}: ${detail}` : status);
    this.name = 'PortStatusError';
  }
}

/** Requests outstanding to main at once over all transfers; more wait in order, so memory stays bounded. */
export const PORT_MAX_IN_FLIGHT = 32;
const ZERO_ID = new Uint8Array(TRANSFER_ID_BYTES);
const EMPTY = new Uint8Array(0);

/** Asks main for the port (`files:connect`); the page only ever holds it, main matches it by token. */
export async function connectFilePort(): Promise<PortLike> {
  return receiveMainPort('veilFilePort', () => unwrap(window.veil.files.connect()), 'file port');
}

/** ArrayBuffer or Uint8Array, also from another realm (a port's messages are not always created in ours). */
function asBytes(data: unknown): Uint8Array | null {
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') return new Uint8Array(data as ArrayBuffer);
  return null;
}

interface Pending { resolve(r: PortReply): void; reject(err: Error): void }

export class FilePortClient {
  private port: PortLike | null = null;
  private connecting: Promise<PortLike> | null = null;
  private nextReqId = 1;
  private pending = new Map<number, Pending>();
  private inFlight = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly connect: () => Promise<PortLike> = connectFilePort, private readonly maxInFlight = PORT_MAX_IN_FLIGHT) {}

  get outstanding(): number {
    return this.inFlight;
  }

  /** Sends one request and resolves with its `ok` reply payload; any other status rejects with PortStatusError. */
  async request(op: PortOp, transferId: Uint8Array, attempt: number, index: number, payload: Uint8Array): Promise<Uint8Array> {
    await this.slot();
    try {
      const port = await this.ensurePort();
      const reqId = this.nextReqId;
      this.nextReqId = this.nextReqId >= 0xffffffff ? 1 : this.nextReqId + 1;
      const frame = encodePortRequest({ op, reqId, transferId, attempt, index, payload });
      const reply = await new Promise<PortReply>((resolve, reject) => {
        this.pending.set(reqId, { resolve, reject });
        // The encoded frame owns a fresh buffer: transfer it instead of copying (no base64, no structured clone).
        port.postMessage(frame.buffer, [frame.buffer]);
      });
      if (reply.op !== op) throw new PortStatusError('malformed', 'reply to a different operation');
      if (reply.status !== 'ok') throw new PortStatusError(reply.status, new TextDecoder().decode(reply.payload));
      return reply.payload;
    } finally {
      this.release();
    }
  }

  /** Main reads chunk `index` of the file it opened itself and answers the sealed frame: no plaintext in the page. */
  sealFromDisk(transferId: Uint8Array, attempt: number, index: number): Promise<Uint8Array> {
    return this.request(PORT_OPS.sealFromDisk, transferId, attempt, index, EMPTY);
  }

  seal(transferId: Uint8Array, attempt: number, index: number, plaintext: Uint8Array): Promise<Uint8Array> {
    return this.request(PORT_OPS.seal, transferId, attempt, index, plaintext);
  }

  /** The frame carries its own transfer id, attempt and index; the request header stays zero. */
  open(frame: Uint8Array): Promise<Uint8Array> {
    return this.request(PORT_OPS.open, ZERO_ID, 0, 0, frame);
  }

  close(): void {
    this.port?.close();
    this.dropPort(new Error('file port closed'));
  }

  private slot(): Promise<void> {
    if (this.inFlight < this.maxInFlight) {
      this.inFlight++;
      return Promise.resolve();
    }
    // FIFO hand-over: the slot passes straight to the oldest waiter, so requests leave in the order they were made.
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }

  private ensurePort(): Promise<PortLike> {
    if (this.port) return Promise.resolve(this.port);
    this.connecting ??= this.connect().then((port) => {
      this.attach(port);
      return port;
    }).finally(() => { this.connecting = null; });
    return this.connecting;
  }

  private attach(port: PortLike): void {
    this.port = port;
    port.addEventListener('message', (e: MessageEvent<unknown>) => this.onReply(e.data));
    // Main restarting its side (or the window navigating) closes the port: fail what is pending, reconnect on next use.
    port.addEventListener('close', () => { if (this.port === port) this.dropPort(new Error('file port closed by main')); });
    port.start();
  }

  private dropPort(err: Error): void {
    this.port = null;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(err);
  }

  private onReply(data: unknown): void {
    const bytes = asBytes(data);
    const reply = bytes ? decodePortReply(bytes) : null;
    if (!reply) return;
    const p = this.pending.get(reply.reqId);
    if (!p) return;
    this.pending.delete(reply.reqId);
    p.resolve(reply);
  }
}
