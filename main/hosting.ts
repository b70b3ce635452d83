// "Host on this computer": runs an embedded signaling server from main and reports the addresses to share.
import os from 'node:os';
import type { HostStatus } from '../protocol/ipc-host';
import { createSignalingServer, type SignalingServer } from '../signaling-server/index';

const DEFAULT_PORT = 8443;

/** Addresses other people can reach: every non-internal IPv4 interface, then loopback for this computer. */
export function shareableUrls(port: number, interfaces = os.networkInterfaces()): string[] {
  const external: string[] = [];
  for (const list of Object.values(interfaces)) {
    for (const addr of list ?? []) {
      if (addr.family === 'IPv4' && !addr.internal) external.push(`http://${addr.address}:${port}`);
    }
  }
  return [...external, `http://127.0.0.1:${port}`];
}

export class HostService {
  private server: SignalingServer | null = null;
  private starting: Promise<SignalingServer> | null = null;

  async start(options: { port?: number } = {}): Promise<HostStatus> {
    if (!this.server) {
      // Concurrent clicks share one start-up instead of racing for the port.
      this.starting ??= createSignalingServer({ host: '0.0.0.0', port: options.port ?? DEFAULT_PORT });
      try {
        this.server = await this.starting;
      } finally {
        this.starting = null;
      }
    }
    return this.status();
  }

  async stop(): Promise<HostStatus> {
    const server = this.server;
    this.server = null;
    await server?.close();
    return this.status();
  }

  status(): HostStatus {
    if (!this.server) return { running: false, urls: [], port: null };
    return { running: true, urls: shareableUrls(this.server.port), port: this.server.port };
  }
}
