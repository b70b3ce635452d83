// Vite build of the renderer: relative asset paths for the veil:// scheme, simple-peer's Node globals shimmed.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  define: { global: 'globalThis' },
  // Node's 'process' is shimmed for simple-peer's dependencies; 'events' resolves to the npm package.
  resolve: { alias: [{ find: /^process$/, replacement: 'process/browser.js' }] },
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true, target: 'chrome130' },
  server: { port: 5173, strictPort: true }
});
