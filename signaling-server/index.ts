// createSignalingServer(config): the socket.io relay, presence and key directory, with no side effects on import.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-adapter';
import pino, { type DestinationStream, type Logger } from 'pino';
import { Server } from 'socket.io';
import { clientAddress, defaultOrigins } from './addresses';
import { Access } from './auth';
import { createAuthStrikes } from './auth-strikes';
import { resolveConfig, type ResolvedSignalingConfig, type SignalingConfigInput } from './config';
import type { Ctx, VeilServer } from './context';
import { createDispatcher } from './dispatch';
import { keyHandlers } from './handlers/keys';
import { frameOriginHandlers } from './handlers/frame-origin';
import { groupChatHandlers } from './handlers/group-chat';
import { mediaKeyHandlers } from './handlers/media-keys';
import { relayHandlers } from './handlers/relay';
import { leaveRoom, roomHandlers } from './handlers/rooms';
import { createHttpHandler, type MetricsAccess } from './http';
import { createMetrics } from './metrics';
import { sfuAfterLeave, sfuHandlers } from './handlers/sfu';
import { SfuManager } from './sfu/manager';
import { createSfuMetrics } from './sfu/metrics';
import { MemorySfuRoomStore, RedisSfuRoomStore } from './sfu/room-store';
import { MemoryStore } from './stores/memory';
import { RedisStore, createRedisClient, type RedisClient } from './stores/redis';
import type { SignalingStore } from './stores/types';

export type { SignalingConfigInput as SignalingConfig, ResolvedSignalingConfig } from './config';
export { ConfigError, configFromEnvAndArgs, resolveConfig } from './config';

/** Things a host process may inject: a clock (tests), a log destination or a ready-made pino logger. */
export interface SignalingServerOptions {
  now?: () => number;
  logStream?: DestinationStream;
  logger?: Logger;
  /** Add Node's process metrics (CPU, heap...) to /metrics; the CLI turns this on. */
  processMetrics?: boolean;
}

export interface SignalingServer {
  url: string;
  port: number;
  config: ResolvedSignalingConfig;
  httpServer: http.Server | https.Server;
  /** The /metrics listener when METRICS_PORT is set. */
  metricsUrl: string | null;
  /** Origins a join proof may name. */
  origins: readonly string[];
  io: VeilServer;
  log: Logger;
  /** Graceful stop: tells clients `server:shutdown`, leaves their rooms, stops accepting, closes. */
  close(): Promise<void>;
}

const REDIS_STARTUP_TIMEOUT_MS = 10_000;

