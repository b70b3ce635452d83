// Serves the built renderer (dist/renderer) over http on 127.0.0.1 with the app's CSP and security headers.
// Each peer loads the page with `?peer=<id>`, and its CSP lists that peer's allowed servers, as main would serve it.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { securityHeaders, type CspOptions } from '../../../main/shell/csp';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json'
};

export interface StaticServer { origin: string; close(): Promise<void> }

/** The CSP for one request (from the `peer` query parameter), and a hook for each page served (main's markServed). */
export interface CspForRequest { options(url: URL): CspOptions; onDocument(url: URL): void }

export async function serveRenderer(root: string, csp?: CspForRequest): Promise<StaticServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Subresources carry no query: the page's CSP (from its document response) is the one that governs it.
    const headers = securityHeaders(csp?.options(url) ?? {});
    if (csp && path.extname(url.pathname === '/' ? '/index.html' : url.pathname) === '.html') csp.onDocument(url);
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = path.resolve(root, `.${rel}`);
    if (!file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then((body) => {
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
      res.end(body);
    }, () => res.writeHead(404, headers).end('not found'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); })
  };
}
