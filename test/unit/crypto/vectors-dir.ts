// Locates the RFC/Wycheproof vectors kept in the repo (test/vectors/) and loads them for the vector tests.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromHex } from '../../../protocol/encoding';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const VECTORS_DIR = path.join(repoRoot, 'test/vectors');
// The vectors ship with the repo: a missing folder is a broken checkout, so the suites fail rather than skip.
if (!existsSync(path.join(VECTORS_DIR, 'wycheproof')) || !existsSync(path.join(VECTORS_DIR, 'rfc-vectors.md'))) {
  throw new Error(`test vectors missing under ${VECTORS_DIR}`);
}

export interface WycheproofCase { tcId: number; comment: string; flags: string[]; result: 'valid' | 'invalid' | 'acceptable'; [k: string]: unknown }
export interface WycheproofGroup { tests: WycheproofCase[]; [k: string]: unknown }

export function loadWycheproof(file: string): { numberOfTests: number; groups: WycheproofGroup[] } {
  const json = JSON.parse(readFileSync(path.join(VECTORS_DIR, 'wycheproof', file), 'utf8')) as { numberOfTests: number; testGroups: WycheproofGroup[] };
  return { numberOfTests: json.numberOfTests, groups: json.testGroups };
}

export function rfcText(): string {
  return readFileSync(path.join(VECTORS_DIR, 'rfc-vectors.md'), 'utf8');
}

export function hex(s: unknown): Uint8Array {
  const b = fromHex(String(s));
  if (!b) throw new Error(`bad hex: ${String(s)}`);
  return b;
}
