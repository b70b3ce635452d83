// Signaling server configuration: defaults, zod validation, and parsing from env vars and CLI flags.
import { z } from 'zod';
import { iceServerSchema, type IceServer } from '../protocol/signaling';
import { LIMITS, ROOM_ID_PATTERN } from '../protocol/limits';
import { JANUS_URL_PATTERN } from '../protocol/sfu';

const int = (name: string, min: number, max: number) =>
  z.number({ error: `${name} must be an integer ${min}–${max}` }).int(`${name} must be an integer ${min}–${max}`)
    .min(min, `${name} must be an integer ${min}–${max}`).max(max, `${name} must be an integer ${min}–${max}`);

/** The same URL rule clients apply to a path (`protocol/sfu.ts`), so the server never hands out a URL they refuse. */
const janusUrl = (name: string) => z.string().max(512).regex(JANUS_URL_PATTERN, `${name} entries must be ws:// or wss:// URLs`);
/** Printable ASCII without quotes or backslashes: Janus HMACs the C string and admins paste it into jcfg files. */
const janusSecret = (name: string) => z.string().regex(/^[\x21-\x7e]{16,256}$/, `${name} must be 16–256 printable characters`)
  .refine((s) => !/["\\]/.test(s), `${name} must not contain quotes or backslashes`);

export const signalingConfigSchema = z.strictObject({
  host: z.string().min(1, 'HOST must not be empty').default('127.0.0.1'),
  port: int('PORT', 0, 65535).default(8443),
  /** Public URL printed and used in logs; derived from host/port when absent. */
  publicUrl: z.string().url('PUBLIC_URL must be a URL').optional(),
  roomCapacity: int('ROOM_CAPACITY', 2, 10_000).default(8),
  keyTtlMs: int('KEY_TTL_MS', 1000, LIMITS.keyMaxAgeMs).default(LIMITS.keyMaxAgeMs),
  maxHttpBufferSize: int('MAX_HTTP_BUFFER_SIZE', 1024, 1024 * 1024).default(64 * 1024),
  /** Events per second per socket (sustained) with a burst of the same size. */
  socketEventsPerSec: int('RATE_SOCKET_PER_SEC', 1, 1_000_000).default(50),
  /** Events per second per remote address, summed over its sockets and HTTP requests. */
  addressEventsPerSec: int('RATE_ADDRESS_PER_SEC', 1, 10_000_000).default(200),
  /** Rejected events (unknown, invalid, rate-limited) tolerated per socket before it is disconnected. */
  maxStrikes: int('MAX_STRIKES', 1, 1_000_000).default(20),
  /** Trusted reverse-proxy hops in front of the server: the client address is that many X-Forwarded-For entries from the right. */
  trustProxy: z.union([z.boolean().transform((b) => (b ? 1 : 0)), int('TRUST_PROXY', 0, 16)]).default(0),
  /** Origins clients may sign in a join proof (`https://host:port`); empty = derived from the listening address. */
  publicOrigins: z.array(z.string().url('PUBLIC_ORIGINS entries must be URLs').transform((u) => new URL(u).origin)
    .refine((o) => /^https?:\/\//.test(o), 'PUBLIC_ORIGINS entries must be http(s) origins')).max(64).default([]),
  /** Failed passwords, tokens and proofs one address may make per window before its joins are refused. */
  authFailuresPerAddress: int('AUTH_FAILURES_PER_ADDRESS', 1, 1_000_000).default(10),
  /** Failed joins into one room (from any address) per window before joins to that room are refused. */
  authFailuresPerRoom: int('AUTH_FAILURES_PER_ROOM', 1, 1_000_000).default(100),
  authFailureWindowSec: int('AUTH_FAILURE_WINDOW_SEC', 1, 7 * 24 * 3600).default(900),
  /** Browser origins allowed to connect; empty = any origin. */
  allowedOrigins: z.array(z.string().min(1)).default([]),
  /** With an allow-list set: accept requests that carry no Origin header (non-browser clients). */
  allowMissingOrigin: z.boolean().default(false),
  /** HS256 secret: when set, every join needs a token with claims `room`, `aud`, `iss`, `iat` and `exp`. */
  joinTokenSecret: z.string().min(16, 'JOIN_TOKEN_SECRET must be at least 16 characters').optional(),
  joinTokenAudience: z.string().trim().min(1, 'JOIN_TOKEN_AUDIENCE must not be empty').max(256).default('veil-signaling'),
  joinTokenIssuer: z.string().trim().min(1, 'JOIN_TOKEN_ISSUER must not be empty').max(256).default('veil'),
  /** Longest accepted `exp - iat` (and age since `iat`), seconds. */
  joinTokenMaxLifetimeSec: int('JOIN_TOKEN_MAX_LIFETIME', 60, 30 * 24 * 3600).default(24 * 3600),
  /** /metrics on its own listener (METRICS_HOST:METRICS_PORT) instead of the public port. */
  metricsHost: z.string().min(1, 'METRICS_HOST must not be empty').default('127.0.0.1'),
  metricsPort: int('METRICS_PORT', 0, 65535).optional(),
  /** Bearer token for /metrics; without it and without METRICS_PORT the public port serves no metrics. */
  metricsToken: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  /** Per-room passwords: rooms listed here need the password to join. */
  roomPasswords: z.record(z.string(), z.string().min(1)).default({}),
  /** When set, a room without its own entry in roomPasswords needs this password (the embedded server sets it). */
  allRoomsPassword: z.string().min(16, 'ALL_ROOMS_PASSWORD must be at least 16 characters').max(256).optional(),
  iceServers: z.array(iceServerSchema).max(16).default([]),
  /** coturn `static-auth-secret`: TURN entries without credentials get time-limited ones. */
  turnSecret: z.string().min(1).optional(),
  turnTtlSec: int('TURN_TTL_SEC', 60, 7 * 24 * 3600).default(3600),
  redisUrl: z.string().regex(/^rediss?:\/\//, 'REDIS_URL must start with redis:// or rediss://').optional(),
  redisPrefix: z.string().regex(/^[A-Za-z0-9:_-]{1,32}$/, 'REDIS_PREFIX must be 1–32 of [A-Za-z0-9:_-]').default('veil'),
  /** Presence heartbeat period and the TTL of a member record in Redis. */
  heartbeatMs: int('HEARTBEAT_MS', 100, 600_000).default(10_000),
  presenceTtlMs: int('PRESENCE_TTL_MS', 300, 3_600_000).default(30_000),
  tlsCertPath: z.string().min(1).optional(),
  tlsKeyPath: z.string().min(1).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    { error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  /** Delay clients are told to wait before reconnecting after a graceful shutdown. */
  shutdownReconnectMs: int('SHUTDOWN_RECONNECT_MS', 0, 600_000).default(1000),
  /** socket.io connection state recovery window (0 = off); recovered sockets are re-authorised. */
  recoveryMs: int('RECOVERY_MS', 0, 600_000).default(0),
  /** How often the server pings each client, and how long it waits for the pong before dropping it. Longer than
   *  socket.io's 20 s: a page busy encoding a large call can stall that long, and a drop costs it the room. */
  pingIntervalMs: int('PING_INTERVAL_MS', 1000, 300_000).default(25_000),
  pingTimeoutMs: int('PING_TIMEOUT_MS', 1000, 300_000).default(45_000),
  /** Janus WebSocket API URLs the server drives (empty = no SFU: every room is a mesh). */
  janusUrls: z.array(janusUrl('JANUS_URLS')).max(16, 'JANUS_URLS lists at most 16 instances').default([]),
  /** What clients connect to, one per JANUS_URLS entry in the same order (default: JANUS_URLS). */
  janusPublicUrls: z.array(janusUrl('JANUS_PUBLIC_URLS')).max(16).default([]),
  /** Janus `api_secret`: sent by the server only. */
  janusApiSecret: janusSecret('JANUS_API_SECRET').optional(),
  /** VideoRoom `admin_key` (default: JANUS_API_SECRET). */
  janusAdminKey: janusSecret('JANUS_ADMIN_KEY').optional(),
  /** Janus `token_auth_secret`: the HMAC-SHA1 key of the tokens members get. */
  janusTokenSecret: janusSecret('JANUS_TOKEN_SECRET').optional(),
  janusTokenTtlSec: int('JANUS_TOKEN_TTL_SEC', 60, 3600).default(600),
  /** Rooms with more members than this use the SFU (0 = every room). */
  sfuThreshold: int('SFU_THRESHOLD', 0, 10_000).default(5),
  /** A room on the SFU goes back to the mesh at SFU_THRESHOLD minus this many members (never below 2). */
  sfuHysteresis: int('SFU_HYSTERESIS', 0, 10_000).default(2),
  /** A room stays on the SFU at least this long, however small it gets, so joins and leaves at the boundary cannot make it flap. */
  sfuMinDwellMs: int('SFU_MIN_DWELL_MS', 0, 3_600_000).default(60_000),
  /** Rooms that use the SFU whatever their size. */
  sfuRooms: z.array(z.string().regex(ROOM_ID_PATTERN, 'SFU_ROOMS entries must be room ids')).max(1024).default([]),
  janusHealthMs: int('JANUS_HEALTH_MS', 1000, 600_000).default(10_000)
}).refine((c) => (c.tlsCertPath === undefined) === (c.tlsKeyPath === undefined),
  { message: 'TLS_CERT and TLS_KEY must be given together' })
  .refine((c) => c.janusUrls.length === 0 || (c.janusApiSecret !== undefined && c.janusTokenSecret !== undefined),
    { message: 'JANUS_URLS needs JANUS_API_SECRET and JANUS_TOKEN_SECRET' })
  .refine((c) => c.janusPublicUrls.length === 0 || c.janusPublicUrls.length === c.janusUrls.length,
    { message: 'JANUS_PUBLIC_URLS must list one URL per JANUS_URLS entry' })
  .refine((c) => new Set(c.janusUrls).size === c.janusUrls.length, { message: 'JANUS_URLS entries must differ' });

export type SignalingConfigInput = z.input<typeof signalingConfigSchema>;
export type ResolvedSignalingConfig = z.output<typeof signalingConfigSchema>;
export type { IceServer };

export class ConfigError extends Error {}

/** Validates a config object; throws ConfigError with one line per problem. */
export function resolveConfig(input: SignalingConfigInput = {}): ResolvedSignalingConfig {
  const r = signalingConfigSchema.safeParse(input);
  if (r.success) return r.data;
  throw new ConfigError(r.error.issues.map((i) => {
    const path = i.path.join('.');
    return i.message.includes(' must ') || !path ? i.message : `${path}: ${i.message}`;
  }).join('\n'));
}

interface Source { env: string; flag: string; key: keyof SignalingConfigInput; kind: 'str' | 'int' | 'bool' | 'hops' | 'list' | 'json' }
export const CONFIG_SOURCES: readonly Source[] = [
  { env: 'HOST', flag: '--host', key: 'host', kind: 'str' },
  { env: 'PORT', flag: '--port', key: 'port', kind: 'int' },
  { env: 'PUBLIC_URL', flag: '--public-url', key: 'publicUrl', kind: 'str' },
  { env: 'ROOM_CAPACITY', flag: '--room-capacity', key: 'roomCapacity', kind: 'int' },
  { env: 'KEY_TTL_MS', flag: '--key-ttl-ms', key: 'keyTtlMs', kind: 'int' },
  { env: 'MAX_HTTP_BUFFER_SIZE', flag: '--max-http-buffer-size', key: 'maxHttpBufferSize', kind: 'int' },
  { env: 'RATE_SOCKET_PER_SEC', flag: '--rate-socket-per-sec', key: 'socketEventsPerSec', kind: 'int' },
  { env: 'RATE_ADDRESS_PER_SEC', flag: '--rate-address-per-sec', key: 'addressEventsPerSec', kind: 'int' },
  { env: 'MAX_STRIKES', flag: '--max-strikes', key: 'maxStrikes', kind: 'int' },
  { env: 'TRUST_PROXY', flag: '--trust-proxy', key: 'trustProxy', kind: 'hops' },
  { env: 'PUBLIC_ORIGINS', flag: '--public-origins', key: 'publicOrigins', kind: 'list' },
  { env: 'AUTH_FAILURES_PER_ADDRESS', flag: '--auth-failures-per-address', key: 'authFailuresPerAddress', kind: 'int' },
  { env: 'AUTH_FAILURES_PER_ROOM', flag: '--auth-failures-per-room', key: 'authFailuresPerRoom', kind: 'int' },
  { env: 'AUTH_FAILURE_WINDOW_SEC', flag: '--auth-failure-window-sec', key: 'authFailureWindowSec', kind: 'int' },
  { env: 'ALLOWED_ORIGINS', flag: '--allowed-origins', key: 'allowedOrigins', kind: 'list' },
  { env: 'ALLOW_MISSING_ORIGIN', flag: '--allow-missing-origin', key: 'allowMissingOrigin', kind: 'bool' },
  { env: 'JOIN_TOKEN_SECRET', flag: '--join-token-secret', key: 'joinTokenSecret', kind: 'str' },
  { env: 'JOIN_TOKEN_AUDIENCE', flag: '--join-token-audience', key: 'joinTokenAudience', kind: 'str' },
  { env: 'JOIN_TOKEN_ISSUER', flag: '--join-token-issuer', key: 'joinTokenIssuer', kind: 'str' },
  { env: 'JOIN_TOKEN_MAX_LIFETIME', flag: '--join-token-max-lifetime', key: 'joinTokenMaxLifetimeSec', kind: 'int' },
  { env: 'METRICS_HOST', flag: '--metrics-host', key: 'metricsHost', kind: 'str' },
  { env: 'METRICS_PORT', flag: '--metrics-port', key: 'metricsPort', kind: 'int' },
  { env: 'METRICS_TOKEN', flag: '--metrics-token', key: 'metricsToken', kind: 'str' },
  { env: 'ROOM_PASSWORDS', flag: '--room-passwords', key: 'roomPasswords', kind: 'json' },
  { env: 'ALL_ROOMS_PASSWORD', flag: '--all-rooms-password', key: 'allRoomsPassword', kind: 'str' },
  { env: 'ICE_SERVERS', flag: '--ice-servers', key: 'iceServers', kind: 'json' },
  { env: 'TURN_SECRET', flag: '--turn-secret', key: 'turnSecret', kind: 'str' },
  { env: 'TURN_TTL_SEC', flag: '--turn-ttl-sec', key: 'turnTtlSec', kind: 'int' },
  { env: 'REDIS_URL', flag: '--redis-url', key: 'redisUrl', kind: 'str' },
  { env: 'REDIS_PREFIX', flag: '--redis-prefix', key: 'redisPrefix', kind: 'str' },
  { env: 'HEARTBEAT_MS', flag: '--heartbeat-ms', key: 'heartbeatMs', kind: 'int' },
  { env: 'PRESENCE_TTL_MS', flag: '--presence-ttl-ms', key: 'presenceTtlMs', kind: 'int' },
  { env: 'TLS_CERT', flag: '--tls-cert', key: 'tlsCertPath', kind: 'str' },
  { env: 'TLS_KEY', flag: '--tls-key', key: 'tlsKeyPath', kind: 'str' },
  { env: 'LOG_LEVEL', flag: '--log-level', key: 'logLevel', kind: 'str' },
  { env: 'SHUTDOWN_RECONNECT_MS', flag: '--shutdown-reconnect-ms', key: 'shutdownReconnectMs', kind: 'int' },
  { env: 'RECOVERY_MS', flag: '--recovery-ms', key: 'recoveryMs', kind: 'int' },
  { env: 'PING_INTERVAL_MS', flag: '--ping-interval-ms', key: 'pingIntervalMs', kind: 'int' },
  { env: 'PING_TIMEOUT_MS', flag: '--ping-timeout-ms', key: 'pingTimeoutMs', kind: 'int' },
  { env: 'JANUS_URLS', flag: '--janus-urls', key: 'janusUrls', kind: 'list' },
  { env: 'JANUS_PUBLIC_URLS', flag: '--janus-public-urls', key: 'janusPublicUrls', kind: 'list' },
  { env: 'JANUS_API_SECRET', flag: '--janus-api-secret', key: 'janusApiSecret', kind: 'str' },
  { env: 'JANUS_ADMIN_KEY', flag: '--janus-admin-key', key: 'janusAdminKey', kind: 'str' },
  { env: 'JANUS_TOKEN_SECRET', flag: '--janus-token-secret', key: 'janusTokenSecret', kind: 'str' },
  { env: 'JANUS_TOKEN_TTL_SEC', flag: '--janus-token-ttl-sec', key: 'janusTokenTtlSec', kind: 'int' },
  { env: 'SFU_THRESHOLD', flag: '--sfu-threshold', key: 'sfuThreshold', kind: 'int' },
  { env: 'SFU_HYSTERESIS', flag: '--sfu-hysteresis', key: 'sfuHysteresis', kind: 'int' },
  { env: 'SFU_MIN_DWELL_MS', flag: '--sfu-min-dwell-ms', key: 'sfuMinDwellMs', kind: 'int' },
  { env: 'SFU_ROOMS', flag: '--sfu-rooms', key: 'sfuRooms', kind: 'list' },
  { env: 'JANUS_HEALTH_MS', flag: '--janus-health-ms', key: 'janusHealthMs', kind: 'int' }
];

function convert(src: Source, raw: string, origin: string): unknown {
  switch (src.kind) {
    case 'str': return raw;
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`${src.env} must be an integer (got ${JSON.stringify(raw)} from ${origin})`);
      return Number(raw);
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on', ''].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw new ConfigError(`${src.env} must be true or false (got ${JSON.stringify(raw)} from ${origin})`);
    }
    case 'hops': {
      // A hop count; `true`/`false` stay accepted as 1 and 0.
      const v = raw.trim().toLowerCase();
      if (/^\d+$/.test(v)) return Number(v);
      if (['true', 'yes', 'on', ''].includes(v)) return 1;
      if (['false', 'no', 'off'].includes(v)) return 0;
      throw new ConfigError(`${src.env} must be a number of proxy hops 0–16 (got ${JSON.stringify(raw)} from ${origin})`);
    }
    case 'list': return raw.split(',').map((s) => s.trim()).filter(Boolean);
    case 'json':
      try { return JSON.parse(raw) as unknown; } catch {
        throw new ConfigError(`${src.env} must be valid JSON (from ${origin})`);
      }
  }
}

/** Reads env vars, then CLI flags (`--port 9000` or `--port=9000`; flags win), and validates. */
export function configFromEnvAndArgs(env: NodeJS.ProcessEnv, argv: readonly string[]): ResolvedSignalingConfig {
  const input: Record<string, unknown> = {};
  for (const src of CONFIG_SOURCES) {
    const raw = env[src.env];
    if (raw !== undefined && raw !== '') input[src.key] = convert(src, raw, 'environment');
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') throw new ConfigError(usage());
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const src = CONFIG_SOURCES.find((s) => s.flag === name);
    if (!src) throw new ConfigError(`unknown flag ${JSON.stringify(name)}; try --help`);
    let value = inline;
    if (value === undefined) {
      if ((src.kind === 'bool' || src.kind === 'hops') && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--'))) value = 'true';
      else { value = argv[++i]; if (value === undefined) throw new ConfigError(`${src.flag} needs a value`); }
    }
    input[src.key] = convert(src, value, src.flag);
  }
  return resolveConfig(input as SignalingConfigInput);
}

export function usage(): string {
  return ['Usage: veil-signaling [flags]   (every flag also reads an env var)', '',
    ...CONFIG_SOURCES.map((s) => `  ${s.flag.padEnd(26)} ${s.env}`)].join('\n');
}
