// When our SFU send key switches: our first key and a join's ratchet of the key in use soon, a fresh key only after the full delay.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nobleBackend, ratchetBaseKey } from '../../../main/crypto';
import { SendKeySchedule, type SendKey } from '../../../main/media/send-keys';

const FULL = 2000;
const QUICK = 200;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function schedule(): { s: SendKeySchedule; switched: Array<{ epoch: number; generation: number; key: string }> } {
  const switched: Array<{ epoch: number; generation: number; key: string }> = [];
  const s = new SendKeySchedule({ backend: nobleBackend, senderIndex: 7, switchDelayMs: FULL, quickSwitchDelayMs: QUICK,
    onSwitch: (k: SendKey) => switched.push({ epoch: k.epoch, generation: k.generation, key: hex(k.baseKey) }) });
  return { s, switched };
}

describe('send key schedule: switch delays', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('our first key is used after the quick delay (no receiver can miss frames under a key that replaces none)', () => {
    const { s, switched } = schedule();
    vi.advanceTimersByTime(QUICK - 1);
    expect(switched).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(switched.map((k) => k.epoch)).toEqual([0]);
    s.dispose();
  });

  it('a join ratchets the key in use and switches after the quick delay: every holder of that key derived the ratchet', () => {
    const { s, switched } = schedule();
    vi.advanceTimersByTime(QUICK);
    const inUse = s.live()[0]!;
    const inUseHex = hex(inUse.baseKey);
    const next = s.ratchetForJoin(0);
    expect(hex(next.baseKey)).toBe(hex(ratchetBaseKey(nobleBackend, Buffer.from(inUseHex, 'hex'))));
    vi.advanceTimersByTime(QUICK - 1);
    expect(switched).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(switched.map((k) => [k.generation, k.epoch])).toEqual([[0, 0], [0, 1]]);
    s.dispose();
  });

  it('joins within the quick delay share one ratchet (no ratchet per join while it is unused)', () => {
    const { s, switched } = schedule();
    vi.advanceTimersByTime(QUICK);
    const first = s.ratchetForJoin(0);
    expect(s.ratchetForJoin(0)).toBe(first);
    vi.advanceTimersByTime(QUICK);
    expect(switched.map((k) => k.epoch)).toEqual([0, 1]);
    s.dispose();
  });

  it('a fresh key after a leave waits the full delay, and a join then keeps that wait (receivers cannot derive it)', () => {
    const { s, switched } = schedule();
    vi.advanceTimersByTime(QUICK);
    const fresh = s.freshForLeave();
    expect(fresh.generation).toBe(1);
    vi.advanceTimersByTime(QUICK);
    expect(s.ratchetForJoin(0)).toBe(fresh);
    vi.advanceTimersByTime(FULL - QUICK - 1);
    expect(switched).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(switched.map((k) => [k.generation, k.epoch])).toEqual([[0, 0], [1, 1]]);
    s.dispose();
  });

  it('a ratchet of a pending key (room chat already used it) is two steps from the key in use: the full delay', () => {
    const { s, switched } = schedule();
    vi.advanceTimersByTime(QUICK);
    const pending = s.ratchetForJoin(0);
    s.markChatUse(pending);
    const further = s.ratchetForJoin(0);
    expect(further.epoch).toBe(2);
    vi.advanceTimersByTime(QUICK);
    expect(switched).toHaveLength(1);
    vi.advanceTimersByTime(FULL - QUICK);
    expect(switched.map((k) => k.epoch)).toEqual([0, 2]);
    s.dispose();
  });
});
