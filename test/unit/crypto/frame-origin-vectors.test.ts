// Frozen frame-origin vector (test/vectors/veil/frame-origin.json): byte-exact layout, and every backend signs and verifies it alike.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFrameOrigin, signFrameOrigin, verifyFrameOrigin } from '../../../main/crypto';
import { fromB64u, toHex } from '../../../protocol/encoding';
import { FRAME_ORIGIN_LIMITS } from '../../../protocol/frame-origin';
import { allBackends } from './all-backends';
import { hex, VECTORS_DIR } from './vectors-dir';

const read = (name: string) => JSON.parse(readFileSync(path.join(VECTORS_DIR, 'veil', `${name}.json`), 'utf8')) as Record<string, unknown>;
const v = read('frame-origin');
const parties = read('parties');
const alice = hex(parties.aliceIdentityKey);
const bob = hex(parties.bobIdentityKey);
const roomId = String(v.roomId);
const signed = hex(v.signed);

describe('frame-origin vector', () => {
  it('is byte-exact: version ‖ kid ‖ firstCtr ‖ count ‖ sentAt ‖ tags ‖ signature', () => {
    expect(toHex(fromB64u(String(v.blob))!)).toBe(v.signed);
    const u64 = (n: number) => n.toString(16).padStart(16, '0');
    expect(toHex(signed.subarray(0, 23))).toBe(`01${Number(v.kid).toString(16).padStart(8, '0')}${u64(Number(v.firstCtr))}0003${u64(Number(v.sentAt))}`);
    expect(toHex(signed.subarray(23, 47))).toBe(v.tags);
    expect(signed.length).toBe(23 + 24 + 64);
    expect(Math.ceil((23 + FRAME_ORIGIN_LIMITS.maxFramesPerDigest * 8 + 64) * 4 / 3)).toBe(FRAME_ORIGIN_LIMITS.maxBlobChars);
  });

  for (const b of allBackends) {
    it(`${b.name}: signs the same bytes, verifies Alice's signature; Bob's key, another room, any flipped bit or a bad length are refused`, () => {
      const parsed = parseFrameOrigin(signed, FRAME_ORIGIN_LIMITS.maxFramesPerDigest)!;
      expect(parsed.digest).toMatchObject({ kid: v.kid, firstCtr: v.firstCtr, sentAt: v.sentAt });
      expect(toHex(parsed.digest.tags)).toBe(v.tags);
      expect(verifyFrameOrigin(b, parsed, roomId, alice)).toBe(true);
      const again = signFrameOrigin(b, roomId, { kid: Number(v.kid), firstCtr: Number(v.firstCtr), sentAt: Number(v.sentAt), tags: hex(v.tags) },
        hex(parties.aliceIdentitySeed));
      expect(toHex(again)).toBe(v.signed);
      expect(verifyFrameOrigin(b, parsed, roomId, bob)).toBe(false);
      expect(verifyFrameOrigin(b, parsed, 'other-room', alice)).toBe(false);
      for (const i of [1, 8, 14, 20, 30, 46, signed.length - 1]) {
        const flipped = signed.slice();
        flipped[i]! ^= 1;
        const p = parseFrameOrigin(flipped, FRAME_ORIGIN_LIMITS.maxFramesPerDigest);
        expect(p === null || !verifyFrameOrigin(b, p, roomId, alice), `bit at ${i}`).toBe(true);
      }
      expect(parseFrameOrigin(signed.subarray(0, signed.length - 1), 512)).toBeNull();
      expect(parseFrameOrigin(signed, 2)).toBeNull();
    });
  }
});
