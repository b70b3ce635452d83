// The b64u SHA-256 of an SDP's UTF-8 bytes, as an answer names its offer and a confirm its answer (docs/PROTOCOL.md §8).
import { createHash } from 'node:crypto';

export async function sdpDigestB64u(sdp: string): Promise<string> {
  return createHash('sha256').update(sdp, 'utf8').digest('base64url');
}
