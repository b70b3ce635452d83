// Config parsing: defaults, env vars, flags, and error messages that name the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnvAndArgs, resolveConfig } from '../../../signaling-server/config';

describe('signaling config', () => {
  it('has embedded defaults', () => {
    const c = resolveConfig({});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8443, roomCapacity: 8, keyTtlMs: 86_400_000, maxHttpBufferSize: 65_536 });
    // No third-party STUN by default: nothing leaves the network unless the admin configures it.
    expect(c.iceServers).toEqual([]);
  });

  it('reads env vars and lets flags win', () => {
    const c = configFromEnvAndArgs(
      { PORT: '9000', ROOM_CAPACITY: '4', ALLOWED_ORIGINS: 'app://veil, https://x.example', TRUST_PROXY: 'yes',
        ICE_SERVERS: '[{"urls":"turn:t.example:3478"}]', ROOM_PASSWORDS: '{"a":"b"}' },
      ['--port', '9001', '--room-capacity=6', '--allow-missing-origin']);
    expect(c).toMatchObject({ port: 9001, roomCapacity: 6, allowedOrigins: ['app://veil', 'https://x.example'], trustProxy: 1,
      allowMissingOrigin: true, iceServers: [{ urls: 'turn:t.example:3478' }], roomPasswords: { a: 'b' } });
  });

  it.each([
    [{ PORT: '70000' }, 'PORT must be an integer 0–65535'],
    [{ PORT: 'abc' }, 'PORT must be an integer'],
    [{ ROOM_CAPACITY: '1' }, 'ROOM_CAPACITY must be an integer 2–10000'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY must be a number of proxy hops 0–16'],
    [{ TRUST_PROXY: '17' }, 'TRUST_PROXY must be an integer 0–16'],
    [{ PUBLIC_ORIGINS: 'not a url' }, 'PUBLIC_ORIGINS entries must be URLs'],
    [{ PUBLIC_ORIGINS: 'ftp://x.example' }, 'PUBLIC_ORIGINS entries must be http(s) origins'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN must be at least 16 characters'],
    [{ METRICS_PORT: '-1' }, 'METRICS_PORT must be an integer 0–65535'],
    [{ JOIN_TOKEN_MAX_LIFETIME: '10' }, 'JOIN_TOKEN_MAX_LIFETIME must be an integer 60–2592000'],
    [{ JOIN_TOKEN_AUDIENCE: ' ' }, 'JOIN_TOKEN_AUDIENCE must not be empty'],
    [{ AUTH_FAILURES_PER_ADDRESS: '0' }, 'AUTH_FAILURES_PER_ADDRESS must be an integer 1–1000000'],
    [{ AUTH_FAILURE_WINDOW_SEC: 'soon' }, 'AUTH_FAILURE_WINDOW_SEC must be an integer'],
    [{ ICE_SERVERS: '{nope' }, 'ICE_SERVERS must be valid JSON'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL must start with redis://'],
    [{ JOIN_TOKEN_SECRET: 'short' }, 'JOIN_TOKEN_SECRET must be at least 16 characters'],
    [{ TLS_CERT: '/c.pem' }, 'TLS_CERT and TLS_KEY must be given together'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of']
  ])('rejects %j with a clear message', (env, message) => {
    expect(() => configFromEnvAndArgs(env, [])).toThrow(ConfigError);
    expect(() => configFromEnvAndArgs(env, [])).toThrow(message);
  });

  it('reads the authentication hardening settings, with safe defaults', () => {
    expect(resolveConfig({})).toMatchObject({
      trustProxy: 0, publicOrigins: [], authFailuresPerAddress: 10, authFailuresPerRoom: 100, authFailureWindowSec: 900,
      joinTokenAudience: 'veil-signaling', joinTokenIssuer: 'veil', joinTokenMaxLifetimeSec: 86_400, metricsHost: '127.0.0.1'
    });
    expect(resolveConfig({}).metricsPort).toBeUndefined();
    expect(resolveConfig({}).metricsToken).toBeUndefined();
    const c = configFromEnvAndArgs({
      TRUST_PROXY: '2', PUBLIC_ORIGINS: 'https://Veil.Example.org:443/, http://10.0.0.5:8443', METRICS_PORT: '9464',
      METRICS_HOST: '0.0.0.0', METRICS_TOKEN: 'a-metrics-token-of-length', JOIN_TOKEN_AUDIENCE: 'aud', JOIN_TOKEN_ISSUER: 'iss',
      JOIN_TOKEN_MAX_LIFETIME: '3600', AUTH_FAILURES_PER_ADDRESS: '5', AUTH_FAILURES_PER_ROOM: '50', AUTH_FAILURE_WINDOW_SEC: '60'
    }, ['--trust-proxy']);
    expect(c).toMatchObject({
      trustProxy: 1, publicOrigins: ['https://veil.example.org', 'http://10.0.0.5:8443'], metricsPort: 9464, metricsHost: '0.0.0.0',
      metricsToken: 'a-metrics-token-of-length', joinTokenAudience: 'aud', joinTokenIssuer: 'iss', joinTokenMaxLifetimeSec: 3600,
      authFailuresPerAddress: 5, authFailuresPerRoom: 50, authFailureWindowSec: 60
    });
    expect(configFromEnvAndArgs({ TRUST_PROXY: 'false' }, []).trustProxy).toBe(0);
    expect(configFromEnvAndArgs({}, ['--trust-proxy', '3']).trustProxy).toBe(3);
  });

  it('rejects unknown flags and flags without values', () => {
    expect(() => configFromEnvAndArgs({}, ['--prot', '1'])).toThrow('unknown flag "--prot"');
    expect(() => configFromEnvAndArgs({}, ['--port'])).toThrow('--port needs a value');
  });
});
