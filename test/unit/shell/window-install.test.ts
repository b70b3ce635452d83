// Unit tests for the main window settings and for the handlers installed on webContents and the session.
import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildCsp } from '../../../main/shell/csp';
import { installSessionPolicies, lockDownWebContents } from '../../../main/shell/install';
import { createMainWindow } from '../../../main/shell/web-preferences';

describe('createMainWindow', () => {
  class CapturingWindow { constructor(readonly options: BrowserWindowConstructorOptions) {} }
  const prefs = createMainWindow(CapturingWindow, '/app/preload.cjs').options.webPreferences!;
  it('isolates and sandboxes the renderer with no Node', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });
  it('keeps web security on and dangerous features off', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
    expect(prefs.disableBlinkFeatures).toContain('Auxclick');
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
  });
  it('loads only our preload', () => {
    expect(prefs.preload).toBe('/app/preload.cjs');
  });
});

/** A minimal stand-in for Electron's WebContents: an EventEmitter plus the window-open hook. */
class FakeContents extends EventEmitter {
  openHandler: ((d: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) { this.openHandler = h; }
  navigate(event: string, url: string) {
    let prevented = false;
    this.emit(event, { preventDefault: () => { prevented = true; } }, url);
    return prevented;
  }
}

describe('lockDownWebContents', () => {
  const setup = () => {
    const contents = new FakeContents();
    const opened: string[] = [];
    lockDownWebContents(contents as unknown as WebContents, (url) => opened.push(url));
    return { contents, opened };
  };
  it('blocks navigation away from the app and opens https in the system browser', () => {
    const { contents, opened } = setup();
    expect(contents.navigate('will-navigate', 'https://example.org/')).toBe(true);
    expect(contents.navigate('will-redirect', 'http://example.org/')).toBe(true);
    expect(contents.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(opened).toEqual(['https://example.org/']);
  });
  it('lets the app reload itself', () => {
    const { contents } = setup();
    expect(contents.navigate('will-navigate', 'veil://app/index.html')).toBe(false);
  });
  it('denies window.open', () => {
    const { contents, opened } = setup();
    expect(contents.openHandler!({ url: 'veil://app/index.html' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'https://example.org/x' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.org/x']);
  });
  it('refuses to attach webviews', () => {
    const { contents } = setup();
    expect(contents.navigate('will-attach-webview', 'veil://app/')).toBe(true);
  });
});

describe('installSessionPolicies', () => {
  type Req = (wc: unknown, permission: string, cb: (granted: boolean) => void, details: Record<string, unknown>) => void;
  type Check = (wc: unknown, permission: string, origin: string) => boolean;
  type Headers = (d: { url: string; responseHeaders?: Record<string, string[]> }, cb: (r: object) => void) => void;
  const captured: { request?: Req; check?: Check; headers?: Headers } = {};
  const fakeSession = {
    setPermissionRequestHandler: (h: Req) => { captured.request = h; },
    setPermissionCheckHandler: (h: Check) => { captured.check = h; },
    webRequest: { onHeadersReceived: (h: Headers) => { captured.headers = h; } }
  };
  installSessionPolicies(fakeSession as unknown as Session, {});
  const ask = (permission: string, details: Record<string, unknown>) => {
    let granted: boolean | undefined;
    captured.request!({ getURL: () => 'veil://app/index.html' }, permission, (g) => { granted = g; }, details);
    return granted;
  };
  it('grants camera and microphone to the app and denies another origin', () => {
    expect(ask('media', { requestingUrl: 'veil://app/index.html', mediaTypes: ['audio', 'video'], isMainFrame: true })).toBe(true);
    expect(ask('media', { requestingUrl: 'https://evil.example/', mediaTypes: ['video'], isMainFrame: true })).toBe(false);
  });
  it('denies a permission the app does not use', () => {
    expect(ask('geolocation', { requestingUrl: 'veil://app/index.html', isMainFrame: true })).toBe(false);
    expect(captured.check!(null, 'notifications', 'veil://app')).toBe(false);
  });
  it('adds the CSP to app responses only', () => {
    let result: { responseHeaders?: Record<string, string[]> } = {};
    captured.headers!({ url: 'veil://app/index.html', responseHeaders: {} }, (r) => { result = r; });
    expect(result.responseHeaders?.['Content-Security-Policy']).toEqual([buildCsp()]);
    captured.headers!({ url: 'https://example.org/', responseHeaders: {} }, (r) => { result = r; });
    expect(result).toEqual({});
  });
});
