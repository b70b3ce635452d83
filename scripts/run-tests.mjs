// `npm test`: builds what the browser suites load, runs every vitest project under a private keyring, prints the closing line.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env }).status ?? 1;

rmSync(path.join(root, 'test-results/vitest.json'), { force: true });
if (run(process.execPath, ['scripts/build.mjs']) !== 0) {
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
const extra = process.argv.slice(2);
// The Electron suite needs the Electron binary: `npm run test:electron` runs it, `npm test` every other project.
const projects = extra.some((a) => a.startsWith('--project')) ? [] : ['unit', 'dom', 'integration', 'e2e'].flatMap((p) => ['--project', p]);
const vitestBin = path.join(root, 'node_modules/vitest/vitest.mjs');
run('bash', ['scripts/with-keyring.sh', process.execPath, vitestBin, 'run', ...projects, ...extra]);
const summary = run(process.execPath, ['scripts/summarize-tests.mjs']);
process.exit(summary);
