// The frames this worker sealed, as runs of tag prefixes for main to sign (proof of frame origin, PROTOCOL.md §22a).
import { FRAME_ORIGIN_LIMITS, type SentFramesMessage } from '../../../protocol/frame-origin';

const TAG = FRAME_ORIGIN_LIMITS.tagPrefixBytes;
const GCM_TAG_BYTES = 16;
const MAX_RUN = FRAME_ORIGIN_LIMITS.maxFramesPerDigest;
/** A gap in our counters longer than this starts a new run instead of being filled with zero prefixes. */
export const MAX_FILLED_GAP = 64;
/** Sealed frames kept while nobody takes them: four full runs. */
export const MAX_SENT_PENDING = 4 * MAX_RUN;

/** The first 8 bytes of the 16-byte GCM tag that ends every sealed frame (with or without its clear prefix). */
export function tagPrefixOf(frame: Uint8Array): Uint8Array {
  return frame.slice(frame.length - GCM_TAG_BYTES, frame.length - GCM_TAG_BYTES + TAG);
}

interface Sealed { kid: number; ctr: number; tag: Uint8Array }
interface Run { kid: number; firstCtr: number; tags: Uint8Array[] }

function message(run: Run): SentFramesMessage {
  const tags = new Uint8Array(run.tags.length * TAG);
  run.tags.forEach((t, i) => tags.set(t, i * TAG));
  return { type: 'sent-frames', kid: run.kid, firstCtr: run.firstCtr, tags };
}

/** Records sealed frames and hands them out as runs of consecutive counters, per KID. */
export class SentFrames {
  private pending: Sealed[] = [];

  sealed(kid: number, ctr: number, tag: Uint8Array): void {
    this.pending.push({ kid, ctr, tag });
    if (this.pending.length <= MAX_SENT_PENDING) return;
    // The counter never restarts (not even on a new key), so the lowest counters are the oldest frames. Dropping by
    // arrival order instead could leave a hole inside a run that would then claim "no frame here" for a real one.
    this.pending.sort((a, b) => a.ctr - b.ctr);
    this.pending.splice(0, this.pending.length - MAX_SENT_PENDING);
  }

  get size(): number { return this.pending.length; }

  /**
   * Everything since the last call, as runs sorted by KID then counter (seals finish out of order). A counter inside a
   * run that sealed nothing is eight zero bytes, which never proves a frame, so frames at or above `settledBelow` (a
   * seal below them is still running) wait for the next call: the gap it leaves would otherwise brand it a forgery.
   */
  take(settledBelow = Number.MAX_SAFE_INTEGER): SentFramesMessage[] {
    const ready = this.pending.filter((f) => f.ctr < settledBelow);
    this.pending = this.pending.filter((f) => f.ctr >= settledBelow);
    ready.sort((a, b) => a.kid - b.kid || a.ctr - b.ctr);
    const runs: SentFramesMessage[] = [];
    let run: Run | null = null;
    for (const f of ready) {
      const next: number = run ? run.firstCtr + run.tags.length : 0;
      if (run && run.kid === f.kid && f.ctr < next) continue; // a duplicate counter cannot happen; never report two tags
      const gap = f.ctr - next;
      if (!run || run.kid !== f.kid || gap > MAX_FILLED_GAP || run.tags.length + gap + 1 > MAX_RUN) {
        if (run) runs.push(message(run));
        run = { kid: f.kid, firstCtr: f.ctr, tags: [f.tag] };
        continue;
      }
      for (let i = 0; i < gap; i++) run.tags.push(new Uint8Array(TAG));
      run.tags.push(f.tag);
    }
    if (run) runs.push(message(run));
    return runs;
  }
}
