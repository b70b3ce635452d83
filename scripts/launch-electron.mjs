// `npm start`: launches the built app in Electron, fetching the Electron binary first with Electron's own installer.
import { spawnSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinaryPath } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Returns a runnable Electron binary, fetching it once with Electron's installer; exits with a clear message if it cannot. */
export function ensureElectronBinary() {
let binary = electronBinaryPath(root);
if (!binary) {
  console.log('[veil] The Electron binary is not installed yet; fetching it with Electron\'s installer (one time)...');
  const installer = require.resolve('electron/install.js', { paths: [root] });
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const result = spawnSync(process.execPath, [installer], { cwd: root, env, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  binary = electronBinaryPath(root);
  if (result.status !== 0 || !binary) {
    const reason = (result.stderr || '').split('\n').find((l) => /error|fail|ENOTFOUND|EAI_AGAIN|ECONN/i.test(l))?.trim();
    console.error([
      '',
      'Veil cannot start: the Electron runtime is missing and could not be downloaded.',
      `  What failed: Electron's installer (node_modules/electron/install.js) exited with ${result.status ?? result.signal}${reason ? `: ${reason}` : ''}.`,
      '  What to do:',
      '    - on a machine with internet access, run `node node_modules/electron/install.js`, then `npm start` again;',
      '    - or point ELECTRON_OVERRIDE_DIST_PATH at a folder holding an Electron build of the version in package.json;',
      '    - behind a mirror, set ELECTRON_MIRROR (see Electron\'s installation docs).',
      '  Everything else works without Electron: `npm test`, `npm run signaling`.',
      ''
    ].join('\n'));
    process.exit(1);
  }
}
return binary;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const child = spawn(ensureElectronBinary(), [root, ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
