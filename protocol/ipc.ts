// The typed IPC contract between the renderer (window.veil) and main: channels, argument schemas, results.
import { z } from 'zod';
import { appIpc } from './ipc-app';
import { e2eeIpc } from './ipc-e2ee';
import { filesIpc } from './ipc-files';
import { hostIpc } from './ipc-host';
import { inviteIpc } from './ipc-invite';
import { mediaIpc } from './ipc-media';
import type { ChannelSpec } from './ipc-channel';
import { IPC_CHANNEL_NAMES, type IpcChannelName } from './ipc-channels';
export { channel, type ChannelSpec } from './ipc-channel';

import type { IpcResult } from './ipc-error';
export { IPC_ERROR_CODES, type IpcError, type IpcErrorCode, type IpcResult } from './ipc-error';

/** All channels, by `domain:verb` name: one spread per domain file (protocol/ipc-*.ts). */
export const IPC_CONTRACT = {
  ...appIpc,
  ...e2eeIpc,
  ...hostIpc,
  ...mediaIpc,
  ...filesIpc,
  ...inviteIpc
} as const;

export type IpcContract = typeof IPC_CONTRACT;
export type IpcChannel = keyof IpcContract & string;
export const IPC_CHANNELS: readonly IpcChannel[] = IPC_CHANNEL_NAMES;

// Compile-time proof that the name list and the contract hold exactly the same channels.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const namesMatchContract: Same<IpcChannelName, IpcChannel> = true;
void namesMatchContract;
export type IpcArgs<C extends IpcChannel> = z.infer<IpcContract[C]['args']>;
export type IpcResultOf<C extends IpcChannel> = IpcContract[C] extends ChannelSpec<z.ZodTypeAny, infer R> ? R : never;

type DomainOf<C extends string> = C extends `${infer D}:${string}` ? D : never;
type VerbOf<C extends string, D extends string> = C extends `${D}:${infer V}` ? V : never;
export type IpcDomain = DomainOf<IpcChannel>;

/** `veil.<domain>.<verb>(...args)` for every channel, as the contract has them. */
type ChannelApi = {
  [D in IpcDomain]: {
    [C in IpcChannel as VerbOf<C, D>]: IpcArgs<C> extends unknown[]
      ? (...args: IpcArgs<C>) => Promise<IpcResult<IpcResultOf<C>>>
      : never;
  };
};

/**
 * What the preload exposes as `window.veil`. `files.dropped` takes the dropped File object itself (typed `object`:
 * protocol/ has no DOM types), never a path: the preload asks Electron for that File's path.
 */
export type VeilApi = Omit<ChannelApi, 'files'> & {
  files: Omit<ChannelApi['files'], 'dropped'> & {
    dropped(roomId: string, file: object): Promise<IpcResult<IpcResultOf<'files:dropped'> | null>>;
  };
};

export function isIpcChannel(name: unknown): name is IpcChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(IPC_CONTRACT, name);
}
