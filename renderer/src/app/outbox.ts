// Chat lines held per recipient while no proven link to them exists (a pending key decision, a link retrying): bounded, in order, plaintext only.
import { utf8 } from '../lib/veil';

/** One held chat line: its id and text as typed, and when the user sent it. Never sealed while held. */
export interface HeldLine { id: string; text: string; sentAt: number }

/** At most this many lines wait for one recipient. */
export const MAX_HELD_PER_PEER = 50;
/** At most this many UTF-8 bytes of text wait for one recipient. */
export const MAX_HELD_BYTES_PER_PEER = 256 * 1024;
/** At most this many bytes wait for everyone together (a lying server inventing members cannot grow it). */
export const MAX_HELD_BYTES_TOTAL = 1024 * 1024;

export type HoldRefusal = { reason: 'count'; limit: number } | { reason: 'bytes'; limit: number } | { reason: 'total'; limit: number };

interface Queue { lines: HeldLine[]; bytes: number }

/**
 * Plaintext waits here, not an envelope: sealing happens only when the line leaves on a proven link to a key the user
 * accepted (and an envelope sealed minutes earlier would be refused as stale by the receiver's freshness check).
 */
export class Outbox {
  private readonly queues = new Map<string, Queue>();
  private total = 0;

  /** Holds a line for one recipient, or says why it does not fit (nothing is dropped silently). */
  hold(recipient: string, line: HeldLine): HoldRefusal | null {
    const size = utf8.encode(line.text).length;
    const q = this.queues.get(recipient) ?? { lines: [], bytes: 0 };
    if (q.lines.length >= MAX_HELD_PER_PEER) return { reason: 'count', limit: MAX_HELD_PER_PEER };
    if (q.bytes + size > MAX_HELD_BYTES_PER_PEER) return { reason: 'bytes', limit: MAX_HELD_BYTES_PER_PEER };
    if (this.total + size > MAX_HELD_BYTES_TOTAL) return { reason: 'total', limit: MAX_HELD_BYTES_TOTAL };
    q.lines.push(line);
    q.bytes += size;
    this.total += size;
    this.queues.set(recipient, q);
    return null;
  }

  /** The recipient's lines in the order they were sent, removed from the box. */
  takeAll(recipient: string): HeldLine[] {
    const q = this.queues.get(recipient);
    if (!q) return [];
    this.queues.delete(recipient);
    this.total -= q.bytes;
    return q.lines;
  }

  /** Puts lines that could not go out back at the front, in their order (they fitted before, so they fit again). */
  restore(recipient: string, lines: HeldLine[]): void {
    if (lines.length === 0) return;
    const q = this.queues.get(recipient) ?? { lines: [], bytes: 0 };
    const size = lines.reduce((n, l) => n + utf8.encode(l.text).length, 0);
    q.lines = [...lines, ...q.lines];
    q.bytes += size;
    this.total += size;
    this.queues.set(recipient, q);
  }

  count(recipient: string): number {
    return this.queues.get(recipient)?.lines.length ?? 0;
  }

  recipients(): string[] {
    return [...this.queues.keys()];
  }

  clear(): void {
    this.queues.clear();
    this.total = 0;
  }
}

/** The refusal in plain words, for the sender's delivery line. */
export function holdRefusalWords(r: HoldRefusal): string {
  if (r.reason === 'count') return `not sent: ${r.limit} messages are already waiting for this person`;
  const kib = Math.round(r.limit / 1024).toLocaleString('en-US');
  return r.reason === 'bytes' ? `not sent: ${kib} KiB of messages are already waiting for this person`
    : `not sent: ${kib} KiB of messages are already waiting in this call`;
}