async function connectRedis(url: string, log: Logger): Promise<{ store: RedisClient; pub: RedisClient; sub: RedisClient }> {
  let lastLogged = 0;
  const onError = (err: Error) => {
    // node-redis reconnects on its own; log at most once a second.
    if (Date.now() - lastLogged > 1000) { lastLogged = Date.now(); log.warn({ err: err.message }, 'redis error'); }
  };
  const store = createRedisClient(url, onError);
  const pub = createRedisClient(url, onError);
  const sub = pub.duplicate();
  sub.on('error', onError);
  // The adapter publishes without awaiting; while Redis is away those rejections must not become unhandled.
  const publish = pub.publish.bind(pub);
  Object.defineProperty(pub, 'publish', {
    configurable: true, writable: true,
    value: (...args: Parameters<typeof publish>) => {
      const p = publish(...args);
      p.catch(() => undefined);
      return p;
    }
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cannot reach Redis at REDIS_URL within ${REDIS_STARTUP_TIMEOUT_MS} ms`)),
      REDIS_STARTUP_TIMEOUT_MS);
  });
  try {
    await Promise.race([Promise.all([store.connect(), pub.connect(), sub.connect()]), timeout]);
  } catch (err) {
    for (const c of [store, pub, sub]) c.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return { store, pub, sub };
}

export async function createSignalingServer(input: SignalingConfigInput = {}, opts: SignalingServerOptions = {}): Promise<SignalingServer> {
  const config = resolveConfig(input);
  const now = opts.now ?? Date.now;
  const log = opts.logger ?? pino({ level: config.logLevel, base: { service: 'veil-signaling' } },
    opts.logStream ?? pino.destination({ sync: false }));
  const access = new Access(config, now);
  const tls = config.tlsCertPath && config.tlsKeyPath
    ? { cert: readFileSync(config.tlsCertPath), key: readFileSync(config.tlsKeyPath) } : null;

  let redis: { store: RedisClient; pub: RedisClient; sub: RedisClient } | null = null;
  let store: SignalingStore;
  if (config.redisUrl) {
    redis = await connectRedis(config.redisUrl, log);
    store = new RedisStore(redis.store, { prefix: config.redisPrefix, presenceTtlMs: config.presenceTtlMs, now });
  } else {
    store = new MemoryStore(now);
  }

  const httpServer = tls ? https.createServer(tls) : http.createServer();
  const io: VeilServer = new Server(httpServer, {
    maxHttpBufferSize: config.maxHttpBufferSize,
    pingInterval: config.pingIntervalMs,
    pingTimeout: config.pingTimeoutMs,
    serveClient: false,
    allowRequest: (req, cb) => {
      const ok = access.originAllowed(req);
      if (!ok) {
        metrics.rejections.inc({ reason: 'origin' });
        log.warn({ origin: String(req.headers.origin ?? '(none)').slice(0, 200) }, 'origin refused');
      }
      cb(ok ? null : 'origin not allowed', ok);
    },
    ...(config.recoveryMs > 0 ? { connectionStateRecovery: { maxDisconnectionDuration: config.recoveryMs, skipMiddlewares: false } } : {}),
    ...(redis ? { adapter: createAdapter(redis.pub, redis.sub, { key: `${config.redisPrefix}-io` }) } : {})
  });

  const localRooms = () => {
    let n = 0;
    for (const name of io.sockets.adapter.rooms.keys()) if (name.startsWith('room:')) n++;
    return n;
  };
  const metrics = createMetrics(localRooms, opts.processMetrics ?? false);
  const origins = new Set<string>();
  const strikes = createAuthStrikes(config, redis?.store ?? null);
  let sfu: SfuManager | null = null;
  const sfuMetrics = createSfuMetrics(metrics.registry, () => sfu);
  if (config.janusUrls.length > 0) {
    sfu = new SfuManager({
      ...config, janusApiSecret: config.janusApiSecret!, janusTokenSecret: config.janusTokenSecret!, publishers: config.roomCapacity
    }, redis ? new RedisSfuRoomStore(redis.store, config.redisPrefix) : new MemorySfuRoomStore(), log, sfuMetrics, now);
    // A first check so /healthz is right from the start; an unreachable Janus is reported, never fatal.
    await sfu.checkHealth();
  }
  const ctx: Ctx = { io, config, store, access, strikes, origins, metrics, log, now, distributed: redis !== null, sfu };
  // A way back to the mesh the dwell held is looked at again with the room's size at that moment.
  sfu?.onDwellEnd((roomId) => {
    sfuAfterLeave(ctx, roomId).catch((err: Error) => log.warn({ event: 'sfu:recheck-failed', roomId, err: err.message }, 'path check after the dwell failed'));
  });
  const gate = createDispatcher(ctx, { ...roomHandlers, ...relayHandlers, ...keyHandlers, ...sfuHandlers, ...mediaKeyHandlers, ...groupChatHandlers,
    ...frameOriginHandlers });
  const startedAt = now();
  // Metrics never go to the public port unprotected: a token there, or a listener of their own.
  const publicMetrics: MetricsAccess = config.metricsPort === undefined && config.metricsToken
    ? { mode: 'token', token: config.metricsToken } : { mode: 'off' };
  httpServer.on('request', createHttpHandler({ ctx, startedAt, roomCount: localRooms, metrics: publicMetrics, health: true }));
  const metricsServer = config.metricsPort === undefined ? null : http.createServer(createHttpHandler({
    ctx, startedAt, roomCount: localRooms, health: false,
    metrics: config.metricsToken ? { mode: 'token', token: config.metricsToken } : { mode: 'open' }
  }));

  io.use((socket, next) => {
    // Recovered sockets keep their peer id, but never their room: they must join (and authenticate) again.
    socket.data.peerId ??= randomBytes(12).toString('base64url');
    socket.data.address = clientAddress(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], config.trustProxy);
    socket.data.strikes = 0;
    next();
  });

  io.on('connection', (socket) => {
    if (socket.recovered) {
      for (const r of socket.rooms) if (r !== socket.id) void socket.leave(r);
      socket.data.roomId = undefined;
      socket.data.member = undefined;
      socket.data.identityKey = undefined;
      socket.data.challenge = undefined;
      socket.data.key = undefined;
    }
    metrics.connections.inc();
    log.debug({ peerId: socket.data.peerId, address: socket.data.address }, 'connected');
    socket.use(gate(socket) as unknown as Parameters<typeof socket.use>[0]);
    socket.on('error', () => undefined);
    socket.on('disconnect', (reason) => {
      metrics.connections.dec();
      void leaveRoom(ctx, socket, `disconnect: ${reason}`);
    });
  });

  // Presence heartbeat: keeps this instance's members alive in Redis and restores them after a Redis restart.
  const heartbeat = redis ? setInterval(() => {
    const entries = [];
    for (const s of io.sockets.sockets.values()) {
      const { roomId, member, key } = s.data;
      if (roomId !== undefined && member) entries.push(key ? { roomId, member, key } : { roomId, member });
    }
    store.refreshMembers(entries).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'heartbeat failed'));
  }, config.heartbeatMs) : null;
  heartbeat?.unref();

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => { httpServer.off('error', reject); resolve(); });
  });
  let metricsUrl: string | null = null;
  if (metricsServer) {
    await new Promise<void>((resolve, reject) => {
      metricsServer.once('error', reject);
      metricsServer.listen(config.metricsPort, config.metricsHost, () => { metricsServer.off('error', reject); resolve(); });
    }).catch(async (err: unknown) => {
      // The public listener is already up: undo everything before reporting the bad METRICS_HOST/PORT.
      if (heartbeat) clearInterval(heartbeat);
      sfu?.close();
      await new Promise<void>((resolve) => { void io.close(() => resolve()); });
      await store.close();
      if (redis) for (const c of [redis.pub, redis.sub]) if (c.isOpen) await c.close().catch(() => c.destroy());
      throw err;
    });
    const mp = (metricsServer.address() as AddressInfo).port;
    metricsUrl = `http://${config.metricsHost.includes(':') ? `[${config.metricsHost}]` : config.metricsHost}:${mp}`;
  }
  const port = (httpServer.address() as AddressInfo).port;
  for (const o of defaultOrigins({ host: config.host, port, tls: tls !== null, publicUrl: config.publicUrl, configured: config.publicOrigins })) origins.add(o);
  const shownHost = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '[::1]' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = config.publicUrl ?? `${tls ? 'https' : 'http'}://${shownHost}:${port}`;
  log.info({ url, metricsUrl, origins: [...origins], redis: redis !== null, tls: tls !== null, roomCapacity: config.roomCapacity,
    sfu: sfu ? { instances: config.janusUrls.length, threshold: config.sfuThreshold } : null }, 'listening');

  let closing: Promise<void> | null = null;
  const close = () => (closing ??= (async () => {
    if (heartbeat) clearInterval(heartbeat);
    io.local.emit('server:shutdown', { reconnectAfterMs: config.shutdownReconnectMs });
    httpServer.close();
    metricsServer?.close();
    metricsServer?.closeAllConnections?.();
    const sockets = [...io.sockets.sockets.values()];
    await Promise.allSettled(sockets.map((s) => leaveRoom(ctx, s, 'shutdown')));
    httpServer.closeAllConnections?.();
    await new Promise<void>((resolve) => { void io.close(() => resolve()); });
    sfu?.close();
    await store.close();
    if (redis) for (const c of [redis.pub, redis.sub]) if (c.isOpen) await c.close().catch(() => c.destroy());
    log.info('closed');
    log.flush?.();
  })());

  return { url, port, config, httpServer, metricsUrl, origins: [...origins], io, log, close };
}
