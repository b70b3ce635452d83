// The encoded-transform worker: SFrame-seals our outgoing frames and opens incoming ones; keys come only from main's key port.
import { FRAME_ORIGIN_LIMITS } from '../../../protocol/frame-origin';
import { transformOptionsSchema, type FrameWorkerStatus, type KeyPortReply } from '../../../protocol/media-keys';
import { frameShapes } from './clear-prefix';
import { FrameCrypto } from './frame-crypto';
import { KeyframeRequests } from './keyframe-request';
import { workerSetupMessageSchema } from './worker-messages';

type EncodedFrame = RTCEncodedVideoFrame | RTCEncodedAudioFrame;
/** The worker-side pieces of WebRTC Encoded Transform that this file uses (lib.dom does not describe a worker scope). */
interface ScriptTransformer {
  readonly options: unknown; readonly readable: ReadableStream<EncodedFrame>; readonly writable: WritableStream<EncodedFrame>;
  /** Receivers only: asks the sender (through the SFU) for a keyframe. */
  sendKeyFrameRequest?: () => Promise<void>;
}
interface WorkerScope {
  onmessage: ((e: MessageEvent) => void) | null;
  onrtctransform: ((e: { transformer: ScriptTransformer }) => void) | null;
  postMessage(m: FrameWorkerStatus): void;
}

const STATUS_INTERVAL_MS = 500;
const scope = self as unknown as WorkerScope;
const crypto = new FrameCrypto((s) => scope.postMessage(s));
let keyPort: MessagePort | null = null;
setInterval(() => crypto.flush(), STATUS_INTERVAL_MS);
// What we sealed goes to main to be signed (PROTOCOL.md §22a). Until a key port is attached the runs stay pending
// (bounded), though without one there is no send key and nothing is sealed anyway.
setInterval(() => {
  const port = keyPort;
  if (port) for (const run of crypto.takeSentFrames()) port.postMessage(run);
}, FRAME_ORIGIN_LIMITS.flushIntervalMs);

/** Frames that fail (no key, wrong key, tampered, replayed) are never enqueued: the decoder sees nothing of them. */
function attach(side: 'send' | 'receive', senderId: string, feedId: string, readable: ReadableStream<EncodedFrame>, writable: WritableStream<EncodedFrame>,
  requestKeyframe?: () => Promise<void>): void {
  const keyframes = new KeyframeRequests();
  const shapeOf = frameShapes();
  const transform = new TransformStream<EncodedFrame, EncodedFrame>({
    async transform(frame, controller) {
      const data = new Uint8Array(frame.data);
      const shape = shapeOf(frame);
      const out = side === 'send' ? await crypto.sealFrame(data, shape) : await crypto.openFrame(senderId, data, shape, feedId);
      // The first video that opens after drops (the key came after the frames) gets a keyframe asked for at once.
      if (side === 'receive' && shape.kind === 'video' && requestKeyframe) {
        if (!out) keyframes.dropped();
        else if (keyframes.opened(shape.frameType === 'key')) requestKeyframe().catch(() => undefined);
      }
      if (!out) return;
      frame.data = out.buffer as ArrayBuffer;
      controller.enqueue(frame);
    }
  });
  // The pipe ends when the track or connection closes; there is nothing to report then.
  readable.pipeThrough(transform).pipeTo(writable).catch(() => undefined);
}

scope.onrtctransform = (e) => {
  const options = transformOptionsSchema.safeParse(e.transformer.options);
  if (!options.success) {
    // Without valid options the frames go nowhere: the readable is never read, so nothing passes unencrypted.
    scope.postMessage({ type: 'worker-error', reason: 'invalid-transform-options' });
    return;
  }
  const t = e.transformer;
  attach(options.data.side, options.data.senderId, options.data.feedId ?? 'default', t.readable, t.writable, t.sendKeyFrameRequest ? () => t.sendKeyFrameRequest!() : undefined);
};

scope.onmessage = (e) => {
  const parsed = workerSetupMessageSchema.safeParse(e.data);
  if (!parsed.success) return scope.postMessage({ type: 'worker-error', reason: 'invalid-setup' });
  const m = parsed.data;
  if (m.type === 'key-port') {
    // Only the first key port counts: a later one (from a script in the page) cannot inject keys.
    if (keyPort) return scope.postMessage({ type: 'worker-error', reason: 'invalid-setup' });
    keyPort = m.port;
    const port = m.port;
    port.onmessage = (k) => void crypto.onKeyMessage(k.data, (r: KeyPortReply) => port.postMessage(r));
    return;
  }
  if (!keyPort) scope.postMessage({ type: 'worker-error', reason: 'key-port-missing' });
  attach(m.side, m.senderId, m.feedId ?? 'default', m.readable as ReadableStream<EncodedFrame>, m.writable as WritableStream<EncodedFrame>);
};
