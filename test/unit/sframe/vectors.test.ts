// RFC 9605 Appendix C vectors, byte-exact: header encoding (C.1) and the AES_128_GCM_SHA256_128 key schedule and frame (C.5).
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeHeader, encodeHeader } from '../../../renderer/src/sframe/header';
import { deriveKeyAndSalt, frameNonce, importSFrameKey, keyScheduleLabel, openFrame, sealFrame } from '../../../renderer/src/sframe/sframe';

interface HeaderVector { kid: string; ctr: string; encoded: string }
interface SFrameVector {
  cipher_suite: number; kid: string; ctr: string; base_key: string; sframe_key_label: string; sframe_salt_label: string;
  sframe_secret: string; sframe_key: string; sframe_salt: string; metadata: string; nonce: string; aad: string; pt: string; ct: string;
}
const vectors = JSON.parse(readFileSync(new URL('../../vectors/rfc9605/sframe-vectors.json', import.meta.url), 'utf8')) as
  { header: HeaderVector[]; sframe: SFrameVector[] };
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

describe('RFC 9605 C.1 header encoding', () => {
  it('has all the vectors', () => expect(vectors.header.length).toBe(289));
  it.each(vectors.header)('kid $kid ctr $ctr → $encoded', (v) => {
    const h = { kid: BigInt(v.kid), ctr: BigInt(v.ctr) };
    expect(hex(encodeHeader(h))).toBe(v.encoded);
    expect(decodeHeader(bytes(v.encoded))).toEqual({ ...h, headerLength: v.encoded.length / 2 });
  });
});

describe('RFC 9605 C.5 AES_128_GCM_SHA256_128', () => {
  const [v] = vectors.sframe;
  if (!v) throw new Error('vector file has no 0x0004 vector');
  const kid = BigInt(v.kid);
  const ctr = BigInt(v.ctr);

  it('builds the labels', () => {
    expect(v.cipher_suite).toBe(4);
    expect(hex(keyScheduleLabel('key', kid))).toBe(v.sframe_key_label);
    expect(hex(keyScheduleLabel('salt', kid))).toBe(v.sframe_salt_label);
  });
  it('derives sframe_key and sframe_salt', async () => {
    const { key, salt } = await deriveKeyAndSalt(kid, bytes(v.base_key));
    expect(hex(key)).toBe(v.sframe_key);
    expect(hex(salt)).toBe(v.sframe_salt);
    // WebCrypto's HKDF does Extract inside; sframe_secret = HMAC(salt = zeros, base_key) is what the empty salt means.
    expect(createHmac('sha256', Buffer.alloc(32)).update(bytes(v.base_key)).digest('hex')).toBe(v.sframe_secret);
  });
  it('forms the nonce', () => expect(hex(frameNonce(bytes(v.sframe_salt), ctr))).toBe(v.nonce));
  it('seals to the vector ciphertext and opens it back', async () => {
    const key = await importSFrameKey(kid, bytes(v.base_key));
    expect(hex(await sealFrame(key, ctr, bytes(v.pt), bytes(v.metadata)))).toBe(v.ct);
    const opened = await openFrame(key, bytes(v.ct), bytes(v.metadata));
    expect(opened.ok && hex(opened.plaintext)).toBe(v.pt);
    // The AAD is header ‖ metadata: the vector's aad is exactly that.
    expect(v.aad).toBe(v.ct.slice(0, 10) + v.metadata);
  });
  it('refuses the vector with a different metadata', async () => {
    const key = await importSFrameKey(kid, bytes(v.base_key));
    expect(await openFrame(key, bytes(v.ct), bytes(v.metadata.slice(2)))).toEqual({ ok: false, reason: 'auth-failed' });
  });
});
