// Server authentication hardening: no open key directory, trusted-proxy hops, join strikes, JWT claims, protected metrics.
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createSignalingServer } from '../../../signaling-server/index';
import { errorCode, expectOk } from '../../support/signaling-client';
import { Harness } from '../../support/signaling-harness';

const h = new Harness();
afterEach(() => h.closeAll());

const reason = (res: { ok: boolean; error?: { code: string; message: string } }) => (res.ok ? 'ok' : `${res.error!.code}: ${res.error!.message}`);

/** The address the server recorded for a peer, from its own 'connected' log line. */
function loggedAddress(logs: string, peerId: string): string | undefined {
  for (const line of logs.split('\n')) {
    if (!line.includes(peerId)) continue;
    const rec = JSON.parse(line) as { msg?: string; peerId?: string; address?: string };
    if (rec.msg === 'connected' && rec.peerId === peerId) return rec.address;
  }
  return undefined;
}

describe('HTTP key directory', () => {
  it('is gone: bundles are served only to members over the socket', async () => {
    const s = await h.server({ roomPasswords: { vault: 'pw-vault' } });
    const a = await h.client(s.url, { password: 'pw-vault' });
    const ja = expectOk(await a.join('vault'));
    const res = await fetch(`${s.url}/api/rooms/vault/keys/${ja.selfId}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(a.identity.identityKey);
  });
});

describe('trusted proxies', () => {
  it.each([
    [1, '203.0.113.9, 198.51.100.7', '198.51.100.7'],
    [2, '203.0.113.9, 198.51.100.7, 10.0.0.2', '198.51.100.7'],
    [2, '198.51.100.7', '198.51.100.7'],
    [0, '203.0.113.9', '127.0.0.1']
  ])('with %i hop(s) takes the client address from the right of X-Forwarded-For (%s)', async (hops, xff, expected) => {
    const s = await h.server({ trustProxy: hops });
    const c = await h.client(s.url, { extraHeaders: { 'x-forwarded-for': xff } });
    const joined = expectOk(await c.join('r'));
    expect(loggedAddress(h.logs, joined.selfId)?.replace(/^::ffff:/, '')).toBe(expected);
  });
});

describe('join strikes', () => {
  it('300 wrong passwords lead to backoff, and then the right password is refused within the window', async () => {
    const s = await h.server({ roomPasswords: { vault: 'right-password' }, socketEventsPerSec: 100_000, addressEventsPerSec: 100_000, maxStrikes: 100_000 });
    const c = await h.client(s.url, { password: 'wrong-password' });
    const seen = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const r = await c.join('vault');
      const k = reason(r);
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    expect(seen.get('unauthorized: password-wrong')).toBe(10);
    expect(seen.get('rate-limited: too many failed joins from this address; try again later')).toBe(290);
    expect(errorCode(await c.joinWith('vault', 'x', { extra: { password: 'right-password' } }))).toBe('rate-limited');
    // A new socket from the same address is still refused; the window is not reset by reconnecting.
    const again = await h.client(s.url, { password: 'right-password' });
    expect(errorCode(await again.join('vault'))).toBe('rate-limited');
  });

  it('counts guessed secrets per room across addresses, and a success does not reset an address', async () => {
    const s = await h.server({
      roomPasswords: { vault: 'right-password' }, trustProxy: 1, authFailuresPerAddress: 3, authFailuresPerRoom: 5, metricsToken: 'metrics-token-0123456789'
    });
    const from = (ip: string, password: string) => h.client(s.url, { password, extraHeaders: { 'x-forwarded-for': ip } });
    // One address: two failures, a success, one more failure, then it is out of attempts even with the right password.
    const a = await from('198.51.100.1', 'wrong');
    expect(reason(await a.join('vault'))).toBe('unauthorized: password-wrong');
    expect(reason(await a.join('vault'))).toBe('unauthorized: password-wrong');
    expectOk(await (await from('198.51.100.1', 'right-password')).join('vault'));
    expect(reason(await a.join('vault'))).toBe('unauthorized: password-wrong');
    expect(errorCode(await (await from('198.51.100.1', 'right-password')).join('vault'))).toBe('rate-limited');
    // Failures spread over addresses add up for the room: 3 + 2 = 5 guesses, then the room backs off.
    const b = await from('198.51.100.2', 'wrong');
    expect(reason(await b.join('vault'))).toBe('unauthorized: password-wrong');
    expect(reason(await b.join('vault'))).toBe('unauthorized: password-wrong');
    expect(reason(await (await from('198.51.100.3', 'right-password')).join('vault'))).toBe('rate-limited: too many failed joins for this room; try again later');
    // Other rooms are not affected.
    expectOk(await (await from('198.51.100.3', 'x')).join('open-room'));
    const text = await (await fetch(`${s.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } })).text();
    expect(text).toMatch(/^veil_signaling_auth_failures_total\{reason="password-wrong"\} 5$/m);
    expect(text).toMatch(/^veil_signaling_auth_backoff_total\{scope="address"\} 1$/m);
    expect(text).toMatch(/^veil_signaling_auth_backoff_total\{scope="room"\} 1$/m);
  });
});

