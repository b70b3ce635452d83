// "Host on this computer": the embedded signaling server starts from main, answers /healthz, and stops.
import { afterEach, describe, expect, it } from 'vitest';
import { HostService, shareableUrls } from '../../main/hosting';

describe('HostService', () => {
  const host = new HostService();
  afterEach(async () => { await host.stop(); });

  it('starts an embedded server, reports shareable addresses, and stops it', async () => {
    const started = await host.start({ port: 0 });
    expect(started.running).toBe(true);
    expect(started.port).toBeGreaterThan(0);
    expect(started.urls.at(-1)).toBe(`http://127.0.0.1:${started.port}`);
    const health = await fetch(`http://127.0.0.1:${started.port}/healthz`);
    expect(health.status).toBe(200);
    const stopped = await host.stop();
    expect(stopped).toEqual({ running: false, urls: [], port: null });
    await expect(fetch(`http://127.0.0.1:${started.port}/healthz`)).rejects.toThrow();
  });

  it('a second start while running returns the same server', async () => {
    const a = await host.start({ port: 0 });
    const b = await host.start({ port: 0 });
    expect(b.port).toBe(a.port);
  });

  it('fails with the port error when the port is taken, and stays stopped', async () => {
    const other = new HostService();
    const { port } = await other.start({ port: 0 });
    await expect(host.start({ port: port! })).rejects.toThrow(/EADDRINUSE|in use/);
    expect(host.status().running).toBe(false);
    await other.stop();
  });
});

describe('shareableUrls', () => {
  it('lists external IPv4 interfaces first and loopback last, skipping IPv6 and internal ones', () => {
    const urls = shareableUrls(8443, {
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '255.0.0.0', mac: '00:00:00:00:00:00', cidr: null }],
      eth0: [
        { address: '10.1.2.3', family: 'IPv4', internal: false, netmask: '255.0.0.0', mac: '02:00:00:00:00:01', cidr: null },
        { address: 'fe80::1', family: 'IPv6', internal: false, netmask: 'ffff::', mac: '02:00:00:00:00:01', cidr: null, scopeid: 1 }
      ]
    });
    expect(urls).toEqual(['http://10.1.2.3:8443', 'http://127.0.0.1:8443']);
  });
});
