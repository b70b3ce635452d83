// Launches the real built app with Playwright's Electron driver; skipped, with the reason, where no Electron binary exists.
import path from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VeilApi } from '../../protocol/ipc';
import { electronBinaryPath } from '../../scripts/electron-binary.mjs';

const root = path.resolve(__dirname, '../..');
const binary = electronBinaryPath(root);
const reason = 'skipped: no Electron binary on this machine (install skipped its download; run `node node_modules/electron/install.js` where the download host is reachable)';

describe.skipIf(!binary)(`the packaged shell in real Electron${binary ? '' : ` (${reason})`}`, () => {
  let app: ElectronApplication;
  let page: Page;
  beforeAll(async () => {
    app = await electron.launch({ executablePath: binary!, args: [root], env: { ...process.env, VEIL_DEV_SERVER: '' } });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });
  afterAll(async () => { await app?.close(); });

  it('serves the renderer from the app scheme, not file://', () => {
    expect(page.url()).toBe('veil://app/index.html');
  });
  it('exposes window.veil and no Node', async () => {
    expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as unknown as { process?: { versions?: { node?: string } } }).process?.versions?.node)).toBe('undefined');
    const info = await page.evaluate(() => (window as unknown as { veil: VeilApi }).veil.app.info());
    expect(info).toMatchObject({ ok: true, value: { name: expect.any(String) } });
  });
  it('denies window.open and navigation away', async () => {
    expect(await page.evaluate(() => window.open('https://example.org/') === null)).toBe(true);
    await page.evaluate(() => { window.location.href = 'file:///etc/passwd'; });
    await page.waitForTimeout(500);
    expect(page.url()).toBe('veil://app/index.html');
  });
  it('sends the Content-Security-Policy header', async () => {
    const csp = await page.evaluate(async () => (await fetch('veil://app/index.html')).headers.get('content-security-policy'));
    expect(csp).toContain("default-src 'none'");
  });
});
