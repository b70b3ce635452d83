// IPC channels of the `app` domain: version and platform facts, and the signaling and media servers the page may connect to.
import { z } from 'zod';
import { channel } from './ipc-channel';

export interface AppInfo { name: string; version: string; platform: string }

/** Answer of `app:allowServer`: the origin now allowed, and whether the page must reload for its CSP to include it. */
export interface AllowServerResult { origin: string; reloadRequired: boolean }

/** A signaling server address: http(s) or ws(s), no credentials, bounded. */
export const serverUrlSchema = z.string().max(2048);

export const appIpc = {
  'app:info': channel<z.ZodTuple<[]>, AppInfo>(z.tuple([])),
  'app:allowServer': channel<z.ZodTuple<[typeof serverUrlSchema]>, AllowServerResult>(z.tuple([serverUrlSchema])),
  /** (signaling server, a media server it names): the signaling server must be allowed already. */
  'app:allowSfu': channel<z.ZodTuple<[typeof serverUrlSchema, typeof serverUrlSchema]>, AllowServerResult>(z.tuple([serverUrlSchema, serverUrlSchema]))
};
