// "Host on this computer": the embedded signaling server binds where the user chose, needs its password, hides its metrics.
import { afterEach, describe, expect, it } from 'vitest';
import { HostService, shareableUrls } from '../../main/hosting';
import { TestClient } from '../support/signaling-client';

const ifaces = {
  lo: [{ address: '127.0.0.1', family: 'IPv4' as const, internal: true, netmask: '255.0.0.0', mac: '00:00:00:00:00:00', cidr: null }],
  eth0: [
    { address: '10.1.2.3', family: 'IPv4' as const, internal: false, netmask: '255.0.0.0', mac: '02:00:00:00:00:01', cidr: null },
    { address: 'fe80::1', family: 'IPv6' as const, internal: false, netmask: 'ffff::', mac: '02:00:00:00:00:01', cidr: null, scopeid: 1 }
  ]
};

describe('HostService', () => {
  const host = new HostService();
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await host.stop();
  });

  it('starts an embedded server, reports shareable addresses, and stops it', async () => {
    const started = await host.start({ port: 0 });
    expect(started.running).toBe(true);
    expect(started.port).toBeGreaterThan(0);
    expect(started.urls.at(-1)).toBe(`http://127.0.0.1:${started.port}`);
    const health = await fetch(`http://127.0.0.1:${started.port}/healthz`);
    expect(health.status).toBe(200);
    const stopped = await host.stop();
    expect(stopped).toEqual({ running: false, urls: [], port: null, bind: null, address: null, password: null, invite: null });
    await expect(fetch(`http://127.0.0.1:${started.port}/healthz`)).rejects.toThrow();
  });

  it('listens on loopback only by default', async () => {
    const started = await host.start({ port: 0 });
    expect(started.bind).toBe('loopback');
    expect(started.address).toBe('127.0.0.1');
    expect(started.urls).toEqual([`http://127.0.0.1:${started.port}`]);
  });

  it('binds to all interfaces only when asked', async () => {
    const started = await host.start({ port: 0, bind: 'all' });
    expect(started.address).toBe('0.0.0.0');
    expect(started.urls.at(-1)).toBe(`http://127.0.0.1:${started.port}`);
  });

  it('refuses an interface address this computer does not have', async () => {
    await expect(host.start({ port: 0, bind: 'interface', address: '203.0.113.9' })).rejects.toMatchObject({ code: 'bad-arguments' });
    expect(host.status().running).toBe(false);
  });

  it('generates a strong room password, shows it in the invite, and refuses a join without it', async () => {
    const started = await host.start({ port: 0 });
    expect(started.password).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    expect(started.invite).toContain(started.password!);
    expect(started.invite).toContain(started.urls[0]!);
    const intruder = new TestClient(started.urls[0]!);
    clients.push(intruder);
    const refused = await intruder.join('any-room');
    expect(refused).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const wrong = new TestClient(started.urls[0]!);
    clients.push(wrong);
    expect(await wrong.join('any-room', 'guest', { password: 'guess' })).toMatchObject({ ok: false });
    const guest = new TestClient(started.urls[0]!);
    clients.push(guest);
    expect(await guest.join('any-room', 'guest', { password: started.password })).toMatchObject({ ok: true });
  });

  it('a new start makes a new password', async () => {
    const a = await host.start({ port: 0 });
    await host.stop();
    const b = await host.start({ port: 0 });
    expect(b.password).not.toBe(a.password);
  });

  it('does not serve /metrics to anyone', async () => {
    const started = await host.start({ port: 0 });
    const res = await fetch(`http://127.0.0.1:${started.port}/metrics`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('veil_');
  });

  it('a second start while running returns the same server', async () => {
    const a = await host.start({ port: 0 });
    const b = await host.start({ port: 0 });
    expect(b.port).toBe(a.port);
    expect(b.password).toBe(a.password);
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
  it('for all interfaces: external IPv4 interfaces first and loopback last, skipping IPv6', () => {
    expect(shareableUrls(8443, '0.0.0.0', ifaces)).toEqual(['http://10.1.2.3:8443', 'http://127.0.0.1:8443']);
  });
  it('for one interface or loopback: only that address', () => {
    expect(shareableUrls(8443, '10.1.2.3', ifaces)).toEqual(['http://10.1.2.3:8443']);
    expect(shareableUrls(8443, '127.0.0.1', ifaces)).toEqual(['http://127.0.0.1:8443']);
  });
});
