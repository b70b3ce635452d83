// Known-answer vectors for what a member signs for the whole SFU room: a room chat message (§22) and a frame-origin digest (§22a).
import { deriveGroupChatKey, ratchetBaseKey, sealGroupChat, signFrameOrigin, type CryptoBackend } from '../main/crypto';
import { toB64u, toHex } from '../protocol/encoding';
import { mediaKid } from '../protocol/media-key-wire';

type Seed = (label: string) => Uint8Array;
interface Party { seed: Uint8Array; identityKey: Uint8Array }

/** Alice's media base key at epoch 257 is ratchet step 1 of the media-key vector's base key 0: the same key, now deriving her chat key. */
export function computeGroupChatVectors(b: CryptoBackend, seedOf: Seed, roomId: string, alice: Party, sentAt: number): Record<string, Record<string, unknown>> {
  const baseKey = ratchetBaseKey(b, seedOf('media/base-key-0'));
  const kid = mediaKid(0x00a1b2, 257);
  const chatKey = deriveGroupChatKey(b, baseKey, roomId, kid);
  const plaintext = '{"t":"msg","id":"0123456789abcdef01","text":"hello, room"}';
  const counter = 3;
  const sealed = sealGroupChat(b, { chatKey, kid, counter, sentAt, roomId, senderIdentityKey: alice.identityKey, signingSeed: alice.seed },
    new TextEncoder().encode(plaintext));
  return {
    'group-chat': {
      description: 'PROTOCOL.md §22: Alice\'s chat key for KID 0xa1b201 (media-key vector, ratchet step 1 as base key) and one room message '
        + '(counter 3) she sealed once and signed with her identity key (parties vector)',
      roomId, baseKey: toHex(baseKey), kid, chatKey: toHex(chatKey), counter, sentAt, plaintext, sealed: toHex(sealed), blob: toB64u(sealed)
    },
    'frame-origin': frameOriginVector(b, roomId, alice, kid, sentAt)
  };
}

/** Three frames under KID 0xa1b201 from counter 1000, the middle counter sealing nothing (eight zero bytes). */
function frameOriginVector(b: CryptoBackend, roomId: string, alice: Party, kid: number, sentAt: number): Record<string, unknown> {
  const tags = Uint8Array.from([...'0123456789abcdef', ...'0000000000000000', ...'fedcba9876543210'].join('').match(/../g)!.map((x) => parseInt(x, 16)));
  const firstCtr = 1000;
  const signed = signFrameOrigin(b, roomId, { kid, firstCtr, sentAt, tags }, alice.seed);
  return {
    description: 'PROTOCOL.md §22a: a frame-origin digest Alice (parties vector) signed for three counters from 1000 under KID 0xa1b201; '
      + 'counter 1001 sealed no frame',
    roomId, kid, firstCtr, sentAt, tags: toHex(tags), signed: toHex(signed), blob: toB64u(signed)
  };
}
