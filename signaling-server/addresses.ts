// Who is connecting and under which names we are reached: client address through trusted proxies, and join-proof origins.
import os from 'node:os';

/**
 * The client address with `hops` trusted proxies in front: the entry `hops` places from the right of
 * X-Forwarded-For (each proxy appends the address it saw), never a client-written entry further left.
 * With fewer entries than hops, the left-most one (the request passed fewer proxies than configured).
 */
export function clientAddress(socketAddress: string, forwardedFor: string | string[] | undefined, hops: number): string {
  const direct = socketAddress || 'unknown';
  if (hops <= 0 || forwardedFor === undefined) return direct;
  const entries = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) return direct;
  return entries[Math.max(0, entries.length - hops)]!;
}

const hostPart = (address: string) => (address.includes(':') ? `[${address}]` : address);

/**
 * Origins a client may sign when it joins: PUBLIC_ORIGINS when set; else PUBLIC_URL's origin and every name of the
 * listening address (a wildcard address: every local interface; loopback: also `localhost`).
 */
export function defaultOrigins(opts: { host: string; port: number; tls: boolean; publicUrl?: string | undefined; configured: readonly string[] }): string[] {
  if (opts.configured.length > 0) return [...opts.configured];
  const scheme = opts.tls ? 'https' : 'http';
  const hosts = new Set<string>();
  const wildcard = opts.host === '0.0.0.0' || opts.host === '::';
  if (wildcard) {
    for (const list of Object.values(os.networkInterfaces())) {
      for (const a of list ?? []) if (opts.host === '::' || a.family === 'IPv4') hosts.add(a.address.split('%')[0]!);
    }
  } else {
    hosts.add(opts.host);
  }
  if ([...hosts].some((h) => h === '127.0.0.1' || h === '::1' || h === 'localhost')) hosts.add('localhost');
  const out = new Set<string>();
  for (const h of hosts) out.add(new URL(`${scheme}://${hostPart(h)}:${opts.port}`).origin);
  if (opts.publicUrl) out.add(new URL(opts.publicUrl).origin);
  return [...out];
}
