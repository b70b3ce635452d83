// Unwraps window.veil IpcResults into values or a typed VeilError the UI can show.
import type { IpcError, IpcResult } from '../../../protocol/ipc';

export class VeilError extends Error {
  constructor(readonly code: IpcError['code'] | string, message: string) {
    super(message);
    this.name = 'VeilError';
  }
}

/** Awaits an IPC call and returns its value, or throws a VeilError carrying the error code. */
export async function unwrap<T>(call: Promise<IpcResult<T>>): Promise<T> {
  const res = await call;
  if (res.ok) return res.value;
  throw new VeilError(res.error.code, res.error.message);
}

export function errorCode(err: unknown): string {
  return err instanceof VeilError ? err.code : 'internal';
}

export function errorText(err: unknown): string {
  if (err instanceof VeilError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

export const utf8 = {
  encode: (s: string) => new TextEncoder().encode(s),
  decode: (b: Uint8Array) => new TextDecoder().decode(b)
};

/** UTF-8 text of bytes a peer sent, or null if they are not valid UTF-8 (no replacement characters sneak in). */
export function strictUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
