// Typed domain errors: main's services throw these with a code of the IPC contract; main/ipc/ turns them into results.
import type { IpcErrorCode } from '../protocol/ipc-error';

/** A refusal the user may see: `code` is what the renderer switches on, `message` says why (never a secret). */
export class DomainError extends Error {
  constructor(readonly code: IpcErrorCode, message: string) {
    super(message);
    this.name = 'DomainError';
  }
}
