// The Content-Security-Policy every app page is served with: only our own code, no eval, no remote frames.
export interface CspOptions {
  /** Extra origins the renderer may open sockets to (the signaling servers the user chose). */
  connectSources?: readonly string[];
  /** Dev server origin while running `npm run dev` (hot reload needs it for scripts and websockets). */
  devServerOrigin?: string;
}

export function buildCsp(options: CspOptions = {}): string {
  const self = "'self'";
  const dev = options.devServerOrigin ? [options.devServerOrigin] : [];
  const devWs = options.devServerOrigin ? [options.devServerOrigin.replace(/^http/, 'ws')] : [];
  // Signaling servers are user-chosen, so sockets to any ws(s)/http(s) host are allowed; nothing else is.
  const connect = [self, 'ws:', 'wss:', 'http:', 'https:', ...(options.connectSources ?? []), ...devWs];
  const directives: Record<string, string[]> = {
    'default-src': ["'none'"],
    'script-src': [self, ...dev],
    'style-src': [self, "'unsafe-inline'"],
    'img-src': [self, 'data:', 'blob:'],
    'media-src': [self, 'blob:', 'mediastream:'],
    'font-src': [self],
    'connect-src': connect,
    'worker-src': [self, 'blob:'],
    'frame-src': ["'none'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"]
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${[...new Set(values)].join(' ')}`)
    .join('; ');
}

/** Headers every response of the app scheme carries. */
export function securityHeaders(options: CspOptions = {}): Record<string, string> {
  return {
    'Content-Security-Policy': buildCsp(options),
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer'
  };
}
