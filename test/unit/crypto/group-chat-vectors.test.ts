// Frozen room-chat vectors (test/vectors/veil/group-chat.json): every backend derives the chat key, verifies and opens the sealed message.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveGroupChatKey, openGroupChatBody, parseGroupChat, ratchetBaseKey, sealGroupChat, verifyGroupChatSignature } from '../../../main/crypto';
import { fromB64u, toHex } from '../../../protocol/encoding';
import { mediaKid } from '../../../protocol/media-key-wire';
import { allBackends } from './all-backends';
import { hex, VECTORS_DIR } from './vectors-dir';

const read = (name: string) => JSON.parse(readFileSync(path.join(VECTORS_DIR, 'veil', `${name}.json`), 'utf8')) as Record<string, unknown>;
const v = read('group-chat');
const media = read('media-key');
const parties = read('parties');
const alice = hex(parties.aliceIdentityKey);
const bob = hex(parties.bobIdentityKey);
const roomId = String(v.roomId);

describe('room chat vectors', () => {
  it('the base key is the media-key vector\'s epoch-257 key, and the header is byte-exact', () => {
    expect(v.baseKey).toBe((media.ratchetSteps as string[])[0]);
    expect(v.kid).toBe(media.kid);
    expect(v.kid).toBe(mediaKid(0xa1b2, 257));
    const sealed = hex(v.sealed);
    expect(toHex(fromB64u(String(v.blob))!)).toBe(v.sealed);
    // version 01 ‖ kid 00a1b201 ‖ counter u64 3 ‖ sentAt u64.
    expect(toHex(sealed.subarray(0, 21))).toBe(`0100a1b201${'0000000000000003'}${Number(v.sentAt).toString(16).padStart(16, '0')}`);
    expect(sealed.length).toBe(21 + new TextEncoder().encode(String(v.plaintext)).length + 16 + 64);
  });

  for (const b of allBackends) {
    it(`${b.name}: derives the chat key, verifies Alice's signature, opens byte for byte; a flip, Bob's key, another room or KID are refused`, () => {
      const chatKey = deriveGroupChatKey(b, hex(v.baseKey), roomId, Number(v.kid));
      expect(toHex(chatKey)).toBe(v.chatKey);
      expect(toHex(ratchetBaseKey(b, hex(media.baseKey0)))).toBe(v.baseKey);
      const sealed = hex(v.sealed);
      const parsed = parseGroupChat(sealed, 100_000)!;
      expect(parsed.header).toEqual({ kid: v.kid, counter: v.counter, sentAt: v.sentAt });
      expect(verifyGroupChatSignature(b, parsed, roomId, alice)).toBe(true);
      expect(new TextDecoder().decode(openGroupChatBody(b, parsed, chatKey, roomId, alice)!)).toBe(v.plaintext);
      // Sealing again with the same inputs gives the same bytes (Ed25519 is deterministic).
      const again = sealGroupChat(b, { chatKey, kid: Number(v.kid), counter: Number(v.counter), sentAt: Number(v.sentAt), roomId,
        senderIdentityKey: alice, signingSeed: hex(parties.aliceIdentitySeed) }, new TextEncoder().encode(String(v.plaintext)));
      expect(toHex(again)).toBe(v.sealed);

      expect(verifyGroupChatSignature(b, parsed, roomId, bob)).toBe(false);
      expect(verifyGroupChatSignature(b, parsed, 'other-room', alice)).toBe(false);
      expect(openGroupChatBody(b, parsed, chatKey, roomId, bob)).toBeNull();
      expect(openGroupChatBody(b, parsed, chatKey, 'other-room', alice)).toBeNull();
      expect(openGroupChatBody(b, parsed, deriveGroupChatKey(b, hex(v.baseKey), roomId, Number(v.kid) + 1), roomId, alice)).toBeNull();
      for (const i of [3, 30, sealed.length - 70, sealed.length - 1]) {
        const flipped = sealed.slice();
        flipped[i]! ^= 1;
        const p = parseGroupChat(flipped, 100_000)!;
        expect(verifyGroupChatSignature(b, p, roomId, alice), `bit at ${i}`).toBe(false);
      }
      const body = sealed.slice();
      body[30]! ^= 1;
      expect(openGroupChatBody(b, parseGroupChat(body, 100_000)!, chatKey, roomId, alice)).toBeNull();
    });
  }

  it('structure: truncated, oversized, unknown version and a counter past 2^53 are refused before any crypto', () => {
    const sealed = hex(v.sealed);
    expect(parseGroupChat(sealed.subarray(0, 100), 100_000)).toBeNull();
    expect(parseGroupChat(sealed, sealed.length - 1)).toBeNull();
    const v2 = sealed.slice(); v2[0] = 2;
    expect(parseGroupChat(v2, 100_000)).toBeNull();
    const big = sealed.slice(); big[5] = 0xff;
    expect(parseGroupChat(big, 100_000)).toBeNull();
  });
});
