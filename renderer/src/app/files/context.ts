// What the sender and receiver halves of file transfer share: the port, control messages, channels, throttled progress.
import type { FileControl } from '../../../../protocol/ipc-files';
import type { FileChannel } from '../../rtc/file-channel';
import type { AppStore } from '../../store';
import { errorText } from '../../lib/veil';
import { shownNameOf } from '../names';
import type { FilePortClient } from './file-port';
import { PortStatusError } from './file-port';

export interface FilesContext {
  store: AppStore;
  roomId: string;
  port: Pick<FilePortClient, 'seal' | 'sealFromDisk' | 'open'>;
  /** Seals a control message for one peer (like chat) and sends it; rejects when that is impossible. */
  sendControl(identityKey: string, msg: FileControl): Promise<void>;
  channel(identityKey: string): FileChannel | null;
  now(): number;
}

export function peerName(ctx: FilesContext, identityKey: string): string {
  return shownNameOf(ctx.store.getState(), identityKey).label;
}

/** Store updates at most this often per transfer (a fast link verifies hundreds of chunks a second). */
export const PROGRESS_INTERVAL_MS = 100;

export class ProgressReporter {
  private last = new Map<string, number>();

  constructor(private readonly ctx: FilesContext) {}

  report(id: string, bytesDone: number, force = false): void {
    const now = this.ctx.now();
    if (!force && now - (this.last.get(id) ?? -Infinity) < PROGRESS_INTERVAL_MS) return;
    this.last.set(id, now);
    this.ctx.store.getState().setTransferProgress(id, bytesDone, now);
  }
}

/** User-facing text for a failure, with what main said when it was a port status. */
export function failureText(err: unknown): string {
  if (err instanceof PortStatusError) {
    switch (err.status) {
      case 'decrypt-failed': return `A chunk failed to decrypt (tampered or corrupted): ${err.message}`;
      case 'out-of-order': return `A chunk arrived out of order (dropped, duplicated or reordered): ${err.message}`;
      case 'hash-mismatch': return `The file's SHA-256 does not match the sender's signed final hash, so it was not kept: ${err.message}`;
      case 'file-changed': return `The file changed on disk while it was being sent: ${err.message}`;
      default: return `File transfer failed (${err.message})`;
    }
  }
  return errorText(err);
}
