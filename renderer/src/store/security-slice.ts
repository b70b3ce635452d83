// Security counters: refused links by reason and dropped server events by kind (the first of each kind is also alerted).
import type { StateCreator } from 'zustand';

/** Distinct reasons/kinds remembered; further new ones fold into "other" so a lying server cannot grow the map. */
const MAX_KINDS = 64;

export interface SecuritySlice {
  security: { refusals: Record<string, number>; invalidEvents: Record<string, number> };
  /** Counts one refusal; returns true when it is the first of its reason. */
  countRefusal(reason: string): boolean;
  /** Counts one dropped server event; returns true when it is the first of its kind. */
  countInvalidEvent(kind: string): boolean;
}

function bump(map: Record<string, number>, key: string): { map: Record<string, number>; first: boolean } {
  const k = key in map || Object.keys(map).length < MAX_KINDS ? key : 'other';
  return { map: { ...map, [k]: (map[k] ?? 0) + 1 }, first: !(k in map) };
}

export const createSecuritySlice: StateCreator<SecuritySlice, [], [], SecuritySlice> = (set, get) => ({
  security: { refusals: {}, invalidEvents: {} },
  countRefusal: (reason) => {
    const { map, first } = bump(get().security.refusals, reason.slice(0, 120));
    set((s) => ({ security: { ...s.security, refusals: map } }));
    return first;
  },
  countInvalidEvent: (kind) => {
    const { map, first } = bump(get().security.invalidEvents, kind.slice(0, 64));
    set((s) => ({ security: { ...s.security, invalidEvents: map } }));
    return first;
  }
});
