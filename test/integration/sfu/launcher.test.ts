// The local Janus launcher: a private config (token_auth, only VideoRoom + WebSockets, loopback), and a clear error without Janus.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JanusClient } from '../../../signaling-server/sfu/janus-client';
import { JanusNotInstalledError, launchLocalJanus } from '../../../signaling-server/sfu/launcher';
import { hasJanus, JanusWire, startJanus } from '../../support/janus';

describe('local Janus launcher', () => {
  it('says clearly that Janus is not installed', async () => {
    await expect(launchLocalJanus({ bin: '/nonexistent/janus' })).rejects.toThrow(JanusNotInstalledError);
    await expect(launchLocalJanus({ bin: '/nonexistent/janus' })).rejects.toThrow(/Janus is not installed \(no \/nonexistent\/janus\): install it/);
  });

  it.skipIf(!hasJanus)('starts Janus with token_auth, only VideoRoom and WebSockets on loopback; requests without credentials are refused', async () => {
    const janus = await startJanus();
    try {
      expect(janus.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
      const core = readFileSync(path.join(janus.dir, 'janus.jcfg'), 'utf8');
      expect(core).toContain(`token_auth_secret = "${janus.tokenSecret}"`);
      expect(core).toMatch(/disable = "[^"]*libjanus_echotest\.so/);
      const client = new JanusClient({ url: janus.url, apiSecret: janus.apiSecret });
      const info = await client.info();
      client.close();
      expect(info).toMatchObject({ tokenAuth: true, plugins: ['janus.plugin.videoroom'] });
      const wire = new JanusWire(janus.url);
      try {
        expect(await wire.send({ janus: 'create' })).toMatchObject({ janus: 'error', error: { code: 403 } });
        expect(await wire.send({ janus: 'create', apisecret: 'wrong-secret-wrong-secret' })).toMatchObject({ janus: 'error', error: { code: 403 } });
      } finally {
        wire.close();
      }
    } finally {
      await janus.stop();
    }
  });
});
