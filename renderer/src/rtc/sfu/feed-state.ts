// What one remote feed's tile says, from its own counters and the worker's word on its sender (one sender may have several feeds).
import type { FrameOriginState } from '../../../../protocol/frame-origin';
import type { FeedStats } from './subscriber';
import type { ReceiveStatus } from './worker-status';

/** `connecting`: no media yet; `waiting-key`: frames arrive but we hold no key of that member; `cannot-decrypt`: frames arrive and none opens. */
export type FeedState = 'connecting' | 'waiting-key' | 'decrypting' | 'cannot-decrypt' | 'unproven' | 'forged';

export interface FeedWatch { last: FeedStats | null; stalled: number; state: FeedState }
export const newFeedWatch = (): FeedWatch => ({ last: null, stalled: 0, state: 'connecting' });

/** Polls with bytes arriving and no frame decoded before a video feed counts as undecryptable (the first keyframe takes a moment). */
export const STALLED_POLLS = 3;

/**
 * The worker reports per sender, so a second feed claiming the same member (a lying `display`) would share that
 * member's "decrypting": each video feed must also show decoded frames of its own, or it is `cannot-decrypt`, and
 * stays so until one of its own frames decodes.
 */
export function nextFeedState(watch: FeedWatch, now: FeedStats, worker: ReceiveStatus | undefined, hasVideo: boolean): FeedWatch {
  const last = watch.last;
  const bytes = now.videoBytes + now.audioBytes;
  const flowing = bytes > 0 && (!last || bytes > last.videoBytes + last.audioBytes);
  const decodedGrew = now.framesDecoded > (last?.framesDecoded ?? 0);
  const stalled = flowing && !decodedGrew ? watch.stalled + 1 : decodedGrew ? 0 : watch.stalled;
  const next = (state: FeedState): FeedWatch => ({ last: now, stalled, state });
  if (!hasVideo) return next(!worker || now.audioBytes === 0 ? 'connecting' : worker.state);
  if (decodedGrew) return next('decrypting');
  if (worker?.state === 'waiting-key' && flowing) return next('waiting-key');
  if (watch.state === 'cannot-decrypt' || (worker?.state === 'cannot-decrypt' && flowing)) return next('cannot-decrypt');
  if (stalled >= STALLED_POLLS) return next(worker?.state === 'waiting-key' ? 'waiting-key' : 'cannot-decrypt');
  // Nothing new: keep saying what we said (a paused camera is not a decryption failure).
  if (watch.state === 'decrypting' || watch.state === 'waiting-key') return next(watch.state);
  return next('connecting');
}

/**
 * What the tile says once the worker's word on this feed's frame origin (PROTOCOL.md §22a) is in: a feed whose frames
 * open but that its member's signed digests do not cover is held back by the worker, and says so instead of "decrypting".
 */
export function withOrigin(state: FeedState, origin: FrameOriginState | undefined): FeedState {
  if (origin === 'forged') return 'forged';
  if (origin === 'unproven' && (state === 'decrypting' || state === 'cannot-decrypt')) return 'unproven';
  return state;
}
