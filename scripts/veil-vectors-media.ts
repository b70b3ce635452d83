// Known-answer vectors for SFU media keys (PROTOCOL.md §18a): the join ratchet, the wrap key, and one sealed media-key message.
import { mediaKeyWrapKey, ratchetBaseKey, sealEnvelope, type CryptoBackend } from '../main/crypto';
import { toB64u, toHex } from '../protocol/encoding';
import { mediaKid, type MediaKeyMessage } from '../protocol/media-key-wire';

type Seed = (label: string) => Uint8Array;
interface Party { seed: Uint8Array; ephemeral: { keyId: Uint8Array } }

/** `aliceSendKey` is Alice's session send key towards Bob (the `session` vector); Bob opens with his receive key. */
export function computeMediaKeyVectors(b: CryptoBackend, seedOf: Seed, roomId: string, alice: Party, bob: Party, aliceSendKey: Uint8Array,
  sentAt: number): Record<string, Record<string, unknown>> {
  const base0 = seedOf('media/base-key-0');
  const steps: string[] = [];
  let cur = base0;
  for (let i = 0; i < 4; i++) { cur = ratchetBaseKey(b, cur); steps.push(toHex(cur)); }
  const senderIndex = 0x00a1b2;
  const epoch = 257;
  const message: MediaKeyMessage = { v: 1, t: 'media-key', roomId, senderId: 'alicePeerId0001', recipientId: 'bobPeerId000001', senderIndex,
    generation: 1, epoch, kid: mediaKid(senderIndex, epoch), baseKey: toB64u(ratchetBaseKey(b, base0)) };
  const plaintext = JSON.stringify(message);
  const wrapKey = mediaKeyWrapKey(b, aliceSendKey);
  const sealed = sealEnvelope(b, { sendKey: wrapKey, counter: 9, sentAt, senderKeyId: alice.ephemeral.keyId, recipientKeyId: bob.ephemeral.keyId,
    signingSeed: alice.seed }, new TextEncoder().encode(plaintext));
  return {
    'media-key': {
      description: 'PROTOCOL.md §18a: the join ratchet from base key 0, the wrap key from Alice\'s send key (session vector), and Alice → Bob '
        + 'sealed media-key message (envelope v1, signed, counter 9) carrying ratchet step 1 at epoch 257 (KID epoch byte 0x01)',
      baseKey0: toHex(base0), ratchetSteps: steps, sessionSendKey: toHex(aliceSendKey), wrapKey: toHex(wrapKey),
      kid: message.kid, plaintext, counter: 9, sentAt, sealed: toHex(sealed), blob: toB64u(sealed)
    }
  };
}
