// Runs @doyensec/electronegativity over main/ and preload/ and fails on any high or medium finding.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = mkdtempSync(path.join(os.tmpdir(), 'veil-egty-'));
const out = path.join(outDir, 'report.csv');
// Scan the app's own sources only (the tool cannot exclude folders such as node_modules itself).
const app = path.join(outDir, 'app');
for (const part of ['main', 'preload', 'renderer/src', 'renderer/index.html', 'package.json']) {
  cpSync(path.join(root, part), path.join(app, part), { recursive: true });
}
const electronVersion = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).devDependencies.electron;
const bin = path.join(root, 'node_modules/@doyensec/electronegativity/dist/index.js');
const res = spawnSync(process.execPath, [bin, '-i', app, '-o', out, '-r', '-e', electronVersion], {
  cwd: root, encoding: 'utf8'
});
let csv = '';
try { csv = readFileSync(out, 'utf8'); } catch { /* reported below */ }
rmSync(outDir, { recursive: true, force: true });
if (!csv) {
  console.error('[electronegativity] produced no report:\n' + res.stdout + res.stderr);
  process.exit(1);
}
const rows = csv.trim().split('\n').slice(1);
// Findings that only ask for a manual review can be waived, one check and file at a time, with the reason on record.
const reviewed = JSON.parse(readFileSync(path.join(root, 'scripts/electronegativity-reviewed.json'), 'utf8'));
const isReviewed = (r) => reviewed.some((w) => r.startsWith(`${w.check},`) && r.includes(`"${w.file}"`));
for (const r of rows.filter(isReviewed)) console.log('  (reviewed) ' + r.split(',').slice(0, 4).join(','));
const serious = rows.filter((r) => /,"?(HIGH|MEDIUM)"?,/.test(r) && !isReviewed(r));
console.log(`[electronegativity] ${rows.length} findings, ${serious.length} high/medium`);
for (const r of serious) console.log('  ' + r);
for (const r of rows.filter((x) => !serious.includes(x) && !isReviewed(x))) console.log('  (low/info) ' + r.split(',').slice(0, 3).join(','));
process.exit(serious.length > 0 ? 1 : 0);
