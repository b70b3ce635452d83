// Type of the `process` browser shim that simple-peer's dependencies expect as a global.
declare module 'process/browser.js' {
  const process: { env: Record<string, string | undefined>; nextTick(fn: (...args: unknown[]) => void, ...args: unknown[]): void };
  export default process;
}
