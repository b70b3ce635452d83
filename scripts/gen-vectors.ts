// Writes Veil's known-answer vectors to test/vectors/veil/*.json once (noble backend); the files are frozen and tests check them.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nobleBackend } from '../main/crypto';
import { computeVeilVectors } from './veil-vectors';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/vectors/veil');
const force = process.argv.includes('--force');
mkdirSync(dir, { recursive: true });
for (const [name, body] of Object.entries(computeVeilVectors(nobleBackend))) {
  const file = path.join(dir, `${name}.json`);
  // Frozen: a changed vector means a changed wire format, which must be a deliberate, reviewed step.
  if (existsSync(file) && !force) {
    console.log(`kept ${path.relative(process.cwd(), file)} (frozen; --force rewrites)`);
    continue;
  }
  writeFileSync(file, JSON.stringify(body, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
