// The three port ops (seal, sealFromDisk, open) against the service's records and the chunk worker, with the state changes they cause.
import { toB64u } from '../../protocol/encoding';
import { CHUNK_FRAME_TYPE, encodeOpenProgress, TRANSFER_ID_BYTES, type PortRequest } from '../../protocol/file-frames';
import type { IpcErrorCode } from '../../protocol/ipc-error';
import { EngineError } from './engine-error';
import type { PortOps } from './port-router';
import { portStatusCode, type TransferRecord } from './records';
import type { ChunkWorkerClient } from './worker-client';

export interface PortOpsContext {
  transfers: Map<string, TransferRecord>;
  worker(): ChunkWorkerClient;
  fail(r: TransferRecord, code: IpcErrorCode, message: string): void;
  verified(r: TransferRecord): void;
}

/** A refusal that dropped the transfer in the worker (key wiped) also fails its record, with the reason. */
function failOnAbort(ctx: PortOpsContext, r: TransferRecord, live: TransferRecord['state']) {
  return (err: unknown): never => {
    if (err instanceof EngineError && (err.aborted || err.status === 'internal') && r.state === live) ctx.fail(r, portStatusCode(err.status), err.message);
    throw err;
  };
}

/**
 * Each op checks the record synchronously and calls the worker before returning, so the worker (FIFO) sees requests
 * in the order they arrived on the port.
 */
export function transferPortOps(ctx: PortOpsContext): PortOps {
  const outgoing = (req: PortRequest, fromDisk: boolean): TransferRecord | EngineError => {
    const r = ctx.transfers.get(toB64u(req.transferId));
    if (!r || r.direction !== 'out') return new EngineError('not-found', 'no such outgoing transfer');
    if (r.state !== 'sending') return new EngineError('bad-state', `transfer is ${r.state}`);
    if (r.fromDisk !== fromDisk) return new EngineError('bad-state', fromDisk ? 'this transfer has no file on disk' : 'this transfer reads its file from disk');
    return r;
  };
  const sealed = (r: TransferRecord, index: number) => (frame: Uint8Array) => {
    r.verifiedChunks = Math.max(r.verifiedChunks, index + 1);
    return frame;
  };
  return {
    seal(req: PortRequest) {
      const r = outgoing(req, false);
      if (r instanceof EngineError) return Promise.reject(r);
      return ctx.worker().seal(r.id, req.attempt, req.index, req.payload).then(sealed(r, req.index));
    },

    sealFromDisk(req: PortRequest) {
      const r = outgoing(req, true);
      if (r instanceof EngineError) return Promise.reject(r);
      return ctx.worker().sealFromDisk(r.id, req.attempt, req.index).then(sealed(r, req.index), failOnAbort(ctx, r, 'sending'));
    },

    open(frame: Uint8Array) {
      if (frame.length < 1 + TRANSFER_ID_BYTES || frame[0] !== CHUNK_FRAME_TYPE) return Promise.reject(new EngineError('malformed', 'not a chunk frame'));
      const r = ctx.transfers.get(toB64u(frame.subarray(1, 1 + TRANSFER_ID_BYTES)));
      if (!r || r.direction !== 'in') return Promise.reject(new EngineError('not-found', 'no such incoming transfer'));
      if (r.state !== 'receiving') return Promise.reject(new EngineError('bad-state', `transfer is ${r.state}`));
      return ctx.worker().open(frame).then((progress) => {
        r.verifiedChunks = progress.verifiedChunks;
        // Complete only when the last chunk opened and the sender's signed final hash (if it came first) matched.
        if (progress.complete) ctx.verified(r);
        return encodeOpenProgress(progress);
      }, failOnAbort(ctx, r, 'receiving'));
    }
  };
}
