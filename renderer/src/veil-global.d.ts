// Declares window.veil, the only bridge to main, typed from the IPC contract.
import type { VeilApi } from '../../protocol/ipc';

declare global {
  interface Window { veil: VeilApi }
}
export {};
