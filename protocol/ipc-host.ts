// IPC channels of the `host` domain: "host on this computer" starts an embedded signaling server in main.
import { z } from 'zod';
import { channel } from './ipc-channel';

export interface HostStatus {
  running: boolean;
  /** Addresses other people can use to reach this computer (one per non-internal IPv4 interface, plus loopback). */
  urls: string[];
  port: number | null;
}

export const hostIpc = {
  'host:start': channel<z.ZodTuple<[z.ZodObject<{ port: z.ZodOptional<z.ZodNumber> }>]>, HostStatus>(
    z.tuple([z.object({ port: z.number().int().min(0).max(65535).optional() }).strict()])),
  'host:stop': channel<z.ZodTuple<[]>, HostStatus>(z.tuple([])),
  'host:status': channel<z.ZodTuple<[]>, HostStatus>(z.tuple([]))
};
