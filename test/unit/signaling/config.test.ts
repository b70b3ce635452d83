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
    expect(c).toMatchObject({ port: 9001, roomCapacity: 6, allowedOrigins: ['app://veil', 'https://x.example'], trustProxy: true,
      allowMissingOrigin: true, iceServers: [{ urls: 'turn:t.example:3478' }], roomPasswords: { a: 'b' } });
  });

  it.each([
    [{ PORT: '70000' }, 'PORT must be an integer 0–65535'],
    [{ PORT: 'abc' }, 'PORT must be an integer'],
    [{ ROOM_CAPACITY: '1' }, 'ROOM_CAPACITY must be an integer 2–10000'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY must be true or false'],
    [{ ICE_SERVERS: '{nope' }, 'ICE_SERVERS must be valid JSON'],
    [{ REDIS_URL: 'http://x' }, 'REDIS_URL must start with redis://'],
    [{ JOIN_TOKEN_SECRET: 'short' }, 'JOIN_TOKEN_SECRET must be at least 16 characters'],
    [{ TLS_CERT: '/c.pem' }, 'TLS_CERT and TLS_KEY must be given together'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of']
  ])('rejects %j with a clear message', (env, message) => {
    expect(() => configFromEnvAndArgs(env, [])).toThrow(ConfigError);
    expect(() => configFromEnvAndArgs(env, [])).toThrow(message);
  });

  it('rejects unknown flags and flags without values', () => {
    expect(() => configFromEnvAndArgs({}, ['--prot', '1'])).toThrow('unknown flag "--prot"');
    expect(() => configFromEnvAndArgs({}, ['--port'])).toThrow('--port needs a value');
  });
});
