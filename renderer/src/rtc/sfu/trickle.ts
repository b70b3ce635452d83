// Sends a PeerConnection's ICE candidates to its Janus handle, held back until Janus has the SDP they belong to.
import type { JanusConnection } from './janus-connection';

/** Queues candidates (bounded) until `start`, then forwards each one and the end-of-candidates marker. */
export function trickleTo(conn: JanusConnection, handle: number, pc: RTCPeerConnection): { start(): void } {
  const MAX_QUEUED = 64;
  let started = false;
  const queued: Array<RTCIceCandidateInit | null> = [];
  const send = (c: RTCIceCandidateInit | null) => void conn.trickle(handle, c).catch(() => undefined);
  pc.onicecandidate = (e) => {
    const c = e.candidate ? e.candidate.toJSON() : null;
    if (started) send(c);
    else if (queued.length < MAX_QUEUED) queued.push(c);
  };
  return {
    start() {
      if (started) return;
      started = true;
      for (const c of queued.splice(0)) send(c);
    }
  };
}
