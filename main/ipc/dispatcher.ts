// Checks sender, channel and arguments of every IPC call before a handler sees it; always answers an IpcResult.
import { IPC_CONTRACT, isIpcChannel, type IpcArgs, type IpcChannel, type IpcError, type IpcResult, type IpcResultOf } from '../../protocol/ipc';
import { DomainError } from '../errors';
import { isAppUrl } from '../shell/origin';

export type IpcHandler<C extends IpcChannel> = (...args: IpcArgs<C>) => IpcResultOf<C> | Promise<IpcResultOf<C>>;
export type IpcHandlerMap = { [C in IpcChannel]: IpcHandler<C> };


export type SenderCheck = (senderUrl: string | undefined) => boolean;
export type Dispatch = (senderUrl: string | undefined, channel: unknown, args: unknown[]) => Promise<IpcResult<unknown>>;

function fail(code: IpcError['code'], message: string): IpcResult<never> {
  return { ok: false, error: { code, message } };
}

/**
 * Builds the one function `main/index.ts` (and the browser test harness) route every call through.
 * Unexpected exceptions become `internal` with a generic message, so no secret or stack reaches the renderer.
 */
export function createDispatcher(handlers: IpcHandlerMap, isTrustedSender: SenderCheck = isAppUrl,
  onInternalError: (channel: string, err: unknown) => void = () => {}): Dispatch {
  return async (senderUrl, channel, args) => {
    if (!isTrustedSender(senderUrl)) return fail('bad-sender', 'IPC call from a frame that is not the app');
    if (!isIpcChannel(channel)) return fail('unknown-channel', 'unknown IPC channel');
    const parsed = IPC_CONTRACT[channel].args.safeParse(args);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `argument ${issue.path.join('.')}` : 'arguments';
      return fail('bad-arguments', `${channel}: ${where}: ${issue?.message ?? 'invalid'}`);
    }
    const handler = handlers[channel] as (...a: unknown[]) => unknown;
    try {
      const value = await handler(...(parsed.data as unknown[]));
      return { ok: true, value };
    } catch (err) {
      // A domain refusal keeps its code and message; anything else is a bug and says nothing.
      if (err instanceof DomainError) return fail(err.code, err.message);
      onInternalError(channel, err);
      return fail('internal', `${channel} failed`);
    }
  };
}
