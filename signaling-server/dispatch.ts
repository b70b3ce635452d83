// The gate every client event passes: known name, ack shape, rate limits, schema, per-socket order, then its handler.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { z } from 'zod';
import { CLIENT_EVENT_SCHEMAS, type Ack, type ClientEventName } from '../protocol/signaling';
import { fail, type Ctx, type Handler, type HandlerMap, type VeilSocket } from './context';

/** Events one socket may have waiting behind a slow one before it is told to slow down. */
const MAX_PENDING = 64;

type AnyHandler = (ctx: Ctx, socket: VeilSocket, req: unknown, reply: (res: Ack<unknown>) => void) => Promise<void>;

function isKnown(name: unknown): name is ClientEventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(CLIENT_EVENT_SCHEMAS, name);
}

function describe(error: z.ZodError): { tooLarge: boolean; message: string } {
  const first = error.issues[0];
  const tooLarge = error.issues.some((i) => i.code === 'too_big');
  const message = first ? `${first.path.join('.') || 'payload'}: ${first.message}` : 'invalid payload';
  return { tooLarge, message: message.slice(0, 200) };
}

export function createDispatcher(ctx: Ctx, handlers: HandlerMap) {
  const perSocket = new RateLimiterMemory({ points: ctx.config.socketEventsPerSec, duration: 1, keyPrefix: 's' });
  const perAddress = new RateLimiterMemory({ points: ctx.config.addressEventsPerSec, duration: 1, keyPrefix: 'a' });
  const pending = new WeakMap<VeilSocket, { chain: Promise<void>; count: number }>();

  function strike(socket: VeilSocket, reason: string): void {
    socket.data.strikes++;
    if (socket.data.strikes > ctx.config.maxStrikes && socket.connected) {
      ctx.metrics.rejections.inc({ reason: 'disconnected' });
      ctx.log.warn({ peerId: socket.data.peerId, reason, strikes: socket.data.strikes }, 'disconnecting misbehaving client');
      socket.disconnect(true);
    }
  }

  /** Takes one point from the socket's and the address's buckets; false when either is empty. */
  async function allowed(key: string, address: string): Promise<boolean> {
    try {
      await Promise.all([perSocket.consume(key), perAddress.consume(address)]);
      return true;
    } catch {
      return false;
    }
  }

  async function handle(socket: VeilSocket, event: ClientEventName, payload: unknown, reply: (res: Ack<unknown>) => void) {
    const started = process.hrtime.bigint();
    if (!(await allowed(socket.data.peerId, socket.data.address))) {
      reply(fail(ctx, 'rate-limited', 'too many events; slow down'));
      return strike(socket, 'rate-limited');
    }
    const parsed = CLIENT_EVENT_SCHEMAS[event].safeParse(payload);
    if (!parsed.success) {
      const d = describe(parsed.error);
      reply(fail(ctx, d.tooLarge ? 'payload-too-large' : 'bad-request', d.message));
      ctx.log.info({ event, peerId: socket.data.peerId, reason: d.tooLarge ? 'payload-too-large' : 'bad-request' }, 'rejected payload');
      return strike(socket, 'bad-request');
    }
    ctx.metrics.events.inc({ event });
    try {
      await (handlers[event] as Handler<typeof event> as unknown as AnyHandler)(ctx, socket, parsed.data, reply);
    } catch (err) {
      ctx.log.error({ event, peerId: socket.data.peerId, err: (err as Error).message }, 'handler failed');
      reply(fail(ctx, 'internal', 'temporarily unavailable; retry'));
    }
    ctx.metrics.latency.observe({ event }, Number(process.hrtime.bigint() - started) / 1e9);
  }

  /** socket.use middleware: consumes every incoming packet; nothing reaches socket.on listeners. */
  return function gate(socket: VeilSocket) {
    return (packet: unknown[]): void => {
      const [event, ...args] = packet;
      const last = args[args.length - 1];
      const ack = typeof last === 'function' ? (last as (res: unknown) => void) : null;
      if (ack) args.pop();
      let replied = false;
      const reply = (res: Ack<unknown>) => {
        if (replied || !ack) return;
        replied = true;
        try { ack(res); } catch { /* a closed socket cannot be answered */ }
      };
      if (!isKnown(event) || !handlers[event]) {
        reply(fail(ctx, 'bad-request', 'unknown event'));
        ctx.log.info({ event: typeof event === 'string' ? event.slice(0, 64) : typeof event, peerId: socket.data.peerId }, 'unknown event');
        return strike(socket, 'unknown-event');
      }
      if (args.length !== 1) {
        reply(fail(ctx, 'bad-request', 'expected exactly one payload argument'));
        return strike(socket, 'bad-request');
      }
      let q = pending.get(socket);
      if (!q) pending.set(socket, (q = { chain: Promise.resolve(), count: 0 }));
      if (q.count >= MAX_PENDING) {
        reply(fail(ctx, 'rate-limited', 'too many events in flight'));
        return strike(socket, 'rate-limited');
      }
      const state = q;
      const run = async () => {
        try { await handle(socket, event, args[0], reply); } catch { /* handle() answers its own errors */ }
        state.count--;
      };
      // Events of one socket are handled in arrival order; an idle socket skips the queue.
      state.chain = state.count++ === 0 ? run() : state.chain.then(run);
    };
  };
}
