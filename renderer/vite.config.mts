// Vite build of the renderer: relative asset paths for the veil:// scheme, simple-peer's Node globals shimmed.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  define: { global: 'globalThis' },
  resolve: { alias: { events: 'events', process: 'process/browser.js' } },
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true, target: 'chrome130' },
  server: { port: 5173, strictPort: true }
});
