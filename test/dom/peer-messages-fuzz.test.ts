// Property tests of what a peer can put on a data channel: random shapes through the one decoder and the chat receiver.
import { describe, expect, it } from 'vitest';
import { decodeSealedPeerMessage, sealedPeerMessageSchema } from '../../protocol/peer';
import { Chat } from '../../renderer/src/app/chat';
import { decodeNoticeFrame } from '../../renderer/src/app/notices';
import { createAppStore } from '../../renderer/src/store';
import { installFakeVeil } from './fake-veil';
import { prng } from '../support/prng';

const SEED = Number(process.env.VEIL_FUZZ_SEED ?? 20261201);
const TYPES = ['msg', 'ack', 'file-offer', 'file-accept', 'file-decline', 'file-cancel', 'file-ack', 'file-resume', 'file-done', 'keys', 'x', ''];
const FIELDS = ['t', 'id', 'text', 'offer', 'reason', 'next', 'revocation', 'rotation', '__proto__', 'constructor', 'extra'];

function value(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * 10);
  switch (k) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return Math.floor(r() * 2 ** 33) - 2 ** 32;
    case 3: return r() * 1e308 * (r() < 0.5 ? -1 : 1);
    case 4: return 'x'.repeat(Math.floor(r() * 20_000));
    case 5: return Array.from({ length: 18 }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
    case 6: return '\u202e\u200b\u0000' + String.fromCharCode(Math.floor(r() * 0xffff));
    case 7: return depth > 2 ? [] : Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
    default: return depth > 2 ? {} : shape(r, depth + 1);
  }
}
function shape(r: () => number, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (r() < 0.9) o.t = TYPES[Math.floor(r() * TYPES.length)];
  for (let i = Math.floor(r() * 4); i > 0; i--) o[FIELDS[Math.floor(r() * FIELDS.length)]!] = value(r, depth);
  return o;
}
function payload(r: () => number): Uint8Array {
  const k = r();
  if (k < 0.15) return crypto.getRandomValues(new Uint8Array(Math.floor(r() * 300)));
  if (k < 0.2) return Uint8Array.of(0xff, 0xfe, 0x7b);
  return new TextEncoder().encode(JSON.stringify(shape(r)));
}

describe('peer data-channel messages (property tests)', () => {
  it('the decoder never throws and returns only what the schema accepts', () => {
    const r = prng(SEED);
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const text = new TextDecoder().decode(payload(r));
      const m = decodeSealedPeerMessage(text);
      if (m) {
        accepted++;
        expect(sealedPeerMessageSchema.safeParse(m).success).toBe(true);
      }
    }
    // Random shapes almost never form a valid message; the valid ones found must still be schema-exact.
    expect(accepted).toBeLessThan(300);
  });

  it('notice frames: random bytes and shapes never throw, and only exact notice frames decode', () => {
    const r = prng(SEED + 1);
    for (let i = 0; i < 2000; i++) {
      const bytes = payload(r);
      expect(() => decodeNoticeFrame(bytes)).not.toThrow();
      expect(decodeNoticeFrame(bytes)).toBeNull();
    }
    expect(decodeNoticeFrame(new TextEncoder().encode('{"t":"keys"}'))).toBeNull();
  });

  it('the chat receiver: random opened plaintexts add no message, forward no file control, and are counted', async () => {
    const r = prng(SEED + 2);
    const peer = 'P'.repeat(43);
    const store = createAppStore();
    store.getState().upsertPeer(peer, { peerId: 'peer-0001', displayName: 'Mallory', sessionOpen: true, present: true });
    let next: Uint8Array = new Uint8Array();
    installFakeVeil({
      'message:open': () => ({ plaintext: next, senderIdentityKey: peer, counter: 1, sentAt: 1, keyId: 'k' }),
      'message:seal': () => new Uint8Array(1)
    });
    const chat = new Chat(store, 'r', () => null);
    const forwarded: unknown[] = [];
    chat.onFileControl = (_k, c) => forwarded.push(c);
    let valid = 0;
    for (let i = 0; i < 400; i++) {
      next = payload(r);
      const expected = decodeSealedPeerMessage(new TextDecoder('utf-8', { fatal: false }).decode(next));
      if (expected) valid++;
      await chat.receive(peer, new Uint8Array([1, 2, 3]));
    }
    const s = store.getState();
    const shown = s.messages.filter((m) => m.kind === 'message');
    expect(shown.length + forwarded.length).toBeLessThanOrEqual(valid);
    expect(s.security.invalidEvents['peer-message']).toBeGreaterThanOrEqual(400 - valid - 1);
    // One alert for the first malformed message, not one per message.
    expect(s.alerts.filter((a) => a.text.startsWith('Dropped a malformed message')).length).toBe(1);
  });
});
