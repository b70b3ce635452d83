// Finds the Electron executable the way the electron package does, without throwing when it is absent.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Path of a runnable Electron binary, or null when it has not been downloaded. */
export function electronBinaryPath(root) {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const exe = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
    const p = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, exe);
    return existsSync(p) ? p : null;
  }
  const pkgDir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const p = path.join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(p) ? p : null;
}
