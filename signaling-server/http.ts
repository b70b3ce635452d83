// Plain HTTP routes beside socket.io: /healthz, /veil/info (public facts for clients), and /metrics (public port only with a bearer token; or its own listener).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_SERVER_SFU_URLS, SERVER_INFO_PATH, type ServerInfo } from '../protocol/sfu';
import type { Ctx } from './context';

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Where /metrics is answered: `token` = with that bearer token, `open` = to anyone (its own listener), `off` = 404. */
export type MetricsAccess = { mode: 'token'; token: string } | { mode: 'open' } | { mode: 'off' };

export interface HttpDeps { ctx: Ctx; startedAt: number; roomCount: () => number; metrics: MetricsAccess; health: boolean }

function bearerMatches(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(header.slice('Bearer '.length)), digest(token));
}

export function createHttpHandler(deps: HttpDeps) {
  const { ctx } = deps;
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method not allowed' });
    if (url.pathname === '/healthz' && deps.health) {
      const store = ctx.store.status();
      const sfu = ctx.sfu?.health();
      // Janus: `ready` all answer, `partial` some, `down` none (new SFU rooms impossible: degraded).
      const janus = !sfu ? 'disabled' : sfu.up === sfu.total ? 'ready' : sfu.up > 0 ? 'partial' : 'down';
      const degraded = store === 'down' || janus === 'down';
      return json(res, degraded ? 503 : 200, {
        status: degraded ? 'degraded' : 'ok',
        uptimeSec: Math.round((ctx.now() - deps.startedAt) / 1000),
        rooms: deps.roomCount(),
        connections: ctx.io.engine.clientsCount,
        redis: ctx.distributed ? store : 'disabled',
        janus, ...(sfu ? { janusUp: sfu.up, janusTotal: sfu.total } : {})
      });
    }
    if (url.pathname === SERVER_INFO_PATH) {
      // Public and the same for everyone, read by the app's page (another origin) before it joins.
      res.setHeader('Access-Control-Allow-Origin', '*');
      const info: ServerInfo = { sfuUrls: (ctx.sfu?.publicUrls ?? []).slice(0, MAX_SERVER_SFU_URLS) };
      return json(res, 200, info);
    }
    if (url.pathname === '/metrics' && deps.metrics.mode !== 'off') {
      if (deps.metrics.mode === 'token' && !bearerMatches(req, deps.metrics.token)) {
        res.writeHead(401, { 'WWW-Authenticate': 'Bearer', 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: 'unauthorized' }));
        return;
      }
      const text = await ctx.metrics.registry.metrics();
      res.writeHead(200, { 'Content-Type': ctx.metrics.registry.contentType });
      res.end(text);
      return;
    }
    json(res, 404, { error: 'not found' });
  }
  return (req: IncomingMessage, res: ServerResponse): void => {
    // socket.io answers its own path before this handler runs.
    route(req, res).catch((err: unknown) => {
      ctx.log.error({ path: req.url?.slice(0, 100), err: (err as Error).message }, 'http handler failed');
      if (!res.headersSent) json(res, 503, { error: 'unavailable' });
      else res.end();
    });
  };
}
