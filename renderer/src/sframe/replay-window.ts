// Sliding replay window over SFrame counters: accepts each counter once, refuses anything older than the window.

/** How far behind the newest counter a frame may arrive (audio and video of one sender share the counter). */
export const REPLAY_WINDOW = 1024n;

export class ReplayWindow {
  private highest: bigint | null = null;
  /** Counters seen within the window; pruned so it never holds more than 2 × REPLAY_WINDOW entries. */
  private readonly seen = new Set<bigint>();

  /** True when `ctr` is new and not too old. Does not record it: call `accept` once the frame authenticated. */
  wouldAccept(ctr: bigint): boolean {
    if (this.highest === null) return true;
    if (ctr + REPLAY_WINDOW <= this.highest) return false;
    return !this.seen.has(ctr);
  }

  /** Records `ctr` if it is still acceptable; false when another frame took it meanwhile (or it fell out). */
  accept(ctr: bigint): boolean {
    if (!this.wouldAccept(ctr)) return false;
    this.seen.add(ctr);
    if (this.highest === null || ctr > this.highest) this.highest = ctr;
    if (this.seen.size > Number(REPLAY_WINDOW) * 2) this.prune();
    return true;
  }

  private prune(): void {
    const floor = (this.highest ?? 0n) - REPLAY_WINDOW;
    for (const c of this.seen) if (c <= floor) this.seen.delete(c);
  }
}
