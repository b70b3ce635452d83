// `npm start` without an Electron binary and without a reachable download host stops with a clear message, not a stack trace.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronBinaryPath } from '../../scripts/electron-binary.mjs';

const root = path.resolve(__dirname, '../..');
const hasBinary = electronBinaryPath(root) !== null;

describe.skipIf(hasBinary)(`launcher without an Electron binary${hasBinary ? ' (skipped: an Electron binary is installed here)' : ''}`, () => {
  it('prints what failed and what to do, and exits 1', () => {
    // Point the installer at a closed loopback port so the test never leaves this machine.
    const env = { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
    const res = spawnSync(process.execPath, ['scripts/launch-electron.mjs'], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('Veil cannot start: the Electron runtime is missing and could not be downloaded.');
    expect(res.stderr).toContain('What failed:');
    expect(res.stderr).toContain('node node_modules/electron/install.js');
    expect(res.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  });
});
