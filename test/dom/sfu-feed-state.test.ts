// What an SFU tile says: from the feed's own decoded frames and the worker's per-sender word, so a lying display is caught.
import { describe, expect, it } from 'vitest';
import { newFeedWatch, nextFeedState, STALLED_POLLS, type FeedWatch } from '../../renderer/src/rtc/sfu/feed-state';
import type { ReceiveStatus } from '../../renderer/src/rtc/sfu/worker-status';
import { sfuFeedWords } from '../../renderer/src/lib/plain-words';

const worker = (state: ReceiveStatus['state']): ReceiveStatus => ({ type: 'receive-status', senderId: 'dana', state, decrypted: 0, dropped: 0, dropReasons: {} });
/** Feeds `n` polls where bytes grow by `bytes` and decoded frames by `frames` each time. */
function run(polls: number, bytes: number, frames: number, w: ReceiveStatus | undefined, from: FeedWatch = newFeedWatch()): FeedWatch {
  let watch = from;
  let total = watch.last ?? { framesDecoded: 0, videoBytes: 0, audioBytes: 0, frameWidth: 0, audioEnergy: 0 };
  for (let i = 0; i < polls; i++) {
    total = { ...total, framesDecoded: total.framesDecoded + frames, videoBytes: total.videoBytes + bytes, audioBytes: total.audioBytes + bytes / 10 };
    watch = nextFeedState(watch, total, w, true);
  }
  return watch;
}

describe('SFU feed state', () => {
  it('no media yet is connecting; frames decoding is decrypting', () => {
    expect(run(2, 0, 0, undefined).state).toBe('connecting');
    expect(run(1, 5000, 10, worker('decrypting')).state).toBe('decrypting');
  });
  it('bytes but no key of that member: waiting for the key', () => {
    expect(run(1, 5000, 0, worker('waiting-key')).state).toBe('waiting-key');
  });
  it("a second feed claiming a member whose real feed decrypts: can't decrypt after the stall, and it stays so", () => {
    expect(run(STALLED_POLLS - 1, 5000, 0, worker('decrypting')).state).toBe('connecting');
    const refused = run(STALLED_POLLS, 5000, 0, worker('decrypting'));
    expect(refused.state).toBe('cannot-decrypt');
    // A quiet poll (no new bytes) does not turn it back into "connecting".
    expect(run(2, 0, 0, worker('decrypting'), refused).state).toBe('cannot-decrypt');
    // Only frames of its own decoding clear it.
    expect(run(1, 5000, 3, worker('decrypting'), refused).state).toBe('decrypting');
  });
  it('a paused stream keeps saying decrypting', () => {
    const up = run(2, 5000, 10, worker('decrypting'));
    expect(run(3, 0, 0, worker('decrypting'), up).state).toBe('decrypting');
  });
  it('plain words name the member', () => {
    expect(sfuFeedWords('waiting-key', 'Dana')).toBe("waiting for Dana's key");
    expect(sfuFeedWords('cannot-decrypt', 'Dana')).toBe("can't decrypt Dana's video");
    expect(sfuFeedWords('decrypting', 'Dana')).toBe('');
  });
});
