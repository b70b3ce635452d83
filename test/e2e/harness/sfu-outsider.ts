// Janus clients the test drives itself: the Janus API from Node (JanusWire), the PeerConnection in a bare page of the app's origin.
import type { Browser, Page } from 'playwright-core';
import { JanusWire } from '../../support/janus';

export interface Tokens { url: string; room: number; token: string; roomToken: string }
type Msg = Record<string, unknown>;
const dataOf = (m: Msg) => (m.plugindata as { data?: Msg } | undefined)?.data ?? {};
const jsepOf = (m: Msg) => m.jsep as { type: string; sdp: string } | undefined;

/** A page on the renderer's origin (a secure context with its CSP) that loads nothing of the app. */
export async function barePage(browser: Browser, origin: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${origin}/sfu-outsider`);
  return page;
}

async function session(t: Tokens): Promise<{ wire: JanusWire; handle: number; call(body: Msg, jsep?: Msg): Promise<Msg> }> {
  const wire = new JanusWire(t.url);
  const created = await wire.send({ janus: 'create', token: t.token });
  const session_id = (created.data as { id: number }).id;
  const attached = await wire.send({ janus: 'attach', session_id, plugin: 'janus.plugin.videoroom', token: t.token });
  const handle = (attached.data as { id: number }).id;
  const keepalive = setInterval(() => void wire.send({ janus: 'keepalive', session_id, token: t.token }).catch(() => undefined), 20_000);
  keepalive.unref();
  const call = async (body: Msg, jsep?: Msg) => {
    const m = await wire.send({ janus: 'message', session_id, handle_id: handle, token: t.token, body, ...(jsep ? { jsep } : {}) });
    const d = dataOf(m);
    if (m.janus !== 'event' || typeof d.error_code === 'number') throw new Error(`Janus refused ${JSON.stringify(body)}: ${JSON.stringify(m)}`);
    return m;
  };
  return { wire, handle, call };
}

/**
 * Subscribes to one feed through Janus with valid tokens. `transform: 'no-keys'` puts the received tracks through a
 * frame worker that holds no key; `'none'` hands the ciphertext frames straight to the decoder.
 */
export async function subscribeOutsider(page: Page, t: Tokens, feedId: number, senderId: string, transform: 'no-keys' | 'none'): Promise<JanusWire> {
  const s = await session(t);
  const joined = await s.call({ request: 'join', ptype: 'subscriber', room: t.room, token: t.roomToken, streams: [{ feed: feedId }] });
  const offer = jsepOf(joined);
  if (offer?.type !== 'offer') throw new Error('no offer from Janus');
  const sdp = await page.evaluate(`(async () => {
    const pc = new RTCPeerConnection();
    window.__outsider = pc;
    window.__outsiderStatus = {};
    if (${JSON.stringify(transform)} === 'no-keys') {
      const w = new Worker('/frame-worker.js', { type: 'module' });
      const ch = new MessageChannel();
      w.postMessage({ type: 'key-port', port: ch.port2 }, [ch.port2]);
      w.onmessage = (e) => { if (e.data && e.data.type === 'receive-status') window.__outsiderStatus = e.data; };
      pc.ontrack = (e) => { e.receiver.transform = new RTCRtpScriptTransform(w, { side: 'receive', senderId: ${JSON.stringify(senderId)} }); };
    }
    await pc.setRemoteDescription(${JSON.stringify(offer)});
    await pc.setLocalDescription(await pc.createAnswer());
    await new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') r(); }; });
    return pc.localDescription.sdp;
  })()`) as string;
  await s.call({ request: 'start' }, { type: 'answer', sdp, e2ee: true });
  return s.wire;
}

export interface OutsiderStats { framesDecoded: number; videoBytes: number; audioBytes: number; dropped: number; decrypted: number; state: string }
export const outsiderStats = (page: Page) => page.evaluate(`(async () => {
  const out = { framesDecoded: 0, videoBytes: 0, audioBytes: 0, dropped: 0, decrypted: 0, state: '' };
  (await window.__outsider.getStats()).forEach((r) => {
    if (r.type !== 'inbound-rtp') return;
    if (r.kind === 'video') { out.framesDecoded += r.framesDecoded || 0; out.videoBytes += r.bytesReceived || 0; }
    if (r.kind === 'audio') out.audioBytes += r.bytesReceived || 0;
  });
  const s = window.__outsiderStatus || {};
  out.dropped = s.dropped || 0; out.decrypted = s.decrypted || 0; out.state = s.state || '';
  return out;
})()`) as Promise<OutsiderStats>;

/**
 * Publishes the page's fake camera and microphone with `display` set to whatever the caller claims, every track through
 * the worker `setup` (page script) leaves in `w`, with transform options `opts`. Resolves with the new feed's id.
 */
export async function publishThrough(page: Page, t: Tokens, display: string, setup: string): Promise<{ feedId: number; wire: JanusWire }> {
  const s = await session(t);
  const joined = await s.call({ request: 'join', ptype: 'publisher', room: t.room, token: t.roomToken, display });
  const feedId = dataOf(joined).id as number;
  const sdp = await page.evaluate(`(async () => {
    const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 180, frameRate: 15 } });
    ${setup}
    const pc = new RTCPeerConnection();
    window.__impostor = pc;
    for (const track of media.getTracks()) {
      const t = pc.addTransceiver(track, { direction: 'sendonly', streams: [media] });
      t.sender.transform = new RTCRtpScriptTransform(w, opts);
      if (track.kind === 'video') {
        const codecs = RTCRtpSender.getCapabilities('video').codecs;
        t.setCodecPreferences([...codecs.filter((c) => c.mimeType === 'video/VP8'), ...codecs.filter((c) => c.mimeType !== 'video/VP8' && c.mimeType !== 'video/H264')]);
      }
    }
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') r(); }; });
    return pc.localDescription.sdp;
  })()`) as string;
  const configured = await s.call({ request: 'configure', audio: true, video: true }, { type: 'offer', sdp, e2ee: true });
  const answer = jsepOf(configured);
  if (answer?.type !== 'answer') throw new Error('no answer from Janus');
  await page.evaluate(`window.__impostor.setRemoteDescription(${JSON.stringify(answer)})`);
  return { feedId, wire: s.wire };
}

/** An impostor feed: the app's frame worker, sealing under a key and KID of its own (not the claimed member's). */
export function publishAs(page: Page, t: Tokens, display: string): Promise<{ feedId: number; wire: JanusWire }> {
  return publishThrough(page, t, display, `
    const w = new Worker('/frame-worker.js', { type: 'module' });
    const ch = new MessageChannel();
    w.postMessage({ type: 'key-port', port: ch.port2 }, [ch.port2]);
    ch.port1.postMessage({ type: 'set-send-key', kid: 0x7701, baseKey: crypto.getRandomValues(new Uint8Array(32)) });
    const opts = { side: 'send', senderId: 'impostor' };`);
}
