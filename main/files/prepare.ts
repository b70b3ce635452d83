// What can be offered: a file main checked and will read from disk (picked in its dialog, or dropped), or pasted data the page brings.
import { toB64u } from '../../protocol/encoding';
import { FILE_LIMITS } from '../../protocol/file-limits';
import type { FileMeta, PreparedFile } from '../../protocol/ipc-files';
import { chunkCountFor, fileNameProblem, mimeProblem } from '../crypto';
import type { E2eeService } from '../e2ee/e2ee';
import { DomainError } from '../errors';
import type { DiskSource } from './disk-source';
import { checkPickedPath } from './picked-path';
import type { PreparedRecord } from './records';

export interface PrepareSteps {
  e2ee: E2eeService;
  prepares: Map<string, PreparedRecord>;
  now(): number;
  /** Throws when `maxTransfers` are already held. */
  ensureRoom(): void;
}

export async function preparePasted(d: PrepareSteps, roomId: string, meta: FileMeta): Promise<PreparedFile> {
  if (meta.size > d.e2ee.settings.maxFileBytes) throw new DomainError('too-large', 'file is larger than the maxFileBytes setting');
  const problem = fileNameProblem(meta.name) ?? mimeProblem(meta.mime);
  if (problem) throw new DomainError('malformed', problem);
  return addPrepared(d, roomId, { ...meta }, null);
}

export async function prepareFromDialog(d: PrepareSteps, roomId: string, choose: (() => Promise<string | null>) | undefined): Promise<PreparedFile | null> {
  d.e2ee.assertRoom(roomId);
  if (!choose) throw new DomainError('bad-state', 'no open dialog available');
  const chosen = await choose();
  return chosen === null ? null : prepareFromPath(d, roomId, chosen);
}

/** The path is checked (regular, readable, within maxFileBytes) here; the worker holds the file to what was checked. */
export async function prepareFromPath(d: PrepareSteps, roomId: string, filePath: string): Promise<PreparedFile> {
  d.e2ee.assertRoom(roomId);
  const checked = await checkPickedPath(filePath, d.e2ee.settings.maxFileBytes);
  return addPrepared(d, roomId, { name: checked.name, size: checked.source.size, mime: '' }, checked.source);
}

function addPrepared(d: PrepareSteps, roomId: string, meta: FileMeta, source: DiskSource | null): PreparedFile {
  d.e2ee.assertRoom(roomId);
  d.ensureRoom();
  const id = d.e2ee.randomBytes(16);
  const chunkSize = FILE_LIMITS.chunkBytes;
  const chunkCount = chunkCountFor(meta.size, chunkSize);
  d.prepares.set(toB64u(id), { id, roomId, meta, chunkSize, chunkCount, addedAt: d.now(), source });
  // The page learns the display name and size only, never the path.
  return { prepareId: toB64u(id), chunkSize, chunkCount, name: meta.name, size: meta.size, mime: meta.mime, fromDisk: source !== null };
}
