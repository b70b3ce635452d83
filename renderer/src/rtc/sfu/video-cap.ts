// Which remote feeds get video on the SFU path: at most a set number, going to those who spoke last; every feed's audio always flows.

/** Videos an SFU call receives at once unless the user chooses otherwise (each costs a decoder; audio is never capped). */
export const DEFAULT_MAX_VIDEO_FEEDS = 4;
/** A feed with video keeps it until it has been silent this long and a feed without video speaks. */
export const SPEAKER_HOLD_MS = 3000;

export interface VideoCandidate {
  feedId: number;
  /** Receiving its video now. */
  video: boolean;
  /** When its audio last carried speech (ms), or null if never. */
  lastSpoke: number | null;
  /** Subscription order: earlier feeds win ties. */
  order: number;
}

const spokeAt = (c: VideoCandidate) => c.lastSpoke ?? -Infinity;
/** Quietest first: never spoken, then longest silent, then the later subscription. */
const quietestFirst = (a: VideoCandidate, b: VideoCandidate) => spokeAt(a) - spokeAt(b) || b.order - a.order;
/** Most recent speaker first, then the earlier subscription. */
const loudestFirst = (a: VideoCandidate, b: VideoCandidate) => spokeAt(b) - spokeAt(a) || a.order - b.order;

/**
 * The feeds whose video we ask for. Stable by design: a feed keeps its video while it is within the cap, and gives
 * it up only to a feed that is speaking now when it has itself been silent for `SPEAKER_HOLD_MS` (so a room where
 * everyone talks does not shuffle videos every second).
 */
export function chooseVideoFeeds(candidates: readonly VideoCandidate[], max: number, now: number): Set<number> {
  const cap = Number.isNaN(max) || max < 0 ? DEFAULT_MAX_VIDEO_FEEDS : Math.floor(Math.min(max, candidates.length));
  const kept = candidates.filter((c) => c.video).sort(quietestFirst);
  while (kept.length > cap) kept.shift();
  const waiting = candidates.filter((c) => !c.video).sort(loudestFirst);
  while (kept.length < cap && waiting.length > 0) kept.push(waiting.shift()!);
  for (const speaker of waiting) {
    if (speaker.lastSpoke === null || now - speaker.lastSpoke >= SPEAKER_HOLD_MS) break;
    kept.sort(quietestFirst);
    const quietest = kept[0];
    if (!quietest || (quietest.lastSpoke !== null && now - quietest.lastSpoke < SPEAKER_HOLD_MS)) break;
    kept[0] = speaker;
  }
  return new Set(kept.map((c) => c.feedId));
}
