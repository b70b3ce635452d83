// Test wiring: an in-memory FilePortEndpoint pair standing in for Electron's MessageChannelMain, with a renderer-side client.
import { decodePortReply, encodePortRequest, PORT_OPS, type PortReply } from '../../../protocol/file-frames';
import type { FilePortEndpoint, FilePortOpener } from '../../../main/files/port';

export class FakePort {
  private frameHandler: (frame: Uint8Array) => void = () => {};
  private closeHandler: () => void = () => {};
  private readonly pending = new Map<number, (r: PortReply) => void>();
  private nextReq = 1;
  closed = false;
  /** Replies in the order they arrived (reqIds), to check ordering. */
  readonly order: number[] = [];

  readonly main: FilePortEndpoint = {
    post: (frame) => {
      const r = decodePortReply(frame);
      if (!r) throw new Error('main posted something that is not a port reply');
      this.order.push(r.reqId);
      this.pending.get(r.reqId)?.(r);
      this.pending.delete(r.reqId);
    },
    onFrame: (h) => { this.frameHandler = h; },
    onClose: (h) => { this.closeHandler = h; },
    close: () => { this.closed = true; }
  };

  /** Sends raw bytes as the renderer would. */
  sendRaw(frame: Uint8Array): void {
    this.frameHandler(frame);
  }

  request(op: keyof typeof PORT_OPS, transferId: Uint8Array, attempt: number, index: number, payload: Uint8Array): Promise<PortReply> {
    const reqId = this.nextReq++;
    const done = new Promise<PortReply>((resolve) => this.pending.set(reqId, resolve));
    this.frameHandler(encodePortRequest({ op: PORT_OPS[op], reqId, transferId, attempt, index, payload }));
    return done;
  }

  hangUp(): void {
    this.closeHandler();
  }
}

/** An opener that records every port it opens (the latest is the live one). */
export function fakeOpener(): { opener: FilePortOpener; ports: FakePort[] } {
  const ports: FakePort[] = [];
  return { ports, opener: async () => {
    const p = new FakePort();
    ports.push(p);
    return p.main;
  } };
}
