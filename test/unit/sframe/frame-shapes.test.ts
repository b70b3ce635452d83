// A track's frame shapes: audio never reads metadata, video reads its codec on the first frame and on keyframes only.
import { describe, expect, it } from 'vitest';
import { clearPrefixBytes, frameShapes } from '../../../renderer/src/sframe/clear-prefix';

function videoFrame(type: 'key' | 'delta', mimeType: string, reads: { n: number }) {
  return { type, getMetadata: () => { reads.n++; return { mimeType }; } };
}

describe('frameShapes', () => {
  it('audio frames are sealed whole and their metadata is never read', () => {
    const reads = { n: 0 };
    const shape = frameShapes();
    for (let i = 0; i < 5; i++) expect(clearPrefixBytes(shape({ getMetadata: () => { reads.n++; return { mimeType: 'audio/opus' }; } }))).toBe(0);
    expect(reads.n).toBe(0);
  });

  it('video reads its codec on the first frame and on each keyframe, and follows a codec change that starts with one', () => {
    const reads = { n: 0 };
    const shape = frameShapes();
    // The first frame may be a delta (a receiver joining mid-stream): its codec is read then.
    expect(clearPrefixBytes(shape(videoFrame('delta', 'video/VP8', reads)))).toBe(3);
    expect(clearPrefixBytes(shape(videoFrame('key', 'video/VP8', reads)))).toBe(10);
    for (let i = 0; i < 10; i++) expect(clearPrefixBytes(shape(videoFrame('delta', 'video/VP8', reads)))).toBe(3);
    expect(reads.n).toBe(2);
    // A switch to VP9 begins with a keyframe: from it on, frames are sealed whole.
    expect(clearPrefixBytes(shape(videoFrame('key', 'video/VP9', reads)))).toBe(0);
    expect(clearPrefixBytes(shape(videoFrame('delta', 'video/VP9', reads)))).toBe(0);
    expect(reads.n).toBe(3);
  });
});
