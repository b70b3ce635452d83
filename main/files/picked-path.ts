// Checks a path the user picked in main's dialog or dropped on the window before main reads it: a readable regular file within limits.
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { FILE_LIMITS } from '../../protocol/file-limits';
import { fileNameProblem } from '../crypto';
import { DomainError } from '../errors';
import type { DiskSource } from './disk-source';
import { sanitizeFileName } from './records';

export interface CheckedPath { source: DiskSource; name: string }

const MAX_PATH_CHARS = 4096;

/** The display name the manifest carries: the picked name, cleaned, cut to 255 UTF-8 bytes on a character boundary. */
export function displayNameOf(filePath: string): string {
  let name = sanitizeFileName(path.basename(filePath));
  while (new TextEncoder().encode(name).length > FILE_LIMITS.maxNameLength) name = [...name].slice(0, -1).join('');
  return fileNameProblem(name) ? 'file' : name;
}

/**
 * Resolves symlinks, then opens the real path without following a link or blocking (a FIFO or device never hangs
 * main) and checks the open file itself, so what is checked is what the worker will read. Errors are typed and
 * never echo the path.
 */
export async function checkPickedPath(filePath: string, maxBytes: number): Promise<CheckedPath> {
  if (!path.isAbsolute(filePath) || filePath.length > MAX_PATH_CHARS || filePath.includes('\0')) {
    throw new DomainError('bad-arguments', 'not an absolute file path');
  }
  let real: string;
  try {
    real = await realpath(filePath);
  } catch {
    throw new DomainError('not-found', 'the file does not exist or cannot be reached');
  }
  let handle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw code === 'ENOENT' ? new DomainError('not-found', 'the file does not exist') : new DomainError('bad-arguments', 'the file cannot be read');
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new DomainError('bad-arguments', st.isDirectory() ? 'a folder cannot be sent, only a file' : 'not a regular file');
    if (st.size > maxBytes) throw new DomainError('too-large', 'file is larger than the maxFileBytes setting');
    // One byte read proves it readable now (permissions, a network mount that is gone).
    if (st.size > 0) await handle.read(new Uint8Array(1), 0, 1, 0);
    return { source: { path: real, size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino }, name: displayNameOf(filePath) };
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new DomainError('bad-arguments', 'the file cannot be read');
  } finally {
    await handle.close();
  }
}
