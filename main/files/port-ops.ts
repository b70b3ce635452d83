// The three port ops (hash, seal, open) against the service's records and the chunk worker, with the state changes they cause.
import { toB64u } from '../../protocol/encoding';
import { CHUNK_FRAME_TYPE, encodeOpenProgress, TRANSFER_ID_BYTES, type PortRequest } from '../../protocol/file-frames';
import type { IpcErrorCode } from '../../protocol/ipc-error';
import type { AuditLog } from '../e2ee/audit';
import { EngineError } from './engine-error';
import type { PortOps } from './port-router';
import { portStatusCode, type PreparedRecord, type TransferRecord } from './records';
import type { ChunkWorkerClient } from './worker-client';

export interface PortOpsContext {
  prepares: Map<string, PreparedRecord>;
  transfers: Map<string, TransferRecord>;
  worker(): ChunkWorkerClient;
  fail(r: TransferRecord, code: IpcErrorCode, message: string): void;
  audit: AuditLog;
}

/**
 * Each op checks the record synchronously and calls the worker before returning, so the worker (FIFO) sees requests
 * in the order they arrived on the port.
 */
export function transferPortOps(ctx: PortOpsContext): PortOps {
  return {
    hash(req: PortRequest) {
      const p = ctx.prepares.get(toB64u(req.transferId));
      if (!p) return Promise.reject(new EngineError('not-found', 'no such prepared file'));
      return ctx.worker().hash(req.transferId, req.index, req.payload).then((res) => {
        if (res.done && res.digest) p.digest = res.digest;
        return new Uint8Array(0);
      });
    },

    seal(req: PortRequest) {
      const r = ctx.transfers.get(toB64u(req.transferId));
      if (!r || r.direction !== 'out') return Promise.reject(new EngineError('not-found', 'no such outgoing transfer'));
      if (r.state !== 'sending') return Promise.reject(new EngineError('bad-state', `transfer is ${r.state}`));
      return ctx.worker().seal(r.id, req.attempt, req.index, req.payload).then((frame) => {
        r.verifiedChunks = Math.max(r.verifiedChunks, req.index + 1);
        return frame;
      });
    },

    open(frame: Uint8Array) {
      if (frame.length < 1 + TRANSFER_ID_BYTES || frame[0] !== CHUNK_FRAME_TYPE) return Promise.reject(new EngineError('malformed', 'not a chunk frame'));
      const r = ctx.transfers.get(toB64u(frame.subarray(1, 1 + TRANSFER_ID_BYTES)));
      if (!r || r.direction !== 'in') return Promise.reject(new EngineError('not-found', 'no such incoming transfer'));
      if (r.state !== 'receiving') return Promise.reject(new EngineError('bad-state', `transfer is ${r.state}`));
      return ctx.worker().open(frame).then((progress) => {
        r.verifiedChunks = progress.verifiedChunks;
        if (progress.complete) {
          r.state = 'verified';
          ctx.audit.record('file-verified', { transferId: r.idB64, peerIdentityKey: r.peerIdentityKey, size: r.size });
        }
        return encodeOpenProgress(progress);
      }, (err: unknown) => {
        // The engine already dropped an aborted transfer (key wiped, spool deleted); the record says why.
        if (err instanceof EngineError && (err.aborted || err.status === 'internal') && r.state === 'receiving') {
          ctx.fail(r, portStatusCode(err.status), err.message);
        }
        throw err;
      });
    }
  };
}