describe('join tokens', () => {
  const SECRET = 'a-long-enough-test-secret';
  const sec = () => Math.floor(Date.now() / 1000);
  const mint = (claims: Record<string, unknown>, opts: { iat?: number | null; exp?: number; aud?: string; iss?: string } = {}) => {
    const jwt = new SignJWT({ room: 'team', ...claims }).setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(opts.exp ?? sec() + 600).setAudience(opts.aud ?? 'veil-signaling').setIssuer(opts.iss ?? 'veil');
    if (opts.iat !== null) jwt.setIssuedAt(opts.iat ?? sec());
    return jwt.sign(new TextEncoder().encode(SECRET));
  };

  it('requires the audience, the issuer, iat and a bounded lifetime', async () => {
    const s = await h.server({ joinTokenSecret: SECRET, joinTokenMaxLifetimeSec: 3600, authFailuresPerAddress: 100 });
    const join = async (token: string) => reason(await (await h.client(s.url, { token })).join('team'));
    expect(await join(await mint({}, { aud: 'another-service' }))).toBe('unauthorized: token-bad-aud');
    expect(await join(await mint({}, { iss: 'someone-else' }))).toBe('unauthorized: token-bad-iss');
    expect(await join(await mint({}, { iat: null }))).toBe('unauthorized: token-bad-iat');
    expect(await join(await mint({}, { exp: sec() + 2 * 3600 }))).toBe('unauthorized: token-lifetime');
    expect(await join(await mint({}, { iat: sec() - 7200, exp: sec() + 60 }))).toMatch(/^unauthorized: token-/);
    expect(await join(await mint({}, { iat: sec() + 600, exp: sec() + 1200 }))).toMatch(/^unauthorized: token-/);
    expect(await join(await mint({}))).toBe('ok');
    const custom = await h.server({ joinTokenSecret: SECRET, joinTokenAudience: 'aud-x', joinTokenIssuer: 'iss-y' });
    expectOk(await (await h.client(custom.url, { token: await mint({}, { aud: 'aud-x', iss: 'iss-y' }) })).join('team'));
  });
});

describe('metrics', () => {
  it('are not served on the public port by default', async () => {
    const s = await h.server();
    expect((await fetch(`${s.url}/metrics`)).status).toBe(404);
    expect(s.metricsUrl).toBeNull();
  });

  it('need the bearer token on the public port when METRICS_TOKEN is set', async () => {
    const s = await h.server({ metricsToken: 'metrics-token-0123456789' });
    expect((await fetch(`${s.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${s.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-012345678X' } })).status).toBe(401);
    const ok = await fetch(`${s.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^veil_signaling_connections 0$/m);
  });

  it('can live on their own listener, away from the public port', async () => {
    const s = await h.server({ metricsPort: 0 });
    expect(s.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${s.url}/metrics`)).status).toBe(404);
    const res = await fetch(`${s.metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^veil_signaling_connections 0$/m);
    expect((await fetch(`${s.metricsUrl}/healthz`)).status).toBe(404);
    const guarded = await h.server({ metricsPort: 0, metricsToken: 'metrics-token-0123456789' });
    expect((await fetch(`${guarded.metricsUrl}/metrics`)).status).toBe(401);
  });

  it('refuse to start when the metrics port is taken', async () => {
    const busy = await h.server();
    await expect(createSignalingServer({ host: '127.0.0.1', port: 0, metricsHost: '127.0.0.1', metricsPort: busy.port, logLevel: 'silent' }))
      .rejects.toThrow(/EADDRINUSE/);
  });
});
