// The built app in real Electron: secure webPreferences in force, the CSP header, no Node in the page, navigation and new windows refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VeilApi } from '../../protocol/ipc';
import { ELECTRON_BINARY, SKIP_REASON, answerDialogs, dialogLog, launchApp, newProfile, removeProfile, waitUntil, type RunningApp } from './launch';

describe.skipIf(!ELECTRON_BINARY)(`the secure shell in real Electron${ELECTRON_BINARY ? '' : ` (${SKIP_REASON})`}`, () => {
  let running: RunningApp;
  beforeAll(async () => {
    running = await launchApp(await newProfile('shell'));
    // Every question main asks is answered "Cancel".
    await answerDialogs(running, 0);
  });
  afterAll(async () => {
    await running?.app.close();
    if (running) await removeProfile(running.profile);
  });

  it('serves the renderer from the app scheme, not file://', () => {
    expect(running.page.url()).toBe('veil://app/index.html');
  });

  it('runs the window isolated, sandboxed and without Node integration', async () => {
    // The preload's isolated world reports what Electron really applied (process.contextIsolated / process.sandboxed).
    const cdp = await running.page.context().newCDPSession(running.page);
    const worlds: Array<{ id: number; name: string; isDefault: boolean }> = [];
    cdp.on('Runtime.executionContextCreated', ({ context }) => {
      worlds.push({ id: context.id, name: context.name, isDefault: Boolean((context.auxData as { isDefault?: boolean } | undefined)?.isDefault) });
    });
    await cdp.send('Runtime.enable');
    // Playwright adds utility worlds of its own; the other non-default world is Electron's isolated one.
    const isPreloadWorld = (w: { name: string; isDefault: boolean }) => !w.isDefault && !w.name.startsWith('__playwright');
    await waitUntil(() => worlds.some(isPreloadWorld), 10_000, 'the preload world');
    const isolated = worlds.find(isPreloadWorld)!;
    const inPreload = await cdp.send('Runtime.evaluate', { contextId: isolated.id, returnByValue: true,
      expression: 'JSON.stringify({ contextIsolated: process.contextIsolated, sandboxed: process.sandboxed, fs: typeof require === "function" && (() => { try { require("fs"); return "loaded"; } catch { return "refused"; } })() })' });
    expect(JSON.parse(String(inPreload.result.value))).toEqual({ contextIsolated: true, sandboxed: true, fs: 'refused' });
    // And the page's own world has neither require nor process (no Node integration).
    const main = worlds.find((w) => w.isDefault)!;
    const inPage = await cdp.send('Runtime.evaluate', { contextId: main.id, returnByValue: true, expression: 'typeof require + "," + typeof process' });
    expect(inPage.result.value).toBe('undefined,undefined');
    await cdp.detach();
  });

  it('exposes a frozen window.veil and no Node to the page', async () => {
    const page = running.page;
    expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as unknown as { process?: { versions?: { node?: string } } }).process?.versions?.node)).toBe('undefined');
    expect(await page.evaluate(() => Object.isFrozen((window as unknown as { veil: VeilApi }).veil))).toBe(true);
    const info = await page.evaluate(() => (window as unknown as { veil: VeilApi }).veil.app.info());
    expect(info).toMatchObject({ ok: true, value: { name: expect.any(String), platform: process.platform } });
  });

  it('sends the Content-Security-Policy header on the app document', async () => {
    const csp = await running.page.evaluate(async () => (await fetch('veil://app/index.html')).headers.get('content-security-policy'));
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
  });

  it('refuses window.open and navigation away from the app', async () => {
    const page = running.page;
    expect(await page.evaluate(() => window.open('https://example.org/') === null)).toBe(true);
    // The https link was shown to the user in full; on "Cancel" nothing went to the system browser.
    await waitUntil(async () => (await dialogLog(running)).asked.length > 0, 15_000, 'the open-link question');
    expect(await dialogLog(running)).toEqual({ asked: ['https://example.org/'], opened: [] });
    // A listener added after the app's own sees whether the app's will-navigate guard prevented the navigation.
    await running.app.evaluate(({ BrowserWindow }) => {
      const seen: Array<{ url: string; prevented: boolean }> = [];
      (globalThis as unknown as { veilNavigations: typeof seen }).veilNavigations = seen;
      BrowserWindow.getAllWindows()[0]!.webContents.on('will-navigate', (event) => { seen.push({ url: event.url, prevented: event.defaultPrevented }); });
    });
    const navigations = () => running.app.evaluate(() => (globalThis as unknown as { veilNavigations: Array<{ url: string; prevented: boolean }> }).veilNavigations);
    // Plain http: no dialog, no system browser; the window must simply stay where it is.
    await page.evaluate(() => { window.location.href = 'http://127.0.0.1:9/elsewhere'; });
    await waitUntil(async () => (await navigations()).length > 0, 15_000, 'the will-navigate decision');
    expect(await navigations()).toEqual([{ url: 'http://127.0.0.1:9/elsewhere', prevented: true }]);
    expect(page.url()).toBe('veil://app/index.html');
    expect(await page.evaluate(() => typeof (window as unknown as { veil?: unknown }).veil)).toBe('object');
    expect(await running.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });
});
