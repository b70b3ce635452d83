// What the transfer service remembers per transfer and per prepared file, and the pure helpers around it.
import path from 'node:path';
import type { PortStatus } from '../../protocol/file-frames';
import type { IpcError, IpcErrorCode } from '../../protocol/ipc-error';
import type { DiskSource } from './disk-source';
import type { FileMeta, TransferDirection, TransferInfo, TransferState } from '../../protocol/ipc-files';

export interface TransferRecord {
  id: Uint8Array; idB64: string; direction: TransferDirection; roomId: string; peerIdentityKey: string;
  name: string; size: number; mime: string; chunkSize: number; chunkCount: number; sha256Hex: string; createdAt: number;
  state: TransferState; verifiedChunks: number; attempt: number; error?: IpcError;
  /** Local time the record was made: incoming offers nobody answers are pruned `offerTtlMs` after it. */
  addedAt: number;
  /** SHA-256 of the signed manifest: the final message must name it. */
  manifestHash: Uint8Array;
  /** Ours, read from disk by the chunk worker (sealed with `sealFromDisk`), not brought by the page. */
  fromDisk: boolean;
}

export interface PreparedRecord {
  id: Uint8Array; roomId: string; meta: FileMeta; chunkSize: number; chunkCount: number; addedAt: number;
  /** The checked file main reads itself (picked or dropped), or null for pasted data the page brings. */
  source: DiskSource | null;
}

/** States after which nothing can happen to a transfer any more (its key is gone). */
export const FINAL_STATES: ReadonlySet<TransferState> = new Set(['saved', 'done', 'declined', 'cancelled', 'failed']);

export function isFinal(r: TransferRecord): boolean {
  return FINAL_STATES.has(r.state);
}

export function toInfo(r: TransferRecord): TransferInfo {
  const info: TransferInfo = { transferId: r.idB64, direction: r.direction, roomId: r.roomId, peerIdentityKey: r.peerIdentityKey, name: r.name,
    size: r.size, mime: r.mime, chunkSize: r.chunkSize, chunkCount: r.chunkCount, sha256: r.sha256Hex, createdAt: r.createdAt, state: r.state,
    verifiedChunks: r.verifiedChunks, attempt: r.attempt };
  if (r.error) info.error = { ...r.error };
  return info;
}

/**
 * Port statuses and IPC error codes share their names, except `stale-attempt` (IPC `stale`); `ok` is not an error.
 * The same mapping names the error of a transfer that an `open` aborted.
 */
export function portStatusCode(status: Exclude<PortStatus, 'ok'>): IpcErrorCode {
  return status === 'stale-attempt' ? 'stale' : status;
}

/**
 * The save dialog's default name: the last path component only, with control characters and separators removed, so
 * a peer-chosen name can never point the dialog at another folder. Empty, `.` or `..` become `file`.
 */
export function sanitizeFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const clean = base.replace(/[\p{Cc}\p{Cf}/\\:]/gu, '').trim();
  return clean === '' || clean === '.' || clean === '..' ? 'file' : clean;
}

/** The basename of the saved path, for the UI (never logged). */
export const savedName = (destPath: string) => path.basename(destPath);
