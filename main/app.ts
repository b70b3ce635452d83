// The app's one wiring: main services, the IPC handler map and the dispatcher; built by main/index.ts and by both test harnesses.
import { createDispatcher, type Dispatch, type SenderCheck } from './ipc/dispatcher';
import { buildIpcHandlers } from './ipc/handlers';
import { createMainServices, type MainServiceOptions, type MainServices } from './services';
import { isAppUrl } from './shell/origin';

export interface MainAppOptions extends MainServiceOptions {
  /** Which frames may call main; defaults to the app's own `veil://app/` pages. */
  isTrustedSender?: SenderCheck;
  /** Told the channel of a handler that threw something other than a DomainError (never its arguments). */
  onInternalError?: (channel: string, err: unknown) => void;
}

export interface MainApp {
  services: MainServices;
  /** Every IPC call goes through here: sender check, channel check, argument schema, then the handler. */
  dispatch: Dispatch;
  /** Stops timers and workers and wipes key material held in memory. */
  dispose(): Promise<void>;
}

export async function createMainApp(options: MainAppOptions): Promise<MainApp> {
  const { isTrustedSender = isAppUrl, onInternalError, ...serviceOptions } = options;
  const services = await createMainServices(serviceOptions);
  const dispatch = createDispatcher(buildIpcHandlers(services), isTrustedSender, onInternalError);
  return { services, dispatch, dispose: () => services.dispose() };
}
