// Proof of frame origin on receive (PROTOCOL.md §22a): frames we opened, matched against their sender's signed digests, per feed.
import { FRAME_ORIGIN_LIMITS, type FrameOriginState, type FrameOriginStatus } from '../../../protocol/frame-origin';
import { MAX_SENDERS } from './contexts';

const TAG = FRAME_ORIGIN_LIMITS.tagPrefixBytes;
/** Feeds remembered per sender (a forger could open many feeds claiming one sender; the oldest verdict goes). */
export const FEEDS_PER_SENDER = 16;
/**
 * Digests kept per sender for frames that open after their digest arrived (the signaling path can beat the media
 * path for the last frames before a flush): without them such a frame would wait out the deadline and hold the feed back.
 */
export const RECENT_RUNS_PER_SENDER = 8;

interface Opened { feedId: string; kid: number; ctr: number; tag: Uint8Array; at: number }
interface Run { kid: number; firstCtr: number; tags: Uint8Array; at: number }
interface FeedVerdicts { state: FrameOriginState; proven: number; forged: number; unproven: number; dirty: boolean }
type Verdict = 'proven' | 'forged' | 'unproven';

/** Same prefix and not all zero (zero bytes mean "no frame at this counter"); no early exit, so timing says nothing. */
function proves(opened: Uint8Array, signed: Uint8Array): boolean {
  let diff = (opened.length ^ TAG) | (signed.length ^ TAG);
  let nonZero = 0;
  for (let i = 0; i < TAG; i++) {
    const s = signed[i] ?? 0;
    diff |= (opened[i] ?? 0) ^ s;
    nonZero |= s;
  }
  return diff === 0 && nonZero !== 0;
}

function covered(run: Run, kid: number, ctr: number): Uint8Array | null {
  const i = ctr - run.firstCtr;
  return run.kid === kid && i >= 0 && i < run.tags.length / TAG ? run.tags.subarray(i * TAG, (i + 1) * TAG) : null;
}

/** Keeps at most `max` keys in a Map by dropping the first inserted (the oldest). */
function evictOldest<K, V>(map: Map<K, V>, max: number, onEvict: (k: K) => void = (k) => map.delete(k)): void {
  while (map.size >= max) {
    const oldest = map.keys().next();
    if (oldest.done) return;
    onEvict(oldest.value);
    map.delete(oldest.value); // whatever onEvict did, the loop ends
  }
}

export class OriginTracker {
  /** Opened frames waiting for a digest, per sender, in opening order (so the oldest expire first). */
  private readonly records = new Map<string, Opened[]>();
  private readonly recent = new Map<string, Run[]>();
  private readonly feeds = new Map<string, Map<string, FeedVerdicts>>();

  constructor(private readonly now: () => number, private readonly report: (s: FrameOriginStatus) => void = () => undefined) {}

  /** A frame of `senderId` authenticated on `feedId`: judged now if a recent digest covers it, else remembered. */
  opened(senderId: string, feedId: string, kid: number, ctr: number, tagPrefix: Uint8Array): void {
    this.feedOf(senderId, feedId);
    for (const run of this.recent.get(senderId) ?? []) {
      const signed = covered(run, kid, ctr);
      if (signed) return this.verdict(senderId, feedId, proves(tagPrefix, signed) ? 'proven' : 'forged');
    }
    let list = this.records.get(senderId);
    if (!list) this.records.set(senderId, (list = []));
    list.push({ feedId, kid, ctr, tag: tagPrefix.slice(0, TAG), at: this.now() });
    if (list.length > FRAME_ORIGIN_LIMITS.pendingPerSender) this.verdict(senderId, list.shift()!.feedId, 'unproven');
  }

