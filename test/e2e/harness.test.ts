// The harness itself: the served renderer carries the app CSP, window.veil reaches real main services, other origins are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildCsp } from '../../main/shell/csp';
import { Harness } from './harness/index';
import { REPO_ROOT } from './harness/paths';

const built = existsSync(path.join(REPO_ROOT, 'dist/renderer/index.html')) && existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');

describe.skipIf(!built)(`browser harness${built ? '' : ' (skipped: dist/renderer not built or no Chromium)'}`, () => {
  let h: Harness;
  beforeAll(async () => { h = await Harness.start(); });
  afterAll(async () => { await h?.close(); });

  it('serves the renderer with the same CSP as the Electron shell', async () => {
    // No peer named in the URL: no allowed signaling server, only the harness' stand-ins for Electron's MessagePorts.
    const res = await fetch(`${h.web.origin}/index.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(buildCsp({ connectSources: [new URL(h.filePorts.url).origin,
      new URL(h.keyPorts.url).origin] }));
    expect(res.headers.get('content-security-policy')).not.toMatch(/connect-src[^;]*(\s(ws|wss|http|https):(\s|;|$)|\*)/);
    expect((await fetch(`${h.web.origin}/../package.json`)).status).not.toBe(200);
  });

  it('gives the page a frozen window.veil backed by the real dispatcher and main services', async () => {
    const p = await h.peer('Probe');
    await p.page.getByTestId('lobby').waitFor();
    const info = await p.page.evaluate('window.veil.app.info()');
    expect(info).toEqual({ ok: true, value: { name: 'Veil', version: '0.0.0-e2e', platform: 'linux' } });
    expect(await p.page.evaluate('Object.isFrozen(window.veil) && Object.isFrozen(window.veil.app)')).toBe(true);
    const bad = await p.page.evaluate('window.__veilInvoke("nope:nothing", [])') as { ok: boolean; error: { code: string } };
    expect(bad).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
  });

  it('refuses calls from any other origin', async () => {
    const p = await h.peer('Stranger');
    const other = h.web.origin.replace('127.0.0.1', 'localhost');
    await p.page.goto(`${other}/index.html`);
    const res = await p.page.evaluate('window.veil.app.info()') as { ok: boolean; error: { code: string } };
    expect(res).toMatchObject({ ok: false, error: { code: 'bad-sender' } });
  });
});
