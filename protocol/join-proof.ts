// The join proof: the byte layout an identity key signs to prove possession to the signaling server (docs/PROTOCOL.md §15).
import { z } from 'zod';
import { fromB64u } from './encoding';
import { b64uBytes, IDENTITY_KEY_BYTES, KEY_ID_BYTES, SIGNATURE_BYTES } from './keys';

export const JOIN_PROOF_LABEL = 'veil/v1/join-proof\0';
export const JOIN_PROOF_VERSION = 1;
export const JOIN_CHALLENGE_BYTES = 32;
/** A challenge is good for one join attempt within this time. */
export const JOIN_CHALLENGE_TTL_MS = 60_000;

/** A server origin as the client connected to it (URL origin form: scheme, host, optional port), ASCII only. */
export const serverOriginSchema = z.string().max(255).regex(/^https?:\/\/[A-Za-z0-9.\-[\]:]+$/, 'must be an http(s) origin');
export const joinChallengeSchema = b64uBytes(JOIN_CHALLENGE_BYTES);
export const joinProofSchema = b64uBytes(SIGNATURE_BYTES);

export interface JoinProofFields {
  /** base64url, 32 bytes. */ identityKey: string;
  /** base64url, 32 bytes. */ challenge: string;
  roomId: string;
  origin: string;
  /** base64url, 16 bytes: the room key the join's bundle carries. */ keyId: string;
}

export class JoinProofFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JoinProofFormatError';
  }
}

function field(text: string, n: number, what: string): Uint8Array {
  const b = fromB64u(text);
  if (!b || b.length !== n) throw new JoinProofFormatError(`${what} must be ${n} bytes of base64url`);
  return b;
}

/** lp8 of an ASCII string (room ids and origins are ASCII by schema; anything else is refused). */
function lp8Ascii(text: string, what: string): Uint8Array {
  if (text.length < 1 || text.length > 255) throw new JoinProofFormatError(`${what} must be 1–255 characters`);
  const out = new Uint8Array(1 + text.length);
  out[0] = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) throw new JoinProofFormatError(`${what} must be printable ASCII`);
    out[1 + i] = c;
  }
  return out;
}

/**
 * `label(19) ‖ u32 v ‖ identityKey(32) ‖ challenge(32) ‖ lp8(roomId) ‖ lp8(origin) ‖ keyId(16)`:
 * 105 + r + o bytes. Throws JoinProofFormatError on a field of the wrong size.
 */
export function joinProofBytes(f: JoinProofFields): Uint8Array {
  const parts = [
    Uint8Array.from(JOIN_PROOF_LABEL, (ch) => ch.charCodeAt(0)),
    Uint8Array.of(0, 0, 0, JOIN_PROOF_VERSION),
    field(f.identityKey, IDENTITY_KEY_BYTES, 'identityKey'),
    field(f.challenge, JOIN_CHALLENGE_BYTES, 'challenge'),
    lp8Ascii(f.roomId, 'roomId'),
    lp8Ascii(f.origin, 'origin'),
    field(f.keyId, KEY_ID_BYTES, 'keyId')
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
