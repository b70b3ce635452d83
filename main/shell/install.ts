// Applies the shell policies to Electron: per-webContents navigation locks, permissions, CSP headers, app scheme.
import type { DesktopCapturer, Session, WebContents } from 'electron';
import { resolveAppAsset } from './app-protocol';
import { chooseDisplaySource } from './display-media';
import { buildCsp, securityHeaders, type CspOptions } from './csp';
import { decideNavigation, decideWindowOpen } from './navigation';
import { isAppUrl } from './origin';
import { isPermissionCheckAllowed, isPermissionGranted } from './permissions';

/** The one place that hands a URL to the system browser; callers pass only URLs the policy approved. */
export type OpenInBrowser = (approvedHttpsUrl: string) => void;

export function lockDownWebContents(contents: WebContents, openInBrowser: OpenInBrowser): void {
  const guard = (event: { preventDefault(): void }, url: string) => {
    const decision = decideNavigation(url);
    if (!decision.allow) {
      event.preventDefault();
      if (decision.openExternally) openInBrowser(decision.openExternally);
    }
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url);
    if (decision.openExternally) openInBrowser(decision.openExternally);
    return { action: decision.action };
  });
}

export function installSessionPolicies(appSession: Session, csp: CspOptions): void {
  appSession.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes as string[] | undefined) : undefined;
    callback(isPermissionGranted({
      permission, requestingUrl: details.requestingUrl ?? webContents?.getURL(), mediaTypes, isMainFrame: details.isMainFrame
    }));
  });
  appSession.setPermissionCheckHandler((_wc, permission, requestingOrigin) => isPermissionCheckAllowed(permission, requestingOrigin));
  const policy = buildCsp(csp);
  // Also covers the Vite dev server during `npm run dev`, whose responses do not pass through our scheme handler.
  appSession.webRequest.onHeadersReceived((details, callback) => {
    const ours = isAppUrl(details.url) || (csp.devServerOrigin !== undefined && details.url.startsWith(csp.devServerOrigin));
    if (!ours) return callback({});
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
  });
}

/** Serves the built renderer for the veil:// scheme through `protocol.handle`. */
export function appSchemeHandler(rendererDir: string, csp: CspOptions, readFile: (path: string) => Promise<Uint8Array>) {
  const headers = securityHeaders(csp);
  return async (request: { url: string }): Promise<Response> => {
    const asset = resolveAppAsset(request.url, rendererDir);
    if (!asset) return new Response('not found', { status: 404 });
    try {
      const body = await readFile(asset.filePath);
      return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': asset.mimeType } });
    } catch {
      return new Response('not found', { status: 404 });
    }
  };
}

/** getDisplayMedia in the renderer: the primary screen for the app's own frame, nothing for anyone else. */
export function installDisplayMediaHandler(appSession: Session, capturer: Pick<DesktopCapturer, 'getSources'>): void {
  appSession.setDisplayMediaRequestHandler((request, callback) => {
    void capturer.getSources({ types: ['screen'] }).then((sources) => {
      const chosen = chooseDisplaySource({
        securityOrigin: request.securityOrigin, frameUrl: request.frame?.url, videoRequested: request.videoRequested, userGesture: request.userGesture
      }, sources);
      const source = chosen ? sources.find((s) => s.id === chosen.id) : undefined;
      // Electron expects an empty streams object to deny (null is not accepted by all versions).
      callback(source ? { video: source } : {});
    }, () => callback({}));
  }, { useSystemPicker: true });
}
