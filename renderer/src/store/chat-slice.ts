// Chat slice: the message log with per-recipient delivery status and per-peer failures.
import type { StateCreator } from 'zustand';

/** `waiting`: held in the outbox until a proven link to that recipient exists (app/outbox.ts). */
export type DeliveryState = 'waiting' | 'sending' | 'sent' | 'delivered' | 'failed';
export interface Delivery { state: DeliveryState; reason?: string }

export interface ChatMessage {
  id: string;
  /** 'me', a peer identity key, or 'system'. */
  from: string;
  fromName: string;
  text: string;
  at: number;
  /** Outgoing messages only: one entry per recipient identity key. */
  delivery?: Record<string, Delivery>;
  /** System lines: a rejected message and its reason (`warning`), or someone joining or leaving (`notice`). */
  kind?: 'message' | 'warning' | 'notice';
  /** A line that was held on its author's side: `at` is when they sent it, this is when it reached us. */
  arrivedAt?: number;
  /** The raw cause of a warning (error code and message), shown under "Advanced". */
  detail?: string;
}

export interface ChatSlice {
  messages: ChatMessage[];
  /** Messages from others that arrived while the chat was not on screen (tab hidden, other panel, window in the background). */
  unread: number;
  chatSeen: boolean;
  setChatSeen(seen: boolean): void;
  addMessage(m: ChatMessage): void;
  setDelivery(id: string, identityKey: string, d: Delivery): void;
  clearChat(): void;
}

const MAX_MESSAGES = 500;
const rank: Record<DeliveryState, number> = { waiting: 0, sending: 0, sent: 1, delivered: 2, failed: 3 };

export const createChatSlice: StateCreator<ChatSlice, [], [], ChatSlice> = (set) => ({
  messages: [],
  unread: 0,
  chatSeen: false,
  setChatSeen: (seen) => set(seen ? { chatSeen: true, unread: 0 } : { chatSeen: false }),
  addMessage: (m) => set((s) => {
    if (s.messages.some((x) => x.id === m.id)) return s;
    const fromOther = m.from !== 'me' && m.from !== 'system' && (m.kind ?? 'message') === 'message';
    return { messages: [...s.messages, m].slice(-MAX_MESSAGES), unread: fromOther && !s.chatSeen ? s.unread + 1 : s.unread };
  }),
  setDelivery: (id, identityKey, d) => set((s) => ({
    messages: s.messages.map((m) => {
      if (m.id !== id) return m;
      const prev = m.delivery?.[identityKey];
      // Status only moves forward (a late "sent" never hides "delivered"), except failed which always wins.
      if (prev && d.state !== 'failed' && rank[d.state] < rank[prev.state]) return m;
      return { ...m, delivery: { ...m.delivery, [identityKey]: d } };
    })
  })),
  clearChat: () => set({ messages: [], unread: 0 })
});

/** Overall status of an outgoing message, for the compact indicator. */
export function summarize(delivery: Record<string, Delivery> | undefined): DeliveryState | 'none' {
  const all = Object.values(delivery ?? {});
  if (all.length === 0) return 'none';
  if (all.some((d) => d.state === 'failed')) return 'failed';
  if (all.every((d) => d.state === 'delivered')) return 'delivered';
  if (all.some((d) => d.state === 'waiting')) return 'waiting';
  if (all.every((d) => d.state !== 'sending')) return 'sent';
  return 'sending';
}
