// The receiver's keyframe request: asked once the first deltas open after drops, not for keyframes, and at most once a second.
import { describe, expect, it } from 'vitest';
import { KEYFRAME_REQUEST_MIN_MS, KeyframeRequests } from '../../../renderer/src/sframe/keyframe-request';

describe('KeyframeRequests', () => {
  it('asks nothing while frames open from the start', () => {
    const k = new KeyframeRequests(() => 0);
    expect([k.opened(true), k.opened(false), k.opened(false)]).toEqual([false, false, false]);
  });

  it('asks once when a delta opens after drops, and not again until a keyframe or the bound', () => {
    let now = 0;
    const k = new KeyframeRequests(() => now);
    k.dropped(); k.dropped();
    expect(k.opened(false)).toBe(true);
    now += 100;
    expect(k.opened(false)).toBe(false);
    now += KEYFRAME_REQUEST_MIN_MS;
    expect(k.opened(false)).toBe(true);
    expect(k.opened(true)).toBe(false);
    now += 10 * KEYFRAME_REQUEST_MIN_MS;
    expect(k.opened(false)).toBe(false);
  });

  it('a keyframe that opens first needs no request', () => {
    const k = new KeyframeRequests(() => 5000);
    k.dropped();
    expect(k.opened(true)).toBe(false);
    expect(k.opened(false)).toBe(false);
  });

  it('drops forced again and again yield at most one request per second', () => {
    let now = 0;
    const k = new KeyframeRequests(() => now);
    let asked = 0;
    for (let i = 0; i < 1000; i++) { now += 10; k.dropped(); if (k.opened(false)) asked++; }
    expect(asked).toBeLessThanOrEqual(Math.ceil((1000 * 10) / KEYFRAME_REQUEST_MIN_MS));
  });
});
