// Security counters shown by stats:get: keys, sessions, messages and rejections by reason.
import type { E2eeStats } from '../../protocol/ipc-e2ee';

export const REJECTION_REASONS = ['signature', 'replay', 'stale', 'revoked', 'expired', 'malformed', 'wrong-recipient',
  'unknown-key', 'decrypt-failed', 'old-epoch', 'no-room-key', 'no-session', 'key-changed'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export type CountedEvent = 'keysGenerated' | 'sessionsOpened' | 'messagesSealed' | 'messagesOpened';

export class Stats {
  private readonly counts: Record<CountedEvent, number> = { keysGenerated: 0, sessionsOpened: 0, messagesSealed: 0, messagesOpened: 0 };
  private readonly rejections = new Map<RejectionReason, number>(REJECTION_REASONS.map((r) => [r, 0]));

  count(event: CountedEvent): void {
    this.counts[event]++;
  }

  reject(reason: RejectionReason): void {
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + 1);
  }

  snapshot(): E2eeStats {
    return {
      ...this.counts,
      rejections: Object.fromEntries(this.rejections)
    };
  }
}
