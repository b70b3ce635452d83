// Builds main and preload (esbuild, CommonJS for Electron), the standalone signaling server, and the renderer (Vite).
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const targets = new Set(process.argv.slice(2));
const all = targets.size === 0;

// Native and Electron modules stay outside the bundle; everything else is bundled so the asar stays small.
const nodeCommon = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };

if (all || targets.has('main')) {
  await build({
    ...nodeCommon,
    entryPoints: [path.join(root, 'main/index.ts')],
    outfile: path.join(root, 'dist/main/index.cjs'),
    external: ['electron', 'keytar', 'sodium-native']
  });
  // The chunk worker (file transfer keys, sealing, spools) runs in a worker thread; main finds it beside index.cjs.
  await build({
    ...nodeCommon,
    entryPoints: [path.join(root, 'main/files/chunk-worker.ts')],
    outfile: path.join(root, 'dist/main/chunk-worker.cjs'),
    external: ['electron', 'keytar', 'sodium-native']
  });
  await build({
    ...nodeCommon,
    entryPoints: [path.join(root, 'preload/index.ts')],
    outfile: path.join(root, 'dist/preload/index.cjs'),
    external: ['electron'],
    target: 'chrome130'
  });
}
if (all || targets.has('server')) {
  await build({
    ...nodeCommon,
    entryPoints: [path.join(root, 'signaling-server/cli.ts')],
    outfile: path.join(root, 'dist/server/cli.cjs'),
    // Optional native accelerators of the websocket library stay optional.
    external: ['bufferutil', 'utf-8-validate']
  });
}
if (all || targets.has('renderer')) {
  await viteBuild({ configFile: path.join(root, 'renderer/vite.config.mts'), logLevel: 'warn' });
  // The SFrame transform worker is its own ES module beside index.html (after Vite, which empties the folder):
  // the page loads it with `new Worker(url, { type: 'module' })` under the CSP's worker-src 'self'.
  await build({
    entryPoints: [path.join(root, 'renderer/src/sframe/frame-worker.ts')],
    outfile: path.join(root, 'dist/renderer/frame-worker.js'),
    bundle: true, format: 'esm', platform: 'browser', target: 'chrome130', minify: true, sourcemap: true, logLevel: 'warning'
  });
}
