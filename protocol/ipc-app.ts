// IPC channels of the `app` domain: version and platform facts the UI shows.
import { z } from 'zod';
import { channel } from './ipc-channel';

export interface AppInfo { name: string; version: string; platform: string }

export const appIpc = {
  'app:info': channel<z.ZodTuple<[]>, AppInfo>(z.tuple([]))
};
