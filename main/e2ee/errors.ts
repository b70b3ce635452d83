// Maps core rejection reasons and keystore errors to the IPC contract's typed error codes.
import type { RejectReason } from '../crypto';
import type { IpcErrorCode } from '../../protocol/ipc';
import { IpcFailure } from '../ipc/dispatcher';

export function reasonCode(reason: RejectReason): IpcErrorCode {
  return reason === 'signature' ? 'bad-signature' : reason;
}

export function rejected(reason: RejectReason, message: string): IpcFailure {
  return new IpcFailure(reasonCode(reason), message);
}

export { IpcFailure };
