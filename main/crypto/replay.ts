// Sliding-window replay protection over a per-direction 64-bit counter: fixed memory, checks separate from commits.

export const REPLAY_WINDOW_SIZE = 1024;
/** A counter more than this far ahead of the highest one seen is rejected before any crypto. */
export const MAX_COUNTER_JUMP = 1 << 20;

export type ReplayVerdict = 'ok' | 'replay' | 'too-far';

export class ReplayWindow {
  private highest = 0;
  private readonly bits = new Uint32Array(REPLAY_WINDOW_SIZE / 32);

  get highestSeen(): number { return this.highest; }

  /** Cheap pre-check: is the counter absurdly far ahead? (No state is read beyond `highest`.) */
  tooFarAhead(counter: number): boolean {
    return counter - this.highest > MAX_COUNTER_JUMP;
  }

  /** Pure check: never changes state. Counter 0 is never valid. */
  check(counter: number): ReplayVerdict {
    if (!Number.isSafeInteger(counter) || counter < 1) return 'replay';
    if (this.tooFarAhead(counter)) return 'too-far';
    if (counter > this.highest) return 'ok';
    if (this.highest - counter >= REPLAY_WINDOW_SIZE) return 'replay';
    return this.isSet(counter) ? 'replay' : 'ok';
  }

  /** Records a counter that passed `check` and authenticated. */
  commit(counter: number): void {
    if (counter > this.highest) {
      const advance = counter - this.highest;
      if (advance >= REPLAY_WINDOW_SIZE) this.bits.fill(0);
      else for (let c = this.highest + 1; c < counter; c++) this.clear(c);
      this.highest = counter;
    }
    this.set(counter);
  }

  // Bit c mod 1024 of the window, addressed as word (i >>> 5), bit (i & 31); no allocation on the hot path.
  private isSet(c: number): boolean {
    const i = c % REPLAY_WINDOW_SIZE;
    return (this.bits[i >>> 5]! & (1 << (i & 31))) !== 0;
  }
  private set(c: number): void {
    const i = c % REPLAY_WINDOW_SIZE;
    this.bits[i >>> 5]! |= 1 << (i & 31);
  }
  private clear(c: number): void {
    const i = c % REPLAY_WINDOW_SIZE;
    this.bits[i >>> 5]! &= ~(1 << (i & 31));
  }
}
