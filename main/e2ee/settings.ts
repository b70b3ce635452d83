// E2EE settings persisted as <dataDir>/settings.json (atomic write); validated on load, a bad file falls back to defaults.
import { renameSync } from 'node:fs';
import path from 'node:path';
import type { E2eeSettings } from '../../protocol/ipc-e2ee';
import { FILE_LIMITS } from '../../protocol/file-limits';
import { LIMITS } from '../../protocol/limits';
import { readJson, writeJsonAtomic } from './atomic-json';

export const DEFAULT_SETTINGS: E2eeSettings = { signMessages: true, rotationIntervalMs: 60 * 60 * 1000, maxFileBytes: FILE_LIMITS.defaultMaxFileBytes,
  alwaysRelay: false };
/** The bounds the IPC schema enforces on `settings:set`, applied again to what is read from disk. */
export const MIN_ROTATION_INTERVAL_MS = 60_000;

/** `maxFileBytes` and `alwaysRelay` are optional in the file: a file without them is valid and gets their defaults. */
interface SettingsFile { v: 1; signMessages: boolean; rotationIntervalMs: number; maxFileBytes?: number; alwaysRelay?: boolean }

/** Why `value` is not a valid settings file, or null when it is. */
export function settingsProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const o = value as Record<string, unknown>;
  if (o.v !== 1) return 'unknown version';
  for (const k of Object.keys(o)) if (!['v', 'signMessages', 'rotationIntervalMs', 'maxFileBytes', 'alwaysRelay'].includes(k)) return `unknown field ${k}`;
  if (typeof o.signMessages !== 'boolean') return 'signMessages is not a boolean';
  const r = o.rotationIntervalMs;
  if (typeof r !== 'number' || !Number.isInteger(r) || r < MIN_ROTATION_INTERVAL_MS || r > LIMITS.keyMaxAgeMs) return 'rotationIntervalMs out of range';
  const f = o.maxFileBytes;
  if (f !== undefined && (typeof f !== 'number' || !Number.isSafeInteger(f) || f < FILE_LIMITS.minMaxFileBytes || f > FILE_LIMITS.hardMaxFileBytes)) {
    return 'maxFileBytes out of range';
  }
  if (o.alwaysRelay !== undefined && typeof o.alwaysRelay !== 'boolean') return 'alwaysRelay is not a boolean';
  return null;
}

export type SettingsEvent = { type: 'settings-corrupt'; reason: string; movedTo: string };

export class SettingsStore {
  readonly file: string;

  constructor(dataDir: string, private readonly onEvent: (e: SettingsEvent) => void) {
    this.file = path.join(dataDir, 'settings.json');
  }

  /**
   * The stored settings, or the defaults when there is no file. A file that cannot be read, parsed or validated never
   * crashes start-up: it is moved aside to settings.json.corrupt (best effort), reported, and the defaults are used.
   */
  load(): E2eeSettings {
    let stored: unknown;
    let problem: string | null;
    try {
      stored = readJson(this.file);
      if (stored === undefined) return { ...DEFAULT_SETTINGS };
      problem = settingsProblem(stored);
    } catch (err) {
      problem = err instanceof SyntaxError ? 'invalid JSON' : `unreadable (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
    }
    if (problem === null) {
      const s = stored as SettingsFile;
      return { signMessages: s.signMessages, rotationIntervalMs: s.rotationIntervalMs, maxFileBytes: s.maxFileBytes ?? DEFAULT_SETTINGS.maxFileBytes,
        alwaysRelay: s.alwaysRelay ?? DEFAULT_SETTINGS.alwaysRelay };
    }
    let movedTo = '';
    try {
      renameSync(this.file, `${this.file}.corrupt`);
      movedTo = 'settings.json.corrupt';
    } catch {
      // Left in place; the next save replaces it.
    }
    this.onEvent({ type: 'settings-corrupt', reason: problem, movedTo });
    return { ...DEFAULT_SETTINGS };
  }

  save(settings: E2eeSettings): void {
    writeJsonAtomic(this.file, { v: 1, signMessages: settings.signMessages, rotationIntervalMs: settings.rotationIntervalMs,
      maxFileBytes: settings.maxFileBytes, alwaysRelay: settings.alwaysRelay } satisfies SettingsFile);
  }
}
