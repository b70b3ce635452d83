// Applies the shell policies to Electron: per-webContents navigation locks, permissions, CSP headers, app scheme.
import type { DesktopCapturer, Session, WebContents } from 'electron';
import { resolveAppAsset } from './app-protocol';
import { chooseDisplaySource, type DisplayChoiceSlot } from './display-media';
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

/** The CSP options as of now: main's allowed signaling servers change while the app runs. */
export type CspSource = CspOptions | (() => CspOptions);
const current = (csp: CspSource): CspOptions => (typeof csp === 'function' ? csp() : csp);

export function installSessionPolicies(appSession: Session, csp: CspSource, onDocument: () => void = () => {}): void {
  appSession.setPermissionRequestHandler((webContents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes as string[] | undefined) : undefined;
    callback(isPermissionGranted({
      permission, requestingUrl: details.requestingUrl ?? webContents?.getURL(), mediaTypes, isMainFrame: details.isMainFrame
    }));
  });
  appSession.setPermissionCheckHandler((_wc, permission, requestingOrigin) => isPermissionCheckAllowed(permission, requestingOrigin));
  // Also covers the Vite dev server during `npm run dev`, whose responses do not pass through our scheme handler.
  appSession.webRequest.onHeadersReceived((details, callback) => {
    const options = current(csp);
    const ours = isAppUrl(details.url) || (options.devServerOrigin !== undefined && details.url.startsWith(options.devServerOrigin));
    if (!ours) return callback({});
    if (details.resourceType === 'mainFrame') onDocument();
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [buildCsp(options)] } });
  });
}

/**
 * Serves the built renderer for the veil:// scheme through `protocol.handle`. Headers are built per response, so
 * the CSP carries the allowed servers as of that load; `onDocument` learns when a page got them (for reload hints).
 */
export function appSchemeHandler(rendererDir: string, csp: CspSource, readFile: (path: string) => Promise<Uint8Array>,
  onDocument: () => void = () => {}) {
  return async (request: { url: string }): Promise<Response> => {
    const asset = resolveAppAsset(request.url, rendererDir);
    if (!asset) return new Response('not found', { status: 404 });
    try {
      const body = await readFile(asset.filePath);
      const headers = securityHeaders(current(csp));
      if (asset.mimeType.startsWith('text/html')) onDocument();
      return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': asset.mimeType } });
    } catch {
      return new Response('not found', { status: 404 });
    }
  };
}

/** getDisplayMedia in the renderer: the source the user picked in the app's picker, for the app's own frame only. */
export function installDisplayMediaHandler(appSession: Session, capturer: Pick<DesktopCapturer, 'getSources'>,
  choice: DisplayChoiceSlot, now: () => number = Date.now): void {
  appSession.setDisplayMediaRequestHandler((request, callback) => {
    // Taken before the await: the pick is one-shot whatever the outcome.
    const picked = choice.take();
    void capturer.getSources({ types: ['screen', 'window'], thumbnailSize: { width: 0, height: 0 } }).then((sources) => {
      const chosen = chooseDisplaySource({
        securityOrigin: request.securityOrigin, frameUrl: request.frame?.url, videoRequested: request.videoRequested, userGesture: request.userGesture
      }, sources, picked, now());
      const source = chosen ? sources.find((s) => s.id === chosen.id) : undefined;
      // Electron expects an empty streams object to deny (null is not accepted by all versions).
      callback(source ? { video: source } : {});
    }, () => callback({}));
  }, { useSystemPicker: false });
}
