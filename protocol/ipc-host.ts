// IPC channels of the `host` domain: "host on this computer" starts an embedded signaling server in main.
import { z } from 'zod';
import { channel } from './ipc-channel';

/** Where the embedded server listens: this computer only, one network interface, or every interface. */
export const HOST_BIND_MODES = ['loopback', 'interface', 'all'] as const;
export type HostBindMode = (typeof HOST_BIND_MODES)[number];

export interface HostStatus {
  running: boolean;
  /** Addresses other people can use to reach this computer (only those the server really listens on). */
  urls: string[];
  port: number | null;
  bind: HostBindMode | null;
  /** The address it listens on (127.0.0.1, one interface's IPv4 address, or 0.0.0.0). */
  address: string | null;
  /** The room password every join needs (generated in main); null when stopped. */
  password: string | null;
  /** What to send to the people invited: an address and the password, in plain words. */
  invite: string | null;
}

/** A network interface the user may bind to. */
export interface HostInterface { name: string; address: string }

export const hostStartSchema = z.object({
  port: z.number().int().min(0).max(65535).optional(),
  bind: z.enum(HOST_BIND_MODES).optional(),
  /** With bind 'interface': the IPv4 address of that interface (must be one of `host:interfaces`). */
  address: z.ipv4().optional()
}).strict();

export const hostIpc = {
  'host:start': channel<z.ZodTuple<[typeof hostStartSchema]>, HostStatus>(z.tuple([hostStartSchema])),
  'host:stop': channel<z.ZodTuple<[]>, HostStatus>(z.tuple([])),
  'host:status': channel<z.ZodTuple<[]>, HostStatus>(z.tuple([])),
  'host:interfaces': channel<z.ZodTuple<[]>, HostInterface[]>(z.tuple([]))
};
