// The IPC channel names alone (no schemas), so the preload bundle stays tiny; ipc.ts checks it equals the contract.
export const IPC_CHANNEL_NAMES = [
  'app:info'
] as const;
export type IpcChannelName = (typeof IPC_CHANNEL_NAMES)[number];
