// The IPC handler map: one entry per contract channel, each a thin call into a main-process service.
import type { IpcHandlerMap } from './dispatcher';
import type { MainServices } from '../services';

export function buildIpcHandlers(services: MainServices): IpcHandlerMap {
  return {
    'app:info': () => services.appInfo
  };
}
