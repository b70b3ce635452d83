// Relayed signals: offer/answer carry SDP, an answer names its offer's 32-byte digest, a confirm carries its answer's, and the binding's role must match the type.
import { describe, expect, it } from 'vitest';
import { SERVER_EVENT_SCHEMAS } from '../../../protocol/server-events';
import { relayRequestSchema } from '../../../protocol/signaling';

const binding = (role: string) => ({ v: 2, role, senderKeyId: 'A'.repeat(22), recipientKeyId: 'B'.repeat(22), mac: 'C'.repeat(43) });
const DIGEST = 'A'.repeat(43);
const to = 'peer-0001';

describe('relayed link signals', () => {
  it('accepts offer, answer and confirm with a binding of the same role, on both sides of the server', () => {
    for (const [signal, role] of [[{ type: 'offer', sdp: 'v=0' }, 'offer'], [{ type: 'answer', sdp: 'v=0', offerDigest: DIGEST }, 'answer'],
      [{ type: 'confirm', digest: DIGEST }, 'confirm']] as const) {
      expect(relayRequestSchema.safeParse({ to, signal, binding: binding(role) }).success, role).toBe(true);
      expect(SERVER_EVENT_SCHEMAS['signal:relay'].safeParse({ from: to, signal, binding: binding(role) }).success, role).toBe(true);
    }
  });

  it('refuses a role that differs from the signal type, a confirm with SDP or a short digest, an answer naming no offer, a version-1 binding', () => {
    const bad = [
      { signal: { type: 'offer', sdp: 'v=0' }, binding: binding('confirm') },
      { signal: { type: 'confirm', digest: DIGEST }, binding: binding('answer') },
      { signal: { type: 'confirm', digest: DIGEST, sdp: 'v=0' }, binding: binding('confirm') },
      { signal: { type: 'confirm', digest: DIGEST.slice(1) }, binding: binding('confirm') },
      { signal: { type: 'offer', digest: DIGEST }, binding: binding('offer') },
      { signal: { type: 'answer', sdp: 'v=0' }, binding: binding('answer') },
      { signal: { type: 'answer', sdp: 'v=0', offerDigest: DIGEST.slice(1) }, binding: binding('answer') },
      { signal: { type: 'offer', sdp: 'v=0', offerDigest: DIGEST }, binding: binding('offer') },
      { signal: { type: 'answer', sdp: 'v=0', offerDigest: DIGEST }, binding: { ...binding('answer'), v: 1 } }
    ];
    for (const b of bad) {
      expect(relayRequestSchema.safeParse({ to, ...b }).success, JSON.stringify(b)).toBe(false);
      expect(SERVER_EVENT_SCHEMAS['signal:relay'].safeParse({ from: to, ...b }).success, JSON.stringify(b)).toBe(false);
    }
  });
});
