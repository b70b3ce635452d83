// A Janus with token auth off would let anyone use it: the server never places a room there and reports it down.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JanusClient } from '../../../signaling-server/sfu/janus-client';
import { DEFAULT_JANUS_BIN, findJanusLibDir, freeLoopbackPort, janusConfigFiles } from '../../../signaling-server/sfu/launcher';
import { hasJanus } from '../../support/janus';
import { errorCode, expectOk } from '../../support/signaling-client';
import { Harness } from '../../support/signaling-harness';

const h = new Harness();
const apiSecret = 'misconfigured-api-secret-0123';
let url = '';
let dir = '';
let child: ReturnType<typeof spawn> | null = null;

beforeAll(async () => {
  if (!hasJanus) return;
  const port = await freeLoopbackPort();
  dir = mkdtempSync(path.join(os.tmpdir(), 'veil-janus-open-'));
  const files = janusConfigFiles({ dir, libDir: findJanusLibDir()!, port, apiSecret, tokenSecret: 'unused-token-secret-0123', rtpPortRange: '20000-40000' });
  // The operator's mistake under test: token auth switched off.
  files['janus.jcfg'] = files['janus.jcfg'].replace(/^\s*token_auth(_secret)? = .*$/gm, '');
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  child = spawn(process.env.JANUS_BIN ?? DEFAULT_JANUS_BIN, ['-F', dir, '-L', path.join(dir, 'log'), '-N', '-o'], { stdio: 'ignore' });
  url = `ws://127.0.0.1:${port}`;
  const probe = new JanusClient({ url, apiSecret, requestTimeoutMs: 1000 });
  let up = false;
  const deadline = Date.now() + 20_000;
  while (!up && Date.now() < deadline) {
    up = await probe.info().then((info) => !info.tokenAuth, () => false);
    if (!up) await new Promise((r) => setTimeout(r, 100));
  }
  probe.close();
  if (!up) throw new Error('the open Janus did not start');
});
afterEach(() => h.closeAll());
afterAll(async () => {
  if (child && child.exitCode === null) {
    const gone = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await gone;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasJanus)('Janus without token auth', () => {
  it('gets no rooms: joins stay a mesh, sfu:token says sfu-unavailable, /healthz says down', async () => {
    const s = await h.server({ janusUrls: [url], janusApiSecret: apiSecret, janusTokenSecret: 'x'.repeat(32), sfuThreshold: 0 });
    const c = await h.client(s.url);
    expect(expectOk(await c.join('r', 'a')).path).toEqual({ path: 'mesh' });
    expect(errorCode(await c.call('sfu:token', {}))).toBe('sfu-unavailable');
    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ janus: 'down' });
    expect(h.logs).toContain('token_auth is off');
    expect(h.logs).not.toContain('SFU room created');
  });
});
