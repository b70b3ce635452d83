// Builds the chunk worker (main/files/chunk-worker.ts) with esbuild once per test process, like scripts/build.mjs does.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let built: Promise<string> | null = null;

export async function chunkWorkerPath(): Promise<string> {
  built ??= (async () => {
    const outfile = path.join(mkdtempSync(path.join(tmpdir(), 'veil-chunk-worker-')), 'chunk-worker.cjs');
    await build({ entryPoints: [path.join(root, 'main/files/chunk-worker.ts')], outfile, bundle: true, platform: 'node',
      target: 'node20', format: 'cjs', logLevel: 'warning' });
    return outfile;
  })();
  return built;
}
