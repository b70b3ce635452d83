// The typed IPC contract between the renderer (window.veil) and main: channels, argument schemas, results.
import { z } from 'zod';
import { appIpc } from './ipc-app';
import { e2eeIpc } from './ipc-e2ee';
import { hostIpc } from './ipc-host';
import type { ChannelSpec } from './ipc-channel';
import { IPC_CHANNEL_NAMES, type IpcChannelName } from './ipc-channels';
export { channel, type ChannelSpec } from './ipc-channel';

/** Error codes a handler may return; the renderer shows them, never a stack trace. */
export const IPC_ERROR_CODES = [
  'bad-sender', 'bad-arguments', 'unknown-channel', 'internal',
  'keychain-locked', 'keychain-unavailable', 'identity-missing',
  'no-room-key', 'no-session', 'bad-signature', 'replay', 'stale', 'expired', 'revoked',
  'malformed', 'wrong-recipient', 'unknown-key', 'decrypt-failed', 'old-epoch', 'not-found', 'too-large',
  'key-changed'
] as const;
export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number];
export interface IpcError { code: IpcErrorCode; message: string }
/** Every handler result crosses IPC as this union: Error objects do not survive the bridge intact. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };


/** All channels, by `domain:verb` name. Later issues add their domains here. */
export const IPC_CONTRACT = {
  ...appIpc,
  ...e2eeIpc,
  ...hostIpc
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

/** What the preload exposes as `window.veil`: `veil.<domain>.<verb>(...args)`. */
export type VeilApi = {
  [D in IpcDomain]: {
    [C in IpcChannel as VerbOf<C, D>]: IpcArgs<C> extends unknown[]
      ? (...args: IpcArgs<C>) => Promise<IpcResult<IpcResultOf<C>>>
      : never;
  };
};

export function isIpcChannel(name: unknown): name is IpcChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(IPC_CONTRACT, name);
}
