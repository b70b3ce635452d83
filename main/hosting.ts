// "Host on this computer": runs an embedded signaling server from main, bound where the user chose, behind a password.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { HostBindMode, HostInterface, HostStatus } from '../protocol/ipc-host';
import { createSignalingServer, type SignalingServer } from '../signaling-server/index';
import { DomainError } from './errors';

const DEFAULT_PORT = 8443;
type Interfaces = ReturnType<typeof os.networkInterfaces>;

const STOPPED: HostStatus = { running: false, urls: [], port: null, bind: null, address: null, password: null, invite: null };

/** This computer's external IPv4 interfaces (what a LAN guest could reach). */
export function hostInterfaces(interfaces: Interfaces = os.networkInterfaces()): HostInterface[] {
  const out: HostInterface[] = [];
  for (const [name, list] of Object.entries(interfaces)) {
    for (const addr of list ?? []) if (addr.family === 'IPv4' && !addr.internal) out.push({ name, address: addr.address });
  }
  return out;
}

/** Addresses other people can reach for a listening address: all interfaces then loopback, or just that address. */
export function shareableUrls(port: number, listenAddress: string, interfaces: Interfaces = os.networkInterfaces()): string[] {
  if (listenAddress !== '0.0.0.0') return [`http://${listenAddress}:${port}`];
  return [...hostInterfaces(interfaces).map((i) => `http://${i.address}:${port}`), `http://127.0.0.1:${port}`];
}

/** 18 random bytes from node:crypto as base64url: 144 bits, 24 characters, easy to paste. */
export const generateRoomPassword = (): string => randomBytes(18).toString('base64url');

export interface HostServiceOptions {
  /** Told the embedded server's addresses, so this computer's page may connect to it without another question. */
  onStarted?: (urls: string[]) => Promise<void> | void;
  networkInterfaces?: () => Interfaces;
}

interface Running { server: SignalingServer; bind: HostBindMode; address: string; password: string }

export class HostService {
  private running: Running | null = null;
  private starting: Promise<Running> | null = null;

  constructor(private readonly options: HostServiceOptions = {}) {}

  async start(request: { port?: number | undefined; bind?: HostBindMode | undefined; address?: string | undefined } = {}): Promise<HostStatus> {
    if (!this.running) {
      // Concurrent clicks share one start-up instead of racing for the port.
      this.starting ??= this.launch(request);
      try {
        this.running = await this.starting;
      } finally {
        this.starting = null;
      }
      await this.options.onStarted?.(this.status().urls);
    }
    return this.status();
  }

  private async launch(request: { port?: number | undefined; bind?: HostBindMode | undefined; address?: string | undefined }): Promise<Running> {
    const bind = request.bind ?? 'loopback';
    let address: string;
    if (bind === 'loopback') address = '127.0.0.1';
    else if (bind === 'all') address = '0.0.0.0';
    else {
      const known = hostInterfaces(this.options.networkInterfaces?.()).map((i) => i.address);
      if (!request.address || !known.includes(request.address)) throw new DomainError('bad-arguments', 'not an address of this computer');
      address = request.address;
    }
    const password = generateRoomPassword();
    // Every room needs the password; no public metrics (the default); no TURN (no iceServers/turnSecret), so nothing to leak.
    const server = await createSignalingServer({
      host: address, port: request.port ?? DEFAULT_PORT, allRoomsPassword: password, logLevel: 'warn'
    });
    return { server, bind, address, password };
  }

  async stop(): Promise<HostStatus> {
    const running = this.running;
    this.running = null;
    await running?.server.close();
    return this.status();
  }

  status(): HostStatus {
    const r = this.running;
    if (!r) return { ...STOPPED };
    const urls = r.address === '0.0.0.0' ? shareableUrls(r.server.port, r.address, this.options.networkInterfaces?.())
      : shareableUrls(r.server.port, r.address);
    const invite = `Join me on Veil. Server address: ${urls[0]} · Room password: ${r.password}`;
    return { running: true, urls, port: r.server.port, bind: r.bind, address: r.address, password: r.password, invite };
  }
}
