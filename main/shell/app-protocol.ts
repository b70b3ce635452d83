// Serves the built renderer from veil://app/...: maps a request URL to a file inside the renderer folder or refuses.
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './origin';

/** Registered before `app.ready`: standard + secure so the origin behaves like https (WebRTC, crypto). */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: false }
} as const;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm'
};

export interface ResolvedAsset { filePath: string; mimeType: string }

/**
 * Resolves `veil://app/<path>` to a file under `rootDir`. Anything else (another host, an escape with
 * `..` or an encoded separator, an unknown file type) yields null, which the handler turns into a 404.
 */
export function resolveAppAsset(requestUrl: string, rootDir: string): ResolvedAsset | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  if (pathname === '/' || pathname === '') pathname = '/index.html';
  const root = path.resolve(rootDir);
  const filePath = path.resolve(root, '.' + path.posix.normalize(pathname));
  if (filePath !== root && !filePath.startsWith(root + path.sep)) return null;
  const mimeType = MIME[path.extname(filePath).toLowerCase()];
  if (!mimeType) return null;
  return { filePath, mimeType };
}
