// The Content-Security-Policy every app page is served with: only our own code, no eval, no remote frames.
export interface CspOptions {
  /** Extra origins the renderer may open sockets to (the signaling servers the user chose). */
  connectSources?: readonly string[];
  /** Dev server origin while running `npm run dev` (hot reload needs it for scripts and websockets). */
  devServerOrigin?: string;
}

/** One CSP source that names exactly one host: scheme, host and optional port, no wildcard, no path, no quotes. */
const PLAIN_ORIGIN = /^(https?|wss?):\/\/[a-z0-9.-]+(:[0-9]{1,5})?$|^(https?|wss?):\/\/\[[0-9a-f:.]+\](:[0-9]{1,5})?$/;

/** Throws on any source that is not a plain origin, so a tampered list can never widen the policy. */
function checkedSources(sources: readonly string[]): string[] {
  for (const s of sources) if (!PLAIN_ORIGIN.test(s)) throw new Error(`CSP source is not a plain origin: ${JSON.stringify(s).slice(0, 80)}`);
  return [...sources];
}

export function buildCsp(options: CspOptions = {}): string {
  const self = "'self'";
  const dev = options.devServerOrigin ? checkedSources([options.devServerOrigin]) : [];
  const devWs = dev.map((o) => o.replace(/^http/, 'ws'));
  // Sockets go only to the signaling servers the user allowed in main (see server-allowlist.ts), never anywhere else.
  const connect = [self, ...checkedSources(options.connectSources ?? []), ...devWs];
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
