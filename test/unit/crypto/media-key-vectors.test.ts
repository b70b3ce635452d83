// Frozen SFU media-key vectors (test/vectors/veil/media-key.json): every backend rebuilds the ratchet and wrap key and opens the sealed message.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mediaKeyWrapKey, openEnvelope, ratchetBaseKey, ReplayWindow } from '../../../main/crypto';
import { fromB64u, toHex } from '../../../protocol/encoding';
import { mediaKeyMessageSchema, mediaKid } from '../../../protocol/media-key-wire';
import { allBackends } from './all-backends';
import { hex, VECTORS_DIR } from './vectors-dir';

const read = (name: string) => JSON.parse(readFileSync(path.join(VECTORS_DIR, 'veil', `${name}.json`), 'utf8')) as Record<string, unknown>;
const v = read('media-key');
const session = read('session');
const parties = read('parties');

describe('SFU media-key vectors', () => {
  for (const b of allBackends) {
    it(`${b.name}: ratchet steps, wrap key, and the sealed message open byte for byte; a flipped bit or the chat key is refused`, () => {
      let cur = hex(String(v.baseKey0));
      for (const step of v.ratchetSteps as string[]) { cur = ratchetBaseKey(b, cur); expect(toHex(cur)).toBe(step); }
      // Bob's receive key is Alice's send key: both derive the same wrap key.
      expect(String(session.bobRecvKey)).toBe(String(v.sessionSendKey));
      const wrap = mediaKeyWrapKey(b, hex(String(session.bobRecvKey)));
      expect(toHex(wrap)).toBe(v.wrapKey);
      const sealed = hex(String(v.sealed));
      expect(toHex(fromB64u(String(v.blob))!)).toBe(v.sealed);
      const open = (bytes: Uint8Array, key: Uint8Array) => openEnvelope(b, bytes, { now: Number(v.sentAt), freshnessTtlMs: 60_000, maxBytes: 1024,
        requireSignature: true, resolve: () => ({ recvKey: key, window: new ReplayWindow(), peerIdentityKey: hex(String(parties.aliceIdentityKey)) }) });
      const plaintext = new TextDecoder().decode(open(sealed, wrap).plaintext);
      expect(plaintext).toBe(v.plaintext);
      const msg = mediaKeyMessageSchema.parse(JSON.parse(plaintext));
      expect(msg.kid).toBe(mediaKid(msg.senderIndex, msg.epoch));
      expect(msg.kid).toBe(v.kid);
      expect(toHex(fromB64u(msg.baseKey)!)).toBe((v.ratchetSteps as string[])[0]);
      const flipped = sealed.slice();
      flipped[60]! ^= 1;
      expect(() => open(flipped, wrap)).toThrow();
      expect(() => open(sealed, hex(String(session.bobRecvKey)))).toThrow(/authentication failed/);
    });
  }
});
