// What one remote feed's tile says, from its own counters and the worker's word on its sender (one sender may have several feeds).
import type { FeedStats } from './subscriber';
import type { ReceiveStatus } from './worker-status';

/** `connecting`: no media yet; `waiting-key`: frames arrive but we hold no key of that member; `cannot-decrypt`: frames arrive and none opens. */
export type FeedState = 'connecting' | 'waiting-key' | 'decrypting' | 'cannot-decrypt';

export interface FeedWatch { last: FeedStats | null; stalled: number }

/** Polls with bytes arriving and no frame decoded before a video feed counts as undecryptable (the first keyframe takes a moment). */
export const STALLED_POLLS = 3;

/**
 * The worker reports per sender, so a second feed claiming the same member (a lying `display`) would share that
 * member's "decrypting": each video feed must also show decoded frames of its own, or it is `cannot-decrypt`.
 */
export function nextFeedState(watch: FeedWatch, now: FeedStats, worker: ReceiveStatus | undefined, hasVideo: boolean): { state: FeedState; watch: FeedWatch } {
  const last = watch.last;
  const bytesGrew = !last || now.videoBytes + now.audioBytes > last.videoBytes + last.audioBytes;
  const decodedGrew = now.framesDecoded > (last?.framesDecoded ?? 0);
  const flowing = now.videoBytes + now.audioBytes > 0 && bytesGrew;
  const stalled = flowing && !decodedGrew ? watch.stalled + 1 : 0;
  const next = { last: now, stalled };
  if (!hasVideo) {
    if (!worker || now.audioBytes === 0) return { state: 'connecting', watch: next };
    return { state: worker.state, watch: next };
  }
  if (decodedGrew) return { state: 'decrypting', watch: next };
  if (worker?.state === 'waiting-key' && flowing) return { state: 'waiting-key', watch: next };
  if (worker?.state === 'cannot-decrypt' && flowing) return { state: 'cannot-decrypt', watch: next };
  if (stalled >= STALLED_POLLS) return { state: worker?.state === 'waiting-key' ? 'waiting-key' : 'cannot-decrypt', watch: next };
  // Nothing new: keep saying what we said (a paused camera is not a decryption failure).
  if (!flowing && now.framesDecoded > 0) return { state: 'decrypting', watch: next };
  return { state: now.videoBytes + now.audioBytes > 0 && worker ? (worker.state === 'decrypting' ? 'connecting' : worker.state) : 'connecting', watch: next };
}
