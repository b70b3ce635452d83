// Signals that arrived before their link may exist (session not open, trust pending): bounded per route and in routes, aged out.
import type { WireLinkBinding } from '../../../protocol/link';
import type { PeerSignal } from '../../../protocol/signaling';

export interface EarlySignal { signal: PeerSignal; binding: WireLinkBinding; at: number }

const MAX_ROUTES = 32;
const MAX_PER_ROUTE = 8;

/** Bounded both ways, so a lying server cannot grow it by inventing peers; signals older than `maxAgeMs` are worthless. */
export class EarlySignals {
  private readonly byRoute = new Map<string, EarlySignal[]>();

  constructor(private readonly maxAgeMs: number) {}

  private fresh(list: EarlySignal[]): EarlySignal[] {
    const now = Date.now();
    return list.filter((e) => now - e.at < this.maxAgeMs);
  }

  hold(route: string, signal: PeerSignal, binding: WireLinkBinding): void {
    if (!this.byRoute.has(route) && this.byRoute.size >= MAX_ROUTES) return;
    const list = this.fresh(this.byRoute.get(route) ?? []);
    if (list.length < MAX_PER_ROUTE) list.push({ signal, binding, at: Date.now() });
    this.byRoute.set(route, list);
  }

  /** Forgets what the other side has given up on by now (its link lives `maxAgeMs`). */
  dropStale(route: string): void {
    const list = this.fresh(this.byRoute.get(route) ?? []);
    if (list.length > 0) this.byRoute.set(route, list);
    else this.byRoute.delete(route);
  }

  /** An offer younger than `maxAgeMs` is held for this route. */
  hasOfferYoungerThan(route: string, maxAgeMs: number): boolean {
    const now = Date.now();
    return this.byRoute.get(route)?.some((e) => e.signal.type === 'offer' && now - e.at < maxAgeMs) ?? false;
  }

  take(route: string): EarlySignal[] {
    const list = this.byRoute.get(route) ?? [];
    this.byRoute.delete(route);
    return list;
  }

  clear(): void {
    this.byRoute.clear();
  }
}