  /** One verified run of `senderId`'s digest: every remembered frame of that KID it covers is proven or forged. */
  digest(senderId: string, kid: number, firstCtr: number, tags: Uint8Array): void {
    const run: Run = { kid, firstCtr, tags: tags.slice(0, tags.length - (tags.length % TAG)), at: this.now() };
    const list = this.records.get(senderId);
    if (list) {
      const keep: Opened[] = [];
      for (const f of list) {
        const signed = covered(run, f.kid, f.ctr);
        if (signed) this.verdict(senderId, f.feedId, proves(f.tag, signed) ? 'proven' : 'forged');
        else keep.push(f);
      }
      this.records.set(senderId, keep);
    }
    let runs = this.recent.get(senderId);
    if (!runs) {
      evictOldest(this.recent, MAX_SENDERS);
      this.recent.set(senderId, (runs = []));
    }
    runs.unshift(run);
    if (runs.length > RECENT_RUNS_PER_SENDER) runs.pop();
  }

  /** Remembered frames no digest covered within the deadline are unproven; digests that old are forgotten. */
  expire(): void {
    const cutoff = this.now() - FRAME_ORIGIN_LIMITS.deadlineMs;
    for (const [senderId, list] of this.records) {
      let n = 0;
      while (n < list.length && list[n]!.at <= cutoff) this.verdict(senderId, list[n++]!.feedId, 'unproven');
      if (n > 0) list.splice(0, n);
    }
    for (const [senderId, runs] of this.recent) {
      while (runs.length > 0 && runs[runs.length - 1]!.at <= cutoff) runs.pop();
      if (runs.length === 0) this.recent.delete(senderId);
    }
  }

  /** Whether this feed's frames may reach the decoder: not while unproven, never once forged. */
  allows(senderId: string, feedId: string): boolean {
    const s = this.stateOf(senderId, feedId);
    return s !== 'unproven' && s !== 'forged';
  }

  stateOf(senderId: string, feedId: string): FrameOriginState {
    return this.feeds.get(senderId)?.get(feedId)?.state ?? 'pending';
  }

  /** The member left: its remembered frames, digests and verdicts go. */
  dropSender(senderId: string): void {
    this.records.delete(senderId);
    this.recent.delete(senderId);
    this.feeds.delete(senderId);
  }

  /** Reports every feed whose counts moved since it was last reported (the worker's status timer). */
  flush(): void {
    for (const [senderId, feeds] of this.feeds) for (const [feedId, v] of feeds) if (v.dirty) this.emit(senderId, feedId, v);
  }

  /** What is held now, for tests of the bounds. */
  footprint(): { senders: number; feeds: number; records: number; runs: number } {
    let feeds = 0, records = 0, runs = 0;
    for (const f of this.feeds.values()) feeds += f.size;
    for (const l of this.records.values()) records += l.length;
    for (const r of this.recent.values()) runs += r.length;
    return { senders: this.feeds.size, feeds, records, runs };
  }

  private feedOf(senderId: string, feedId: string): FeedVerdicts {
    let feeds = this.feeds.get(senderId);
    if (!feeds) {
      evictOldest(this.feeds, MAX_SENDERS, (s) => this.dropSender(s));
      this.feeds.set(senderId, (feeds = new Map()));
    }
    let v = feeds.get(feedId);
    if (!v) {
      // A forged verdict goes last, so opening new feeds is no way to wipe one.
      const f = feeds;
      const spare = [...f].find(([, x]) => x.state !== 'forged')?.[0];
      if (spare !== undefined && f.size >= FEEDS_PER_SENDER) f.delete(spare);
      evictOldest(f, FEEDS_PER_SENDER);
      f.set(feedId, (v = { state: 'pending', proven: 0, forged: 0, unproven: 0, dirty: true }));
    }
    return v;
  }

  private verdict(senderId: string, feedId: string, what: Verdict): void {
    const v = this.feedOf(senderId, feedId);
    v[what] += 1;
    v.dirty = true;
    const before = v.state;
    if (v.state !== 'forged') v.state = what;
    if (v.state !== before) this.emit(senderId, feedId, v);
  }

  private emit(senderId: string, feedId: string, v: FeedVerdicts): void {
    v.dirty = false;
    this.report({ type: 'origin-status', senderId, feedId, state: v.state, proven: v.proven, forged: v.forged, unproven: v.unproven });
  }
}
