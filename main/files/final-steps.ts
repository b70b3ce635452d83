// The signed final message of a transfer: the sender's main signs the hash its worker computed; the recipient's checks it before anything can be saved.
import { fromB64u } from '../../protocol/encoding';
import type { IpcErrorCode } from '../../protocol/ipc-error';
import type { E2eeService } from '../e2ee/e2ee';
import { DomainError } from '../errors';
import { EngineError } from './engine-error';
import { portStatusCode, type TransferRecord } from './records';
import type { ChunkWorkerClient } from './worker-client';

export interface FinalSteps {
  e2ee: E2eeService;
  worker(): ChunkWorkerClient;
  /** Drops the transfer in the worker: key wiped, spool deleted. */
  forget(r: TransferRecord): Promise<unknown>;
  fail(r: TransferRecord, code: IpcErrorCode, message: string): void;
  verified(r: TransferRecord): void;
}

const asIpc = (err: unknown): unknown => (err instanceof EngineError ? new DomainError(portStatusCode(err.status), err.message) : err);

/** Sender: the worker's digest (only once every chunk was sealed, the file unchanged) signed and bound to the manifest. */
export async function signFinalOf(d: FinalSteps, r: TransferRecord): Promise<Uint8Array> {
  let digest: Uint8Array;
  try {
    digest = await d.worker().digest(r.id);
  } catch (err) {
    if (err instanceof EngineError && err.aborted) d.fail(r, portStatusCode(err.status), err.message);
    throw asIpc(err);
  }
  r.sha256Hex = Buffer.from(digest).toString('hex');
  return d.e2ee.signFileFinal({ transferId: r.id, manifestHash: r.manifestHash, size: r.size, chunkCount: r.chunkCount, fileSha256: digest });
}

/**
 * Recipient: a final that does not verify under the manifest's sender, or names another transfer, fails this transfer
 * (fail closed: the peer's own session carried it). A genuine one goes to the worker, which completes the transfer
 * once its own hash of every opened chunk equals it, and aborts it (hash-mismatch) if not.
 */
export async function acceptFinal(d: FinalSteps, r: TransferRecord, final: Uint8Array): Promise<void> {
  let fileSha256: Uint8Array;
  try {
    const sender = fromB64u(r.peerIdentityKey);
    if (!sender) throw new DomainError('internal', 'sender key unreadable');
    fileSha256 = d.e2ee.verifyFileFinal(final, { transferId: r.id, manifestHash: r.manifestHash, senderIdentityKey: sender, size: r.size,
      chunkCount: r.chunkCount });
  } catch (err) {
    await d.forget(r);
    if (err instanceof DomainError) d.fail(r, err.code, err.message);
    throw err;
  }
  try {
    const progress = await d.worker().setFinal(r.id, fileSha256);
    r.sha256Hex = Buffer.from(fileSha256).toString('hex');
    if (progress.complete && r.state === 'receiving') d.verified(r);
  } catch (err) {
    if (err instanceof EngineError && (err.aborted || err.status === 'internal') && r.state === 'receiving') {
      d.fail(r, portStatusCode(err.status), err.message);
    }
    throw asIpc(err);
  }
}
