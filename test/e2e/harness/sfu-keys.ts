// SFU test hooks: frame-worker statuses, an optional test-fed key port per worker, and readers of what the page sees.
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';

/** The SFU tests' camera, 640x360 at 15 fps (why: see below); the bench gives the mesh the same one to compare them. */
export const TEST_CAMERA = testCamera(640, 360, 15);

/** Init-script text that makes every camera the page opens `width`x`height` at `fps`. */
export function testCamera(width: number, height: number, fps: number): string {
  return `{ const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (c) => gum(c && c.video ? { ...c, video: { width: ${width}, height: ${height}, frameRate: ${fps} } } : c); }`;
}

/**
 * Init script: frame-worker statuses kept per page, the latest per sender (`window.__sfuStatus`); with a test key port,
 * every frame worker the app starts gets one as its first message and the test holds the other end (`window.__sfuKeys`).
 * The camera is 640x360 at 15 fps: the smallest that Chromium sends as two simulcast layers (320x180 is one), and small
 * tiles decode 320x180.
 */
const sfuHook = (testKeyPort: boolean, camera = TEST_CAMERA) => `(() => {
  const keys = [];
  const status = { receive: {}, send: null, errors: [] };
  Object.defineProperty(window, '__sfuKeys', { value: keys });
  Object.defineProperty(window, '__sfuStatus', { value: status });
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(url, options) {
      super(url, options);
      if (!String(url).includes('frame-worker')) return;
      if (${testKeyPort}) {
        const channel = new MessageChannel();
        super.postMessage({ type: 'key-port', port: channel.port2 }, [channel.port2]);
        keys.push(channel.port1);
      }
      this.addEventListener('message', (e) => {
        const d = e.data;
        if (d && d.type === 'receive-status') status.receive[d.senderId] = d;
        else if (d && d.type === 'send-status') status.send = d;
        else if (d && d.type === 'worker-error' && status.errors.length < 20) status.errors.push(d.reason);
      });
    }
  };
  ${camera}
})();`;
/** The test feeds every frame worker's keys itself (the worker takes only its first key port, so main's is refused). */
export const SFU_KEY_HOOK = sfuHook(true);
/** The app's own keys: main's media-key service fills each worker's port; the hook only records statuses. */
export const SFU_STATUS_HOOK = sfuHook(false);
/** The same with another camera (a room too large for two simulcast layers per member on this machine). */
export const sfuStatusHook = (camera: string): string => sfuHook(false, camera);

export interface MemberKey { peerId: string; kid: number; baseKey: Uint8Array }

/** One member's media key: KID = senderIndex << 8 | epoch 1. */
export function memberKey(peerId: string, senderIndex: number): MemberKey {
  return { peerId, kid: ((senderIndex << 8) | 1) >>> 0, baseKey: new Uint8Array(randomBytes(32)) };
}

type KeyMessage = { type: 'set-send-key'; kid: number; baseKey: number[] } | { type: 'set-receive-key'; senderId: string; kid: number; baseKey: number[] };

/** Posts key-port messages on the key port of the page's newest frame worker (one per call), as main would. */
export async function postKeys(page: Page, messages: KeyMessage[]): Promise<void> {
  await page.evaluate(`(() => {
    const port = window.__sfuKeys[window.__sfuKeys.length - 1];
    if (!port) throw new Error('no frame worker yet');
    for (const m of ${JSON.stringify(messages)}) port.postMessage({ ...m, baseKey: new Uint8Array(m.baseKey) });
  })()`);
}

export const sendKey = (k: MemberKey): KeyMessage => ({ type: 'set-send-key', kid: k.kid, baseKey: [...k.baseKey] });
export const receiveKey = (k: MemberKey): KeyMessage => ({ type: 'set-receive-key', senderId: k.peerId, kid: k.kid, baseKey: [...k.baseKey] });

export interface SfuWorkerStatus {
  receive: Record<string, { state: string; decrypted: number; dropped: number; dropReasons: Record<string, number> }>;
  send: { state: string; encrypted: number; dropped: number } | null;
  errors: string[];
}
export const workerStatus = (page: Page) => page.evaluate('window.__sfuStatus') as Promise<SfuWorkerStatus>;

export interface SfuLegStats { framesDecoded: number; videoBytes: number; audioBytes: number; frameWidth: number }
export interface SfuPageStats { receiving: SfuLegStats[]; sending: { rids: string[]; framesEncoded: number; frameWidths: number[] } }

/** The page's SFU connections (those with an encoded transform): one per remote feed, and our publisher. */
export const sfuStats = (page: Page) => page.evaluate(`(async () => {
  const out = { receiving: [], sending: { rids: [], framesEncoded: 0, frameWidths: [] } };
  for (const pc of window.__veilPcs) {
    if (pc.connectionState === 'closed') continue;
    const sends = pc.getSenders().some((s) => s.transform);
    const receives = pc.getReceivers().some((r) => r.transform);
    if (!sends && !receives) continue;
    const leg = { framesDecoded: 0, videoBytes: 0, audioBytes: 0, frameWidth: 0 };
    (await pc.getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') { leg.framesDecoded += r.framesDecoded || 0; leg.videoBytes += r.bytesReceived || 0; leg.frameWidth = r.frameWidth || leg.frameWidth; }
      if (r.type === 'inbound-rtp' && r.kind === 'audio') leg.audioBytes += r.bytesReceived || 0;
      if (r.type === 'outbound-rtp' && r.kind === 'video') {
        out.sending.framesEncoded += r.framesEncoded || 0;
        if (r.rid) out.sending.rids.push(r.rid);
        if (r.frameWidth) out.sending.frameWidths.push(r.frameWidth);
      }
    });
    if (receives) out.receiving.push(leg);
  }
  return out;
})()`) as Promise<SfuPageStats>;

/** `video`: 'on', or 'paused' while the video cap holds this feed's video back. */
export interface FeedTile { feed: string; peer: string; name: string; state: string; notice: string; hasVideo: boolean; videoWidth: number; video: string }

/** The SFU feed tiles the page shows, with their plain-words line (Unicode isolates removed), whether a video is attached and its decoded width. */
export const feedTiles = (page: Page) => page.getByTestId('tile-feed').evaluateAll((els) => els.map((e) => ({
  feed: e.getAttribute('data-feed') ?? '', peer: e.getAttribute('data-peer') ?? '', name: e.getAttribute('data-name') ?? '',
  state: e.getAttribute('data-sfu-state') ?? '', video: e.getAttribute('data-video') ?? '',
  notice: (e.querySelector('[data-testid="tile-notice"]')?.textContent ?? '').replace(/[\u2066-\u2069]/g, ''),
  hasVideo: !!(e.querySelector('video') as HTMLVideoElement | null)?.srcObject,
  videoWidth: (e.querySelector('video') as HTMLVideoElement | null)?.videoWidth ?? 0
}))) as Promise<FeedTile[]>;
