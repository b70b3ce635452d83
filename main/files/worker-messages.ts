// Messages between main and the chunk worker: one request per engine call, one reply per request, in order.
import type { EngineStatus } from './engine-error';
import type { TransferEngine } from './engine';

export type EngineMethod = 'addSend' | 'resume' | 'seal' | 'sealFromDisk' | 'digest' | 'addReceive' | 'startReceive' | 'open' | 'setFinal'
  | 'save' | 'forget' | 'dispose';
export type EngineArgs<M extends EngineMethod> = Parameters<TransferEngine[M]>;
export type EngineResult<M extends EngineMethod> = ReturnType<TransferEngine[M]>;

export interface WorkerRequest { id: number; method: EngineMethod; args: unknown[] }
export type WorkerReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; status: EngineStatus; message: string; aborted: boolean };
