// Page-side source shared by the bench's plaintext senders: the app's read strategy and the data channel's backpressure.
import { FILE_LIMITS } from '../protocol/file-limits';
import { READ_BLOCK_BYTES } from '../renderer/src/app/files/send-pipeline';

/** JS that waits while `dc` holds more than the app's high-water mark (same thresholds as the app's sender). */
export const drainJs = (dc: string) =>
  `if (${dc}.bufferedAmount > ${FILE_LIMITS.highWaterBytes}) await new Promise((r) => ${dc}.addEventListener('bufferedamountlow', r, { once: true }));`;

/**
 * JS for an async loop over the picked bench file, read like the app does (1 MiB blob reads handed out as 64 KiB views),
 * running `body` with `part` bound to each chunk. Leaves `t0` (start time, ms) defined before the loop.
 */
export const forEachChunkJs = (body: string) => `
  const file = document.getElementById('bench-file').files[0];
  const t0 = Date.now();
  for (let base = 0; base < file.size; base += ${READ_BLOCK_BYTES}) {
    const bytes = new Uint8Array(await file.slice(base, Math.min(file.size, base + ${READ_BLOCK_BYTES})).arrayBuffer());
    for (let off = 0; off < bytes.length; off += ${FILE_LIMITS.chunkBytes}) {
      const part = bytes.subarray(off, off + ${FILE_LIMITS.chunkBytes});
      ${body}
    }
  }`;
