// Maps the crypto layer's rejection reasons to the domain error codes the IPC contract knows.
import type { RejectReason } from '../crypto';
import type { IpcErrorCode } from '../../protocol/ipc-error';
import { DomainError } from '../errors';

export function reasonCode(reason: RejectReason): IpcErrorCode {
  return reason === 'signature' ? 'bad-signature' : reason;
}

export function rejected(reason: RejectReason, message: string): DomainError {
  return new DomainError(reasonCode(reason), message);
}
