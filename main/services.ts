// Builds the main-process services from their dependencies; shared by the Electron app and the test harness.
import type { AppInfo } from '../protocol/ipc-app';

export interface MainServiceOptions {
  appInfo: AppInfo;
  /** Folder for the public identity, contacts and audit log. */
  dataDir: string;
}

export interface MainServices {
  appInfo: AppInfo;
  dataDir: string;
  /** Stops timers and wipes key material held in memory. */
  dispose(): Promise<void>;
}

export async function createMainServices(options: MainServiceOptions): Promise<MainServices> {
  return {
    appInfo: options.appInfo,
    dataDir: options.dataDir,
    async dispose() {}
  };
}
