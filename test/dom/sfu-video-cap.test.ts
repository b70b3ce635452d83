// The SFU video cap: at most N videos, kept by who spoke last, stable while everyone talks, and never more than asked.
import { describe, expect, it } from 'vitest';
import { chooseVideoFeeds, DEFAULT_MAX_VIDEO_FEEDS, SPEAKER_HOLD_MS, type VideoCandidate } from '../../renderer/src/rtc/sfu/video-cap';

const feed = (feedId: number, o: Partial<VideoCandidate> = {}): VideoCandidate => ({ feedId, video: false, lastSpoke: null, order: feedId, ...o });
const ids = (s: Set<number>) => [...s].sort((a, b) => a - b);
const NOW = 100_000;

describe('chooseVideoFeeds', () => {
  it('gives video to the first feeds in subscription order up to the cap, and to all under it', () => {
    expect(ids(chooseVideoFeeds([1, 2, 3, 4, 5, 6].map((i) => feed(i)), 4, NOW))).toEqual([1, 2, 3, 4]);
    expect(ids(chooseVideoFeeds([1, 2].map((i) => feed(i)), 4, NOW))).toEqual([1, 2]);
    expect(ids(chooseVideoFeeds([1, 2, 3].map((i) => feed(i)), Infinity, NOW))).toEqual([1, 2, 3]);
    expect(ids(chooseVideoFeeds([1, 2, 3].map((i) => feed(i)), 0, NOW))).toEqual([]);
  });

  it('fills free places with the most recent speakers first', () => {
    const c = [feed(1), feed(2, { lastSpoke: NOW - 50_000 }), feed(3, { lastSpoke: NOW - 10 }), feed(4)];
    expect(ids(chooseVideoFeeds(c, 2, NOW))).toEqual([2, 3]);
  });

  it('a speaker without video takes the place of the feed silent longest, once that one has been silent for the hold', () => {
    const c = [feed(1, { video: true, lastSpoke: NOW - 20_000 }), feed(2, { video: true, lastSpoke: NOW - 5000 }), feed(3, { lastSpoke: NOW - 100 })];
    expect(ids(chooseVideoFeeds(c, 2, NOW))).toEqual([2, 3]);
  });

  it('keeps videos as they are while every video feed spoke within the hold (no shuffling in a lively room)', () => {
    const recent = NOW - SPEAKER_HOLD_MS + 500;
    const c = [feed(1, { video: true, lastSpoke: recent }), feed(2, { video: true, lastSpoke: recent }), feed(3, { lastSpoke: NOW - 10 })];
    expect(ids(chooseVideoFeeds(c, 2, NOW))).toEqual([1, 2]);
  });

  it('a feed that spoke only long ago does not take a place', () => {
    const c = [feed(1, { video: true }), feed(2, { lastSpoke: NOW - SPEAKER_HOLD_MS - 1 })];
    expect(ids(chooseVideoFeeds(c, 1, NOW))).toEqual([1]);
  });

  it('several speakers take several places, the quietest video feeds giving way first', () => {
    const c = [feed(1, { video: true }), feed(2, { video: true, lastSpoke: NOW - 9000 }), feed(3, { video: true, lastSpoke: NOW - 100 }),
      feed(4, { lastSpoke: NOW - 200 }), feed(5, { lastSpoke: NOW - 300 })];
    expect(ids(chooseVideoFeeds(c, 3, NOW))).toEqual([3, 4, 5]);
  });

  it('a lowered cap drops the quietest video feeds; a bad cap means the default', () => {
    const c = [1, 2, 3, 4].map((i) => feed(i, { video: true, lastSpoke: NOW - i * 1000 }));
    expect(ids(chooseVideoFeeds(c, 2, NOW))).toEqual([1, 2]);
    const many = Array.from({ length: 8 }, (_, i) => feed(i + 1));
    expect(chooseVideoFeeds(many, Number.NaN, NOW).size).toBe(DEFAULT_MAX_VIDEO_FEEDS);
    expect(chooseVideoFeeds(many, -1, NOW).size).toBe(DEFAULT_MAX_VIDEO_FEEDS);
  });
});
