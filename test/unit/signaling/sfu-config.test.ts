// SFU configuration from env: validated with errors that name the variable; secrets and URLs checked before anything starts.
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnvAndArgs } from '../../../signaling-server/config';

const secrets = { JANUS_API_SECRET: 'a'.repeat(20), JANUS_TOKEN_SECRET: 'b'.repeat(32) };
const load = (env: Record<string, string>) => configFromEnvAndArgs(env, []);

describe('SFU configuration', () => {
  it('defaults to no SFU, threshold 5, hysteresis 2, a one-minute dwell and 10-minute tokens', () => {
    expect(load({})).toMatchObject({ janusUrls: [], sfuThreshold: 5, sfuHysteresis: 2, sfuMinDwellMs: 60_000, janusTokenTtlSec: 600, sfuRooms: [] });
  });

  it('reads every variable', () => {
    const c = load({ ...secrets, JANUS_URLS: 'ws://janus-1:8188, ws://janus-2:8188', JANUS_PUBLIC_URLS: 'wss://sfu1.example.org,wss://sfu2.example.org',
      SFU_THRESHOLD: '0', SFU_HYSTERESIS: '3', SFU_MIN_DWELL_MS: '0', SFU_ROOMS: 'board,all-hands', JANUS_TOKEN_TTL_SEC: '300', JANUS_ADMIN_KEY: 'c'.repeat(16) });
    expect(c).toMatchObject({ janusUrls: ['ws://janus-1:8188', 'ws://janus-2:8188'], janusPublicUrls: ['wss://sfu1.example.org', 'wss://sfu2.example.org'],
      sfuThreshold: 0, sfuHysteresis: 3, sfuMinDwellMs: 0, sfuRooms: ['board', 'all-hands'], janusTokenTtlSec: 300, janusAdminKey: 'c'.repeat(16) });
  });

  const bad: Array<[Record<string, string>, string]> = [
    [{ JANUS_URLS: 'ws://janus:8188' }, 'JANUS_URLS needs JANUS_API_SECRET and JANUS_TOKEN_SECRET'],
    [{ ...secrets, JANUS_URLS: 'http://janus:8088' }, 'JANUS_URLS entries must be ws:// or wss:// URLs'],
    [{ ...secrets, JANUS_URLS: 'ws://a:1', JANUS_PUBLIC_URLS: 'wss://user:pw@sfu.example.org' }, 'JANUS_PUBLIC_URLS entries must be ws:// or wss:// URLs'],
    [{ ...secrets, JANUS_URLS: 'ws://a:1,ws://b:1', JANUS_PUBLIC_URLS: 'wss://a' }, 'JANUS_PUBLIC_URLS must list one URL per JANUS_URLS entry'],
    [{ ...secrets, JANUS_URLS: 'ws://a:1,ws://a:1' }, 'JANUS_URLS entries must differ'],
    [{ ...secrets, JANUS_URLS: 'ws://a:1', JANUS_TOKEN_SECRET: 'short' }, 'JANUS_TOKEN_SECRET must be 16–256 printable characters'],
    [{ ...secrets, JANUS_URLS: 'ws://a:1', JANUS_API_SECRET: `${'x'.repeat(16)}"` }, 'JANUS_API_SECRET must not contain quotes or backslashes'],
    [{ SFU_THRESHOLD: '-1' }, 'SFU_THRESHOLD must be an integer 0–10000'],
    [{ SFU_THRESHOLD: 'many' }, 'SFU_THRESHOLD must be an integer'],
    [{ SFU_HYSTERESIS: '-2' }, 'SFU_HYSTERESIS must be an integer 0–10000'],
    [{ SFU_MIN_DWELL_MS: '7200000' }, 'SFU_MIN_DWELL_MS must be an integer 0–3600000'],
    [{ JANUS_TOKEN_TTL_SEC: '86400' }, 'JANUS_TOKEN_TTL_SEC must be an integer 60–3600'],
    [{ SFU_ROOMS: 'ok,not a room' }, 'SFU_ROOMS entries must be room ids']
  ];
  it.each(bad)('refuses %o', (env, message) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(message);
  });
});
