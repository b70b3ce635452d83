// Prints the closing `N passed, N failed, N skipped` line from vitest's JSON report; exits non-zero on failure.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/vitest.json';
if (!existsSync(file)) {
  console.log('0 passed, 1 failed, 0 skipped');
  console.error(`[veil] no test report at ${file}: the test runner did not finish`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
let passed = 0, failed = 0, skipped = 0;
for (const suite of report.testResults ?? []) {
  // A file that failed to load has no assertions but must count as a failure.
  if ((suite.assertionResults ?? []).length === 0 && suite.status === 'failed') failed++;
  for (const t of suite.assertionResults ?? []) {
    if (t.status === 'passed') passed++;
    else if (t.status === 'failed') failed++;
    else skipped++;
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
