// Media transceivers of one link: created empty (no local track before authentication), filled by kind once the link is proven.
export type MediaKind = 'audio' | 'video';
export const MEDIA_KINDS: readonly MediaKind[] = ['audio', 'video'];

/** Initiator: one sendrecv transceiver per kind, trackless, so the first offer negotiates media without sending any. */
export function addEmptyTransceivers(pc: RTCPeerConnection): void {
  for (const kind of MEDIA_KINDS) pc.addTransceiver(kind, { direction: 'sendrecv' });
}

/** The transceiver of a kind, found by its receiver's track kind (a sender's track is null until authenticated). */
export function transceiverOf(pc: RTCPeerConnection, kind: MediaKind): RTCRtpTransceiver | null {
  return pc.getTransceivers().find((t) => t.receiver.track.kind === kind && t.currentDirection !== 'stopped') ?? null;
}

/** Answerer: a transceiver the remote offer created is recvonly; make it sendrecv before the answer is written. */
export function allowSending(transceiver: RTCRtpTransceiver | null | undefined): void {
  if (transceiver && transceiver.direction === 'recvonly') transceiver.direction = 'sendrecv';
}

/** Counts media sections of an SDP by kind: Veil offers exactly one audio and one video section. */
export function mediaSections(sdp: string): { audio: number; video: number; other: number } {
  const out = { audio: 0, video: 0, other: 0 };
  for (const m of sdp.matchAll(/^m=(\w+) /gm)) {
    if (m[1] === 'audio') out.audio++;
    else if (m[1] === 'video') out.video++;
    else if (m[1] !== 'application') out.other++;
  }
  return out;
}

/** Puts `track` (or nothing) on the sender of `kind`; no-op when the link has no such transceiver. */
export async function setOutgoing(pc: RTCPeerConnection, kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
  const t = transceiverOf(pc, kind);
  if (t) await t.sender.replaceTrack(track);
}
