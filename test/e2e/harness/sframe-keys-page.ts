// In-page half of the keyed SFrame browser test: each page's frame worker gets its keys only from its own main, over the key port.
// Runs inside the page through page.evaluate, so it is self-contained; `window.__veilKeyedWorker` is the app's own
// createKeyedFrameWorker (renderer/src/sframe/key-port.ts), bundled into the page by keyedWorkerInitScript().

import type { FrameWorkerStatus } from '../../../protocol/media-keys';

export interface KeyedStats { framesDecoded: number; videoBytes: number; statuses: FrameWorkerStatus[] }
type Veil = { media: { startCall(roomId: string, selfId: string): Promise<{ ok: boolean; error?: { code: string } }> } };
type PageState = { worker: Worker; statuses: FrameWorkerStatus[]; pcs: RTCPeerConnection[]; media?: MediaStream };
type Win = { veil: Veil; __veilKeyedWorker(url: string): Promise<Worker>; __keyed?: PageState };

/** Starts our call in main and a frame worker whose key port main posted (the page forwards it, never reads it). */
export async function startKeyedCall(args: { roomId: string; selfId: string }): Promise<void> {
  const w = window as unknown as Win;
  const res = await w.veil.media.startCall(args.roomId, args.selfId);
  if (!res.ok) throw new Error(`media:startCall failed: ${res.error?.code}`);
  const worker = await w.__veilKeyedWorker('/frame-worker.js');
  const statuses: FrameWorkerStatus[] = [];
  worker.onmessage = (e) => statuses.push(e.data as FrameWorkerStatus);
  w.__keyed = { worker, statuses, pcs: [] };
}

/** Sender: one connection per receiver, our camera through the send transform (VP8 first); returns the offer SDP. */
export async function offerTo(args: { selfId: string }): Promise<string> {
  const s = (window as unknown as Win).__keyed!;
  s.media ??= await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240, frameRate: 15 } });
  const pc = new RTCPeerConnection();
  s.pcs.push(pc);
  for (const track of s.media.getTracks()) {
    const sender = pc.addTrack(track, s.media);
    sender.transform = new RTCRtpScriptTransform(s.worker, { side: 'send', senderId: args.selfId });
  }
  for (const t of pc.getTransceivers()) {
    const codecs = RTCRtpReceiver.getCapabilities('video')?.codecs ?? [];
    t.setCodecPreferences([...codecs.filter((c) => c.mimeType === 'video/VP8'), ...codecs.filter((c) => c.mimeType !== 'video/VP8')]);
  }
  await pc.setLocalDescription(await pc.createOffer());
  // ICE gathering done (non-trickle SDP); inline because page.evaluate ships this function alone.
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) => pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve(); }));
  }
  return pc.localDescription!.sdp;
}

export async function acceptAnswer(args: { index: number; sdp: string }): Promise<void> {
  await (window as unknown as Win).__keyed!.pcs[args.index]!.setRemoteDescription({ type: 'answer', sdp: args.sdp });
}

/** Receiver: the sender's frames go through the receive transform for `senderId`; returns the answer SDP. */
export async function answerFrom(args: { senderId: string; sdp: string }): Promise<string> {
  const s = (window as unknown as Win).__keyed!;
  const pc = new RTCPeerConnection();
  s.pcs.push(pc);
  pc.ontrack = (e) => { e.receiver.transform = new RTCRtpScriptTransform(s.worker, { side: 'receive', senderId: args.senderId }); };
  await pc.setRemoteDescription({ type: 'offer', sdp: args.sdp });
  await pc.setLocalDescription(await pc.createAnswer());
  // ICE gathering done (non-trickle SDP); inline because page.evaluate ships this function alone.
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) => pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve(); }));
  }
  return pc.localDescription!.sdp;
}

export async function keyedStats(): Promise<KeyedStats> {
  const s = (window as unknown as Win).__keyed!;
  const out: KeyedStats = { framesDecoded: 0, videoBytes: 0, statuses: s.statuses.slice() };
  for (const pc of s.pcs) {
    (await pc.getStats()).forEach((r: { type: string; kind?: string; framesDecoded?: number; bytesReceived?: number }) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') { out.framesDecoded += r.framesDecoded ?? 0; out.videoBytes += r.bytesReceived ?? 0; }
    });
  }
  return out;
}
