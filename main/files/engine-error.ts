// The typed refusal of the transfer engine: a port status (what the renderer is told) and whether the transfer was dropped.
import type { PortStatus } from '../../protocol/file-frames';

export type EngineStatus = Exclude<PortStatus, 'ok'>;

/** `aborted` says the transfer was dropped (key wiped, spool deleted) because of this refusal. */
export class EngineError extends Error {
  constructor(readonly status: EngineStatus, message: string, readonly aborted = false) {
    super(message);
    this.name = 'EngineError';
  }
}
