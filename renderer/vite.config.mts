// Vite build of the renderer: relative asset paths for the veil:// scheme, simple-peer's Node globals shimmed, vendors split.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Vendor chunks by package, so no chunk passes Vite's 500 kB warning and app changes do not re-hash the libraries. */
const VENDOR_CHUNKS: Array<{ name: string; test: RegExp }> = [
  { name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
  // simple-peer and the Node shims its dependencies need in a browser bundle.
  { name: 'webrtc', test: /[\\/]node_modules[\\/](simple-peer|readable-stream|buffer|events|process|inherits|ieee754|base64-js|debug|ms|err-code|get-browser-rtc|queue-microtask|randombytes|safe-buffer|string_decoder|util-deprecate)[\\/]/ },
  { name: 'socketio', test: /[\\/]node_modules[\\/](socket\.io-client|socket\.io-parser|engine\.io-client|engine\.io-parser|@socket\.io[\\/]component-emitter|xmlhttprequest-ssl)[\\/]/ },
  { name: 'zod', test: /[\\/]node_modules[\\/]zod[\\/]/ },
  { name: 'vendor', test: /[\\/]node_modules[\\/]/ }
];

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  define: { global: 'globalThis' },
  // Node's 'process' is shimmed for simple-peer's dependencies; 'events' resolves to the npm package.
  resolve: { alias: [{ find: /^process$/, replacement: 'process/browser.js' }] },
  build: {
    outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true, target: 'chrome130',
    // VEIL_MINIFY=0 keeps names readable in CPU profiles (bench:sfu:join's BENCH_SFU_PROFILE).
    minify: process.env.VEIL_MINIFY !== '0',
    // Rolldown's successor to Rollup's manualChunks: the first group whose test matches takes the module.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: VENDOR_CHUNKS.map((chunk, index) => ({ ...chunk, priority: VENDOR_CHUNKS.length - index }))
        }
      }
    }
  },
  server: { port: 5173, strictPort: true }
});
