// How many leading bytes of an encoded frame stay in the clear (authenticated, not encrypted), by codec and frame type.

/**
 * VP8: the first 10 bytes of a keyframe (frame tag, start code, size) and 3 of a delta frame (frame tag) stay
 * readable, as in the insertable-streams practice (Jitsi). Chromium's VP8 depacketizer reads the keyframe bit and
 * size from them, and an SFU switching simulcast layers reads the same bits; the rest is encrypted.
 * Audio (Opus) and every other video codec (VP9, AV1) are encrypted whole: their RTP packetizers and the SFU read
 * only RTP headers and descriptors, never the frame. H.264 is not supported: its packetizer splits frames on NAL
 * start codes, which ciphertext would fake; the page prefers VP8.
 */
export const VP8_KEYFRAME_CLEAR_BYTES = 10;
export const VP8_DELTA_CLEAR_BYTES = 3;

export interface FrameShape { kind: 'audio' | 'video'; mimeType?: string | undefined; frameType?: string | undefined }

export function clearPrefixBytes(f: FrameShape): number {
  if (f.kind !== 'video' || f.mimeType?.toLowerCase() !== 'video/vp8') return 0;
  return f.frameType === 'key' ? VP8_KEYFRAME_CLEAR_BYTES : VP8_DELTA_CLEAR_BYTES;
}

/** What `frameShapes` reads of an encoded frame: video frames have a `type`, audio frames none. */
export type ShapedFrame = { type: string; getMetadata(): { mimeType?: string } } | { getMetadata(): { mimeType?: string } };

const AUDIO: FrameShape = { kind: 'audio' };

/**
 * One track's frame shapes. Audio is sealed whole whatever its codec, so its metadata is never read. A video track's
 * codec is read on its first frame and on every keyframe (a codec change starts with one): `getMetadata()` builds a
 * fresh dictionary per call, and this runs for every frame.
 */
export function frameShapes(): (frame: ShapedFrame) => FrameShape {
  let mimeType: string | undefined;
  return (frame) => {
    if (!('type' in frame)) return AUDIO;
    if (mimeType === undefined || frame.type === 'key') mimeType = frame.getMetadata().mimeType;
    return { kind: 'video', mimeType, frameType: frame.type };
  };
}
