// worker_threads entry of the chunk worker: owns every transfer key and runs the engine (read, hash, seal, open, spool, save).
import { parentPort, workerData } from 'node:worker_threads';
import { createDefaultBackend } from '../crypto-native/select';
import { EngineError } from './engine-error';
import { TransferEngine } from './engine';
import type { WorkerReply, WorkerRequest } from './worker-messages';

if (!parentPort) throw new Error('chunk-worker must run as a worker thread');
const port = parentPort;
const engine = new TransferEngine((workerData as { dataDir: string }).dataDir, createDefaultBackend());

function reply(r: WorkerReply): void {
  // A sealed frame is handed back without a copy; nothing else is large.
  const transfer = r.ok && r.value instanceof Uint8Array ? [r.value.buffer as ArrayBuffer] : [];
  port.postMessage(r, transfer);
}

port.on('message', (req: WorkerRequest) => {
  try {
    const method = engine[req.method] as (...a: unknown[]) => unknown;
    const value = method.apply(engine, req.args);
    reply({ id: req.id, ok: true, value: value ?? null });
  } catch (err) {
    // Messages of EngineError are fixed strings of ours; anything else is reported without its text (it could name a path).
    if (err instanceof EngineError) reply({ id: req.id, ok: false, status: err.status, message: err.message, aborted: err.aborted });
    else reply({ id: req.id, ok: false, status: 'internal', message: `chunk worker: ${req.method} failed`, aborted: false });
  }
});
