// When a receiver should ask the sender for a keyframe: its first frames were dropped (no key yet), so the decoder has no
// picture to apply the deltas that decrypt now to, and waiting for the decoder's own timeouts costs hundreds of ms.

/** At most one request per this long per receiver: a peer that makes us drop frames cannot make us flood the sender. */
export const KEYFRAME_REQUEST_MIN_MS = 1000;

export class KeyframeRequests {
  private missing = false;
  private lastAt = -Infinity;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A video frame of this receiver was dropped: the decoder's picture is now missing something. */
  dropped(): void { this.missing = true; }

  /** A video frame opened; true when a keyframe should be requested now. */
  opened(isKeyframe: boolean): boolean {
    if (isKeyframe) { this.missing = false; return false; }
    if (!this.missing) return false;
    const t = this.now();
    if (t - this.lastAt < KEYFRAME_REQUEST_MIN_MS) return false;
    this.lastAt = t;
    return true;
  }
}
