// Typed errors every IPC handler answers with: codes the renderer can branch on, never a stack trace.
/** Error codes a handler may return; the renderer shows them, never a stack trace. */
export const IPC_ERROR_CODES = [
  'bad-sender', 'bad-arguments', 'unknown-channel', 'internal',
  'keychain-locked', 'keychain-unavailable', 'identity-missing',
  'no-room-key', 'no-session', 'bad-signature', 'replay', 'stale', 'expired', 'revoked',
  'malformed', 'wrong-recipient', 'unknown-key', 'decrypt-failed', 'old-epoch', 'not-found', 'too-large',
  'key-changed', 'hash-mismatch', 'bad-state', 'out-of-order',
  'room-too-large', 'too-many-rooms', 'over-quota', 'denied', 'file-changed',
  'not-member', 'wrong-sender', 'wrong-room', 'no-key'
] as const;
export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number];
export interface IpcError { code: IpcErrorCode; message: string }
/** Every handler result crosses IPC as this union: Error objects do not survive the bridge intact. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };
