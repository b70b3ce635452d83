// A file the sender's main reads itself: opened without following a final symlink or blocking, re-checked on every read.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { EngineError } from './engine-error';

/** What main recorded when it checked the path (regular file, readable, within limits); the worker holds it to that. */
export interface DiskSource { path: string; size: number; mtimeMs: number; dev: number; ino: number }
export interface OpenSource extends DiskSource { fd: number }

const changed = (what: string) => new EngineError('file-changed', `the file changed on disk while being sent (${what})`, true);

function sameFile(st: Stats, s: DiskSource): string | null {
  if (!st.isFile()) return 'no longer a regular file';
  if (st.dev !== s.dev || st.ino !== s.ino) return 'replaced by another file';
  if (st.size !== s.size) return 'size';
  if (st.mtimeMs !== s.mtimeMs) return 'modification time';
  return null;
}

/** O_NONBLOCK so a FIFO swapped in cannot hang the worker; O_NOFOLLOW so the checked path is the file opened. */
export function openSource(s: DiskSource): OpenSource {
  let fd: number;
  try {
    fd = openSync(s.path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch {
    throw new EngineError('file-changed', 'the file could not be opened any more', false);
  }
  const problem = sameFile(fstatSync(fd), s);
  if (problem) {
    closeSync(fd);
    throw new EngineError('file-changed', `the file changed on disk before it was sent (${problem})`, false);
  }
  return { ...s, fd };
}

export function checkUnchanged(s: OpenSource): void {
  const problem = sameFile(fstatSync(s.fd), s);
  if (problem) throw changed(problem);
}

/** Fills `out` from `position`; a short read, or a file whose size or mtime moved, is `file-changed`. */
export function readChunk(s: OpenSource, out: Uint8Array, position: number): void {
  checkUnchanged(s);
  for (let o = 0; o < out.length;) {
    const n = readSync(s.fd, out, o, out.length - o, position + o);
    if (n === 0) throw changed('shorter than announced');
    o += n;
  }
}

export function closeSource(s: OpenSource): void {
  try {
    closeSync(s.fd);
  } catch {
    // Already closed.
  }
}
