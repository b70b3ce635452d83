// In-page half of the SFrame browser test: fake camera and mic, three frame workers, two loopback call legs.
// Runs inside the page through page.evaluate, so it is self-contained (no imports, no closures over test code).

export type TransformPath = 'script-transform' | 'encoded-streams';

export interface LegStats { framesDecoded: number; videoBytes: number; audioBytes: number }

/**
 * Sender → "member" (holds the sender's key) and sender → "outsider" (has a key under the same KID, but the wrong one).
 * The test plays main: it owns each worker's key port and sends the keys on it; results sit on `window.__sframe`.
 */
export async function startSFrameCall(path: TransformPath): Promise<void> {
  const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240, frameRate: 15 } });
  const kid = 0x0301; // sender index 3, epoch 1
  const rightKey = crypto.getRandomValues(new Uint8Array(32));
  const wrongKey = crypto.getRandomValues(new Uint8Array(32));
  const worker = () => {
    const w = new Worker('/frame-worker.js', { type: 'module' });
    const channel = new MessageChannel();
    w.postMessage({ type: 'key-port', port: channel.port2 }, [channel.port2]);
    const statuses: unknown[] = [];
    const replies: unknown[] = [];
    w.onmessage = (e) => statuses.push(e.data);
    channel.port1.onmessage = (e) => replies.push(e.data);
    return { w, keys: channel.port1, statuses, replies };
  };
  const sender = worker();
  const member = worker();
  const outsider = worker();
  sender.keys.postMessage({ type: 'set-send-key', kid, baseKey: rightKey.slice() });
  member.keys.postMessage({ type: 'set-receive-key', senderId: 'alice', kid, baseKey: rightKey.slice() });
  outsider.keys.postMessage({ type: 'set-receive-key', senderId: 'alice', kid, baseKey: wrongKey });

  type Side = 'send' | 'receive';
  const attach = (w: Worker, side: Side, endpoint: RTCRtpSender | RTCRtpReceiver) => {
    if (path === 'script-transform') {
      endpoint.transform = new RTCRtpScriptTransform(w, { side, senderId: 'alice' });
      return;
    }
    const { readable, writable } = (endpoint as unknown as { createEncodedStreams(): { readable: ReadableStream; writable: WritableStream } }).createEncodedStreams();
    w.postMessage({ type: 'encoded-streams', side, senderId: 'alice', readable, writable }, [readable, writable]);
  };

  const leg = async (receiverWorker: Worker) => {
    const config = (path === 'encoded-streams' ? { encodedInsertableStreams: true } : {}) as RTCConfiguration;
    const a = new RTCPeerConnection(config);
    const b = new RTCPeerConnection(config);
    a.onicecandidate = (e) => { if (e.candidate) void b.addIceCandidate(e.candidate); };
    b.onicecandidate = (e) => { if (e.candidate) void a.addIceCandidate(e.candidate); };
    b.ontrack = (e) => attach(receiverWorker, 'receive', e.receiver);
    for (const track of media.getTracks()) attach(sender.w, 'send', a.addTrack(track, media));
    // VP8 first, as the app prefers it (its keyframe and delta headers stay readable: see clear-prefix.ts).
    for (const t of a.getTransceivers()) {
      if (t.sender.track?.kind !== 'video') continue;
      const codecs = RTCRtpReceiver.getCapabilities('video')?.codecs ?? [];
      t.setCodecPreferences([...codecs.filter((c) => c.mimeType === 'video/VP8'), ...codecs.filter((c) => c.mimeType !== 'video/VP8')]);
    }
    await a.setLocalDescription(await a.createOffer());
    await b.setRemoteDescription(a.localDescription as RTCSessionDescription);
    await b.setLocalDescription(await b.createAnswer());
    await a.setRemoteDescription(b.localDescription as RTCSessionDescription);
    return b;
  };
  const memberPc = await leg(member.w);
  const outsiderPc = await leg(outsider.w);

  const stats = async (pc: RTCPeerConnection): Promise<LegStats> => {
    const out = { framesDecoded: 0, videoBytes: 0, audioBytes: 0 };
    (await pc.getStats()).forEach((r: { type: string; kind?: string; framesDecoded?: number; bytesReceived?: number }) => {
      if (r.type !== 'inbound-rtp') return;
      if (r.kind === 'video') { out.framesDecoded += r.framesDecoded ?? 0; out.videoBytes += r.bytesReceived ?? 0; }
      if (r.kind === 'audio') out.audioBytes += r.bytesReceived ?? 0;
    });
    return out;
  };
  (window as unknown as Record<string, unknown>).__sframe = {
    member: () => stats(memberPc), outsider: () => stats(outsiderPc),
    statuses: { sender: sender.statuses, member: member.statuses, outsider: outsider.statuses },
    replies: [...sender.replies, ...member.replies, ...outsider.replies]
  };
}
