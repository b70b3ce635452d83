// `npm run dev`: Vite dev server with hot reload for the renderer, main and preload rebuilt on change, Electron pointed at Vite.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { context } from 'esbuild';
import { createServer } from 'vite';
import { ensureElectronBinary } from './launch-electron.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const binary = ensureElectronBinary();
const vite = await createServer({ configFile: path.join(root, 'renderer/vite.config.mts') });
await vite.listen();
const origin = `http://localhost:${vite.config.server.port}`;

let electron = null;
const restart = () => {
  electron?.kill();
  electron = spawn(binary, [root], { stdio: 'inherit', env: { ...process.env, VEIL_DEV_SERVER: origin } });
};
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };
const restartOnBuild = { name: 'restart-electron', setup(b) { b.onEnd((r) => { if (r.errors.length === 0) restart(); }); } };
const mainCtx = await context({ ...common, entryPoints: [path.join(root, 'main/index.ts')], outfile: path.join(root, 'dist/main/index.cjs'), external: ['electron', 'keytar'], plugins: [restartOnBuild] });
const preloadCtx = await context({ ...common, entryPoints: [path.join(root, 'preload/index.ts')], outfile: path.join(root, 'dist/preload/index.cjs'), external: ['electron'] });
await preloadCtx.rebuild();
await preloadCtx.watch();
await mainCtx.watch();
console.log(`[veil] dev: renderer at ${origin}, main and preload rebuild on change`);
process.on('SIGINT', async () => { electron?.kill(); await Promise.all([mainCtx.dispose(), preloadCtx.dispose(), vite.close()]); process.exit(0); });
