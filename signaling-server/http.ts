// Plain HTTP routes beside socket.io: /healthz, /metrics and GET /api/rooms/:room/keys/:peer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { roomIdSchema } from '../protocol/keys';
import { peerIdSchema } from '../protocol/signaling';
import type { Ctx } from './context';

const KEY_ROUTE = /^\/api\/rooms\/([^/]*)\/keys\/([^/]*)$/;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

export interface HttpDeps { ctx: Ctx; startedAt: number; roomCount: () => number; allowAddress: (address: string) => Promise<boolean> }

export function createHttpHandler(deps: HttpDeps) {
  const { ctx } = deps;
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method not allowed' });
    if (url.pathname === '/healthz') {
      const store = ctx.store.status();
      return json(res, store === 'down' ? 503 : 200, {
        status: store === 'down' ? 'degraded' : 'ok',
        uptimeSec: Math.round((ctx.now() - deps.startedAt) / 1000),
        rooms: deps.roomCount(),
        connections: ctx.io.engine.clientsCount,
        redis: ctx.distributed ? store : 'disabled'
      });
    }
    if (url.pathname === '/metrics' && ctx.config.metricsEnabled) {
      const text = await ctx.metrics.registry.metrics();
      res.writeHead(200, { 'Content-Type': ctx.metrics.registry.contentType });
      res.end(text);
      return;
    }
    const m = KEY_ROUTE.exec(url.pathname);
    if (m) {
      if (!(await deps.allowAddress(req.socket.remoteAddress ?? 'unknown'))) return json(res, 429, { error: 'rate-limited' });
      let room: string, peer: string;
      try { room = decodeURIComponent(m[1]!); peer = decodeURIComponent(m[2]!); } catch { return json(res, 400, { error: 'malformed id' }); }
      if (!roomIdSchema.safeParse(room).success) return json(res, 400, { error: 'malformed room id' });
      if (!peerIdSchema.safeParse(peer).success) return json(res, 400, { error: 'malformed peer id' });
      const rec = await ctx.store.getKey(room, peer);
      if (!rec?.bundle) return json(res, 404, { error: 'not-found' });
      return json(res, 200, rec.bundle);
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
