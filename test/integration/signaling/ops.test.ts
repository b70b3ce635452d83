// Operations: health, metrics, log hygiene, graceful shutdown, restart with client re-join, TLS.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from '../../support/signaling-harness';
import { TestClient, expectOk, until, bindingFor } from '../../support/signaling-client';

const h = new Harness();
afterEach(() => h.closeAll());

const METRICS_TOKEN = 'ops-metrics-token-0123456789';
const bearer = { headers: { authorization: `Bearer ${METRICS_TOKEN}` } };

describe('health and metrics', () => {
  it('reports status, rooms and connections, and Prometheus metrics per server', async () => {
    const s = await h.server({ metricsToken: METRICS_TOKEN });
    const other = await h.server({ metricsToken: METRICS_TOKEN });
    const [a, b] = [await h.client(s.url), await h.client(s.url)];
    const ja = expectOk(await a.join('r'));
    expectOk(await b.join('r'));
    expectOk(await b.call('signal:relay', { to: ja.selfId, signal: { type: 'offer', sdp: 'v=0' }, binding: bindingFor('offer') }));
    await a.next('signal:relay');
    await b.call('bogus:event', {});
    const health = await (await fetch(`${s.url}/healthz`)).json() as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', rooms: 1, connections: 2, redis: 'disabled' });
    expect(typeof health.uptimeSec).toBe('number');
    const text = await (await fetch(`${s.url}/metrics`, bearer)).text();
    expect(text).toMatch(/^veil_signaling_connections 2$/m);
    expect(text).toMatch(/^veil_signaling_rooms 1$/m);
    expect(text).toMatch(/^veil_signaling_relays_total\{scope="local"\} 1$/m);
    expect(text).toMatch(/^veil_signaling_rejections_total\{reason="bad-request"\} 1$/m);
    expect(text).toMatch(/^veil_signaling_event_duration_seconds_count\{event="signal:relay"\} 1$/m);
    const otherText = await (await fetch(`${other.url}/metrics`, bearer)).text();
    expect(otherText).toMatch(/^veil_signaling_connections 0$/m);
    expect((await fetch(`${s.url}/nope`)).status).toBe(404);
  });

  it('never logs SDP bodies or key material', async () => {
    const s = await h.server({ logLevel: 'trace' });
    const [a, b] = [await h.client(s.url), await h.client(s.url)];
    expectOk(await a.join('r'));
    const jb = expectOk(await b.join('r'));
    const secretSdp = 'v=0 SECRET-SDP-BODY-6f1c2a';
    expectOk(await a.call('signal:relay', { to: jb.selfId, signal: { type: 'offer', sdp: secretSdp }, binding: bindingFor('offer') }));
    await b.next('signal:relay');
    await a.call('signal:relay', { to: jb.selfId, signal: { type: 'offer', sdp: secretSdp, extra: 1 }, binding: bindingFor('offer') });
    expectOk(await a.call('keys:rotate', { notice: a.identity.rotation('r') }));
    await b.next('keys:rotated');
    await new Promise((r) => setTimeout(r, 50));
    expect(h.logs).toContain('signal:relay');
    expect(h.logs).toContain(jb.selfId);
    expect(h.logs).not.toContain('SECRET-SDP-BODY');
    expect(h.logs).not.toContain(a.identity.identityKey);
    expect(h.logs).not.toContain(a.identity.current!.ephemeralKey);
    for (const line of h.logs.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('shutdown and restart', () => {
  it('tells clients, and clients reconnect, re-join and re-publish when the server comes back on the same port', async () => {
    const s1 = await h.server({ shutdownReconnectMs: 250 });
    const port = s1.port;
    const a = await h.client(s1.url, { reconnection: true });
    const b = await h.client(s1.url, { reconnection: true });
    expectOk(await a.join('r', 'alice'));
    expectOk(await b.join('r', 'bob'));
    await a.next('room:joined');
    h.servers.splice(h.servers.indexOf(s1), 1);
    await s1.close();
    expect(await a.next('server:shutdown')).toEqual({ reconnectAfterMs: 250 });
    await b.next('server:shutdown');
    const s2 = await h.server({ port });
    // Both re-join on their own; the later one is announced to the earlier one.
    const announced = await Promise.race([a.next('room:joined', 15_000), b.next('room:joined', 15_000)]);
    expect(['alice', 'bob']).toContain(announced.member.displayName);
    await until(() => a.joins === 2 && b.joins === 2);
    const health = await (await fetch(`${s2.url}/healthz`)).json() as { connections: number; rooms: number };
    expect(health).toMatchObject({ connections: 2, rooms: 1 });
    const fetched = expectOk(await a.call<{ identityKey: string }>('keys:fetch', { peerId: b.selfId }));
    expect(fetched.identityKey).toBe(b.identity.identityKey);
  });

  it.skipIf(!existsSync('/usr/bin/openssl'))('serves over TLS when given a cert and key', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'veil-tls-'));
    try {
      const cert = path.join(dir, 'cert.pem');
      const key = path.join(dir, 'key.pem');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
      const s = await h.server({ tlsCertPath: cert, tlsKeyPath: key });
      expect(s.url).toMatch(/^https:/);
      const body = await new Promise<string>((resolve, reject) => {
        https.get(`${s.url}/healthz`, { rejectUnauthorized: false }, (res) => {
          let t = '';
          res.on('data', (c) => { t += String(c); });
          res.on('end', () => resolve(t));
        }).on('error', reject);
      });
      expect(JSON.parse(body)).toMatchObject({ status: 'ok' });
      const c = new TestClient(s.url, { rejectUnauthorized: false });
      h.clients.push(c);
      await c.connected();
      expectOk(await c.join('tls-room'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
