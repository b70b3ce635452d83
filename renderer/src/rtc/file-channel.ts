// The negotiated `veil-files` data channel of one link, reduced to what the send pipeline needs (send, backpressure).
import { FILE_LIMITS, FILES_DATA_CHANNEL } from '../../../protocol/file-limits';

export interface FileChannel {
  readonly isOpen: boolean;
  readonly bufferedAmount: number;
  send(bytes: Uint8Array): void;
  /** Resolves once buffered bytes fell to the low-water mark (or the channel closed: check `isOpen` after). */
  waitForLowWater(): Promise<void>;
}

/** Both sides create the channel with the same id before the offer, so no in-band announcement is needed. */
export function createFileDataChannel(pc: RTCPeerConnection): RTCDataChannel {
  const dc = pc.createDataChannel(FILES_DATA_CHANNEL.label, { negotiated: true, id: FILES_DATA_CHANNEL.id, ordered: true });
  dc.binaryType = 'arraybuffer';
  dc.bufferedAmountLowThreshold = FILE_LIMITS.lowWaterBytes;
  return dc;
}

export function wrapFileChannel(dc: RTCDataChannel): FileChannel {
  return {
    get isOpen() { return dc.readyState === 'open'; },
    get bufferedAmount() { return dc.bufferedAmount; },
    send(bytes) { dc.send(bytes as Uint8Array<ArrayBuffer>); },
    waitForLowWater() {
      if (dc.readyState !== 'open' || dc.bufferedAmount <= dc.bufferedAmountLowThreshold) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          dc.removeEventListener('bufferedamountlow', done);
          dc.removeEventListener('close', done);
          resolve();
        };
        dc.addEventListener('bufferedamountlow', done);
        dc.addEventListener('close', done);
      });
    }
  };
}
