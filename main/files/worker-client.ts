// Main-thread client of the chunk worker: request ids, one promise per request, zero-copy buffers, keys handed over once.
import { Worker } from 'node:worker_threads';
import { PORT_REQUEST_HEADER_BYTES } from '../../protocol/file-frames';
import { wipe } from '../crypto';
import { EngineError } from './engine-error';
import type { DiskSource } from './disk-source';
import type { EngineArgs, EngineMethod, EngineResult, WorkerReply, WorkerRequest } from './worker-messages';

interface Pending { resolve(v: unknown): void; reject(e: Error): void }

/**
 * A buffer the worker can take without a copy. Port endpoints deliver each frame in a buffer of its own (port.ts), so a
 * payload that ends its buffer right after a port header is the tail of one request frame main owns: the buffer moves
 * and the view keeps its offset. Anything else is copied, so memory we do not own is never detached.
 */
function movable(bytes: Uint8Array): Uint8Array {
  const buffer = bytes.buffer;
  const ownFrameTail = buffer instanceof ArrayBuffer && bytes.byteOffset <= PORT_REQUEST_HEADER_BYTES
    && bytes.byteOffset + bytes.byteLength === buffer.byteLength;
  return ownFrameTail ? bytes : bytes.slice();
}

export class ChunkWorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;

  /** `onExit` runs once if the worker stops for any reason other than `terminate()`: every key it held is gone. */
  constructor(workerPath: string, dataDir: string, private readonly onExit: () => void = () => {}) {
    this.worker = new Worker(workerPath, { workerData: { dataDir } });
    this.worker.on('message', (r: WorkerReply) => this.settle(r));
    this.worker.on('error', () => this.stopped());
    this.worker.on('exit', () => this.stopped());
  }

  get alive(): boolean { return !this.exited; }

  private settle(r: WorkerReply): void {
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    if (r.ok) p.resolve(r.value);
    else p.reject(new EngineError(r.status, r.message, r.aborted));
  }

  private stopped(): void {
    if (this.exited) return;
    this.exited = true;
    for (const p of this.pending.values()) p.reject(new EngineError('internal', 'chunk worker stopped'));
    this.pending.clear();
    this.onExit();
  }

  private call<M extends EngineMethod>(method: M, args: EngineArgs<M>, transfer: ArrayBuffer[] = []): Promise<EngineResult<M>> {
    if (this.exited) return Promise.reject(new EngineError('internal', 'chunk worker stopped'));
    const id = this.nextId++;
    return new Promise<EngineResult<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        this.worker.postMessage({ id, method, args } satisfies WorkerRequest, transfer);
      } catch (err) {
        this.pending.delete(id);
        reject(err as Error);
      }
    });
  }

  /** Posts `key` to the worker and wipes the caller's copy: main keeps none. */
  private handOver(key: Uint8Array): Uint8Array {
    const moved = key.slice();
    wipe(key);
    return moved;
  }

  addSend(id: Uint8Array, key: Uint8Array, size: number, chunkSize: number, source: DiskSource | null = null) {
    const k = this.handOver(key);
    return this.call('addSend', [id, k, size, chunkSize, source], [k.buffer as ArrayBuffer]);
  }
  sealFromDisk(...a: EngineArgs<'sealFromDisk'>) { return this.call('sealFromDisk', a); }
  digest(...a: EngineArgs<'digest'>) { return this.call('digest', a); }
  setFinal(...a: EngineArgs<'setFinal'>) { return this.call('setFinal', a); }
  resume(...a: EngineArgs<'resume'>) { return this.call('resume', a); }
  seal(id: Uint8Array, attempt: number, index: number, plaintext: Uint8Array) {
    const p = movable(plaintext);
    return this.call('seal', [id, attempt, index, p], [p.buffer as ArrayBuffer]);
  }
  addReceive(id: Uint8Array, key: Uint8Array, size: number, chunkSize: number) {
    const k = this.handOver(key);
    return this.call('addReceive', [id, k, size, chunkSize], [k.buffer as ArrayBuffer]);
  }
  startReceive(...a: EngineArgs<'startReceive'>) { return this.call('startReceive', a); }
  open(frame: Uint8Array) {
    const f = movable(frame);
    return this.call('open', [f], [f.buffer as ArrayBuffer]);
  }
  save(...a: EngineArgs<'save'>) { return this.call('save', a); }
  forget(...a: EngineArgs<'forget'>) { return this.call('forget', a); }

  /** Wipes every key in the worker (and deletes its spools), then stops it. */
  async terminate(): Promise<void> {
    if (!this.exited) await this.call('dispose', []).catch(() => {});
    this.exited = true;
    for (const p of this.pending.values()) p.reject(new EngineError('internal', 'chunk worker stopped'));
    this.pending.clear();
    await this.worker.terminate();
  }
}
