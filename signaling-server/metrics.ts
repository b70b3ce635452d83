// Prometheus metrics on a per-server Registry, so several servers in one process never collide.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  connections: Gauge;
  rooms: Gauge;
  relays: Counter<'scope'>;
  events: Counter<'event'>;
  rejections: Counter<'reason'>;
  latency: Histogram<'event'>;
  authFailures: Counter<'reason'>;
  authBackoff: Counter<'scope'>;
  replaced: Counter;
  /** Media-key relays by outcome (`relayed`, `relayed-remote`, or the refusal code). */
  mediaKeys: Counter<'outcome'>;
  groupChat: Counter<'outcome'>;
  /** Signed frame-origin digests (§22a) relayed to the room or refused, by outcome (`relayed`, or the refusal code). */
  frameOrigin: Counter<'outcome'>;
}

export function createMetrics(roomCount: () => number, withDefaults = false): Metrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'veil_signaling_' });
  return {
    registry,
    connections: new Gauge({ name: 'veil_signaling_connections', help: 'Open socket.io connections', registers: [registry] }),
    rooms: new Gauge({
      name: 'veil_signaling_rooms', help: 'Rooms with members on this instance', registers: [registry],
      collect() { this.set(roomCount()); }
    }),
    relays: new Counter({ name: 'veil_signaling_relays_total', help: 'Signals relayed', labelNames: ['scope'], registers: [registry] }),
    events: new Counter({ name: 'veil_signaling_events_total', help: 'Client events accepted', labelNames: ['event'], registers: [registry] }),
    rejections: new Counter({
      name: 'veil_signaling_rejections_total', help: 'Rejected events, connections and joins', labelNames: ['reason'], registers: [registry]
    }),
    latency: new Histogram({
      name: 'veil_signaling_event_duration_seconds', help: 'Time to handle one client event', labelNames: ['event'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5], registers: [registry]
    }),
    authFailures: new Counter({
      name: 'veil_signaling_auth_failures_total', help: 'Failed joins counted as strikes (password, token, proof)',
      labelNames: ['reason'], registers: [registry]
    }),
    authBackoff: new Counter({
      name: 'veil_signaling_auth_backoff_total', help: 'Joins refused because an address or room is out of attempts',
      labelNames: ['scope'], registers: [registry]
    }),
    replaced: new Counter({
      name: 'veil_signaling_memberships_replaced_total', help: 'Memberships ended by a newer proven join of the same identity',
      registers: [registry]
    }),
    mediaKeys: new Counter({
      name: 'veil_signaling_media_keys_total', help: 'Sealed media keys relayed or refused, by outcome', labelNames: ['outcome'],
      registers: [registry]
    }),
    groupChat: new Counter({
      name: 'veil_signaling_group_chat_total', help: 'Sealed room chat messages relayed or refused, by outcome', labelNames: ['outcome'],
      registers: [registry]
    }),
    frameOrigin: new Counter({
      name: 'veil_signaling_frame_origin_total', help: 'Signed frame-origin digests relayed or refused, by outcome', labelNames: ['outcome'],
      registers: [registry]
    })
  };
}
