// Frozen held-notice vector (PROTOCOL.md §21): the layout's bytes, its signature on every backend, and one flipped bit refused.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromB64u, toHex } from '../../../protocol/encoding';
import { wireHeldNoticeSchema, type WireHeldNotice } from '../../../protocol/held-notice';
import { heldNoticeBytes, verifyHeldNotice } from '../../../main/crypto';
import { allBackends } from './all-backends';
import { hex, VECTORS_DIR } from './vectors-dir';

const vector = JSON.parse(readFileSync(path.join(VECTORS_DIR, 'veil', 'held-notice.json'), 'utf8')) as {
  fields: Omit<WireHeldNotice, 'signature'>; signedBytes: string; notice: WireHeldNotice };
const flip = (b: Uint8Array, i: number) => { const c = b.slice(); c[i]! ^= 1; return c; };

describe('held notice vector (PROTOCOL.md §21)', () => {
  const bytes = hex(vector.signedBytes);
  const sig = fromB64u(vector.notice.signature)!;
  const signer = fromB64u(vector.fields.signer)!;

  it('the layout is the frozen bytes (113 + r), and the notice is a valid wire object', () => {
    expect(toHex(heldNoticeBytes(vector.fields))).toBe(vector.signedBytes);
    expect(bytes.length).toBe(113 + vector.fields.roomId.length);
    expect(new TextDecoder().decode(bytes.subarray(0, 20))).toBe('veil/v1/held-notice\0');
    expect(wireHeldNoticeSchema.parse(vector.notice)).toEqual(vector.notice);
  });

  for (const b of allBackends) {
    it(`${b.name}: the frozen signature verifies; one flipped bit of message or signature does not`, () => {
      expect(b.ed25519Verify(sig, bytes, signer)).toBe(true);
      expect(b.ed25519Verify(sig, flip(bytes, 70), signer)).toBe(false);
      expect(b.ed25519Verify(flip(sig, 9), bytes, signer)).toBe(false);
      expect(verifyHeldNotice(b, vector.notice)).toBe(true);
      expect(verifyHeldNotice(b, { ...vector.notice, issuedAt: vector.notice.issuedAt + 1 })).toBe(false);
      expect(verifyHeldNotice(b, { ...vector.notice, signer: vector.notice.subject })).toBe(false);
    });
  }
});
