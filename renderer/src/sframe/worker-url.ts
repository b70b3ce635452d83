// Where the page finds the frame worker: the built module beside index.html, or the source under Vite's dev server.

/** Load with `new Worker(frameWorkerUrl(), { type: 'module' })`; then post the key port from main as its first message. */
export function frameWorkerUrl(): URL {
  return import.meta.env.DEV ? new URL('./frame-worker.ts', import.meta.url) : new URL('./frame-worker.js', document.baseURI);
}
