// Prometheus series of the SFU path, registered on the server's own registry.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { SfuManager, SfuMetrics } from './manager';

export function createSfuMetrics(registry: Registry, manager: () => SfuManager | null): SfuMetrics {
  const registers = [registry];
  new Gauge({ name: 'veil_signaling_sfu_rooms', help: 'Rooms on the SFU path with members on this instance', registers,
    collect() { this.set(manager()?.knownRooms ?? 0); } });
  new Gauge({ name: 'veil_signaling_janus_up', help: 'Janus instances that answered the last health check', registers,
    collect() { this.set(manager()?.health().up ?? 0); } });
  const tokens = new Counter({ name: 'veil_signaling_sfu_tokens_total', help: 'Janus token pairs issued to proven members', registers });
  const created = new Counter({ name: 'veil_signaling_sfu_rooms_created_total', help: 'Janus rooms created', registers });
  const destroyed = new Counter({ name: 'veil_signaling_sfu_rooms_destroyed_total', help: 'Janus rooms destroyed when empty', registers });
  const failures = new Counter({ name: 'veil_signaling_sfu_failures_total', help: 'Failed Janus operations', labelNames: ['op'], registers });
  return {
    roomsCreated: () => created.inc(), roomsDestroyed: () => destroyed.inc(), tokenIssued: () => tokens.inc(),
    failure: (op) => failures.inc({ op })
  };
}
