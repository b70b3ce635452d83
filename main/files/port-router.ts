// Binary port plumbing: decodes renderer port requests, hands them to the service, answers in request order per port.
import { decodePortRequest, encodePortReply, PORT_OPS, type PortOp, type PortRequest, type PortStatus } from '../../protocol/file-frames';
import { EngineError } from './engine-error';
import type { FilePortEndpoint } from './port';

/** What each op does; each either resolves with the reply payload or throws an EngineError naming the status. */
export interface PortOps {
  seal(req: PortRequest): Promise<Uint8Array>;
  sealFromDisk(req: PortRequest): Promise<Uint8Array>;
  /** The request's header fields are zero for `open`: the frame in the payload names its transfer. */
  open(frame: Uint8Array): Promise<Uint8Array>;
}

const encoder = new TextEncoder();

export class PortRouter {
  private readonly ports = new Set<FilePortEndpoint>();
  /** Frames that did not decode as a port request (ignored, counted for diagnostics). */
  garbageFrames = 0;

  constructor(private readonly ops: PortOps) {}

  get attached(): number { return this.ports.size; }

  /** Several ports may be live (a reloaded page connects again); a closed one is dropped. */
  attach(endpoint: FilePortEndpoint): void {
    this.ports.add(endpoint);
    // Each reply waits for the one before it on this port: the order of replies is the order of requests.
    let chain: Promise<void> = Promise.resolve();
    endpoint.onClose(() => this.ports.delete(endpoint));
    endpoint.onFrame((frame) => {
      const req = frame instanceof Uint8Array ? decodePortRequest(frame) : null;
      if (!req) {
        this.garbageFrames++;
        return;
      }
      // Started now (so the worker sees requests in arrival order), answered in turn.
      const result = this.run(req);
      chain = chain.then(() => result).then((reply) => this.post(endpoint, reply));
    });
  }

  private async run(req: PortRequest): Promise<Uint8Array> {
    let status: PortStatus = 'ok';
    let payload: Uint8Array;
    try {
      payload = await this.dispatch(req);
    } catch (err) {
      // EngineError messages are fixed strings of ours; anything else stays generic so nothing internal leaks.
      status = err instanceof EngineError ? err.status : 'internal';
      payload = encoder.encode(err instanceof EngineError ? err.message : 'file request failed');
    }
    return encodePortReply({ op: req.op, reqId: req.reqId, status, payload });
  }

  private dispatch(req: PortRequest): Promise<Uint8Array> {
    const op: PortOp = req.op;
    if (op === PORT_OPS.seal) return this.ops.seal(req);
    if (op === PORT_OPS.sealFromDisk) return this.ops.sealFromDisk(req);
    return this.ops.open(req.payload);
  }

  private post(endpoint: FilePortEndpoint, reply: Uint8Array): void {
    if (!this.ports.has(endpoint)) return;
    try {
      endpoint.post(reply);
    } catch {
      this.ports.delete(endpoint);
    }
  }

  closeAll(): void {
    for (const p of [...this.ports]) {
      this.ports.delete(p);
      try {
        p.close();
      } catch {
        // Already closed.
      }
    }
  }
}
