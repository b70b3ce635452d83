// File transfer crypto: manifest codec (round trip, every decode rule, every bit flip of an offer), file key, chunk seal/open.
import { describe, expect, it } from 'vitest';
import { chunkCountFor, chunkNonce, decodeManifest, deriveFileKey, encodeManifest, generateIdentity, nobleBackend, openChunk, sealChunk,
  signFinal, signOffer, verifyFinal, verifyOffer, type FileManifestFields } from '../../../main/crypto';
import { createNodeBackend } from '../../../main/crypto-native/node-backend';
import { FILE_LIMITS } from '../../../protocol/file-limits';

const node = createNodeBackend();
const toHexString = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

function fields(over: Partial<FileManifestFields> = {}): { seed: Uint8Array; f: FileManifestFields } {
  const id = generateIdentity(node);
  return { seed: id.seed, f: { transferId: bytes(16, 1), senderIdentityKey: id.publicKey, recipientIdentityKey: bytes(32, 2), senderKeyId: bytes(16, 3),
    recipientKeyId: bytes(16, 4), size: 200_000, chunkSize: FILE_LIMITS.chunkBytes, createdAt: 1_800_000_000_000,
    roomId: 'room-1', name: 'report é😀.pdf', mime: 'application/pdf', ...over } };
}

describe('file manifest', () => {
  it('round-trips every field; chunkCount is computed; the layout matches PROTOCOL.md 14.1', () => {
    const { f } = fields();
    const m = encodeManifest(f);
    expect(m[0]).toBe(2);
    expect([...m.subarray(1, 17)]).toEqual([...f.transferId]);
    expect(new DataView(m.buffer).getUint32(125)).toBe(4);
    expect(m[137]).toBe(6);
    const d = decodeManifest(m);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.manifest).toEqual({ ...f, chunkCount: 4 });
    expect(chunkCountFor(0, 4096)).toBe(1);
    expect(chunkCountFor(4096, 4096)).toBe(1);
    expect(chunkCountFor(4097, 4096)).toBe(2);
  });

  it('encode refuses fields the decoder would refuse', () => {
    for (const over of [{ name: '' }, { name: 'a/b' }, { name: 'a\\b' }, { name: 'a\u0000' }, { name: 'a\nb' }, { name: 'x'.repeat(256) },
      { mime: 'tëxt' }, { mime: 'x'.repeat(128) }, { size: FILE_LIMITS.hardMaxFileBytes + 1 }, { chunkSize: 4095 }, { chunkSize: 192 * 1024 + 1 },
      { transferId: bytes(15, 0) }, { roomId: '' }]) {
      expect(() => encodeManifest(fields(over as Partial<FileManifestFields>).f), JSON.stringify(Object.keys(over))).toThrow(RangeError);
    }
  });

  // Each case edits a valid manifest and must be refused as malformed.
  const dv = (m: Uint8Array) => new DataView(m.buffer, m.byteOffset, m.byteLength);
  const tailOffsets = (m: Uint8Array) => { const room = 137; const name = room + 1 + m[room]!; const mime = name + 2 + dv(m).getUint16(name);
    return { room, name, mime }; };
  const cases: [string, (m: Uint8Array) => Uint8Array][] = [
    ['wrong version', (m) => { m[0] = 1; return m; }],
    ['trailing byte', (m) => Uint8Array.from([...m, 0])],
    ['truncated', (m) => m.slice(0, m.length - 1)],
    ['too short', (m) => m.slice(0, 100)],
    ['chunkCount too high', (m) => { dv(m).setUint32(125, 5); return m; }],
    ['chunkCount too low', (m) => { dv(m).setUint32(125, 3); return m; }],
    ['chunkSize below 4 KiB', (m) => { dv(m).setUint32(121, 4095); return m; }],
    ['chunkSize above 192 KiB', (m) => { dv(m).setUint32(121, 192 * 1024 + 1); return m; }],
    ['size above 64 GiB', (m) => { dv(m).setUint32(113, 17); return m; }],
    ['size above 2^53', (m) => { dv(m).setUint32(113, 0xffffffff); return m; }],
    ['empty room', (m) => Uint8Array.from([...m.subarray(0, 137), 0, ...m.subarray(137 + 1 + m[137]!)])],
    ['room length past the end', (m) => { m[137] = 250; return m; }],
    ['empty name', (m) => { const o = tailOffsets(m); return Uint8Array.from([...m.subarray(0, o.name), 0, 0, ...m.subarray(o.mime)]); }],
    ['name with slash', (m) => { m[tailOffsets(m).name + 2] = 0x2f; return m; }],
    ['name with backslash', (m) => { m[tailOffsets(m).name + 2] = 0x5c; return m; }],
    ['name with NUL', (m) => { m[tailOffsets(m).name + 2] = 0; return m; }],
    ['name with control character', (m) => { m[tailOffsets(m).name + 2] = 0x1b; return m; }],
    ['name with invalid UTF-8', (m) => { m[tailOffsets(m).name + 2] = 0xff; return m; }],
    ['name with overlong UTF-8', (m) => { const o = tailOffsets(m).name + 2; m[o] = 0xc0; m[o + 1] = 0xaf; return m; }],
    ['name length past the end', (m) => { dv(m).setUint16(tailOffsets(m).name, 300); return m; }],
    ['mime not printable', (m) => { m[tailOffsets(m).mime + 1] = 0x07; return m; }],
    ['mime non-ASCII', (m) => { m[tailOffsets(m).mime + 1] = 0xc3; return m; }],
    ['mime length wrong', (m) => { const o = tailOffsets(m).mime; m[o] = m[o]! + 1; return m; }]
  ];
  for (const [what, edit] of cases) {
    it(`decode refuses: ${what}`, () => {
      const d = decodeManifest(edit(encodeManifest(fields().f)));
      expect(d.ok).toBe(false);
      if (!d.ok) expect(d.reason).toBe('malformed');
    });
  }

  it('an empty file is one chunk; a size of exactly n chunks is n chunks', () => {
    for (const [size, count] of [[0, 1], [65536, 1], [65537, 2], [3 * 65536, 3]]) {
      const d = decodeManifest(encodeManifest(fields({ size: size! }).f));
      expect(d.ok && d.manifest.chunkCount).toBe(count);
    }
  });
});

describe('file offer signature', () => {
  it('verifies, under the named sender key, with the domain label; every single-bit flip of the offer is rejected', () => {
    const { seed, f } = fields({ name: 'a.txt', mime: 'text/plain' });
    const offer = signOffer(node, seed, f);
    const ok = verifyOffer(node, offer);
    expect(ok.ok).toBe(true);
    if (ok.ok) expect([...ok.manifestBytes]).toEqual([...encodeManifest(f)]);
    expect(verifyOffer(nobleBackend, offer).ok).toBe(true);
    for (let bit = 0; bit < offer.length * 8; bit++) {
      const bad = offer.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      expect(verifyOffer(node, bad).ok, `bit ${bit}`).toBe(false);
    }
    expect(verifyOffer(node, offer.slice(0, offer.length - 1)).ok).toBe(false);
    expect(verifyOffer(node, Uint8Array.from([...offer, 0])).ok).toBe(false);
    // A signature over the manifest without the label (or with another label) does not verify.
    const manifest = encodeManifest(f);
    const unlabeled = Uint8Array.from([...manifest, ...node.ed25519Sign(manifest, seed)]);
    expect(verifyOffer(node, unlabeled)).toMatchObject({ ok: false, reason: 'signature' });
  });

  it('refuses to sign with a seed that is not the named sender key', () => {
    const { f } = fields();
    expect(() => signOffer(node, generateIdentity(node).seed, f)).toThrow(RangeError);
  });
});

describe('file key and chunks', () => {
  const { f } = fields({ size: 10_000, chunkSize: 4096 });
  const manifest = encodeManifest(f);
  const dirKey = bytes(32, 9);
  const key = deriveFileKey(node, dirKey, f.transferId, manifest);

  it('the key binds the direction key, the transfer id and the manifest; the backends agree', () => {
    expect(key).toHaveLength(32);
    expect([...deriveFileKey(nobleBackend, dirKey, f.transferId, manifest)]).toEqual([...key]);
    expect([...deriveFileKey(node, bytes(32, 8), f.transferId, manifest)]).not.toEqual([...key]);
    expect([...deriveFileKey(node, dirKey, bytes(16, 7), manifest)]).not.toEqual([...key]);
    const other = manifest.slice();
    other[other.length - 1]! ^= 1;
    expect([...deriveFileKey(node, dirKey, f.transferId, other)]).not.toEqual([...key]);
  });

  it('nonce = 4 zero bytes ‖ attempt ‖ index', () => {
    expect([...chunkNonce(0x01020304, 0x0a0b0c0d)]).toEqual([0, 0, 0, 0, 1, 2, 3, 4, 10, 11, 12, 13]);
  });

  it('seal/open round trip; tampering, a swapped index, another transfer, a wrong attempt or key all fail', () => {
    const pt = bytes(4096, 0x41);
    const frame = sealChunk(node, key, { transferId: f.transferId, attempt: 1, index: 0 }, pt);
    expect(frame).toHaveLength(25 + 4096 + 16);
    expect([...openChunk(node, key, frame)!]).toEqual([...pt]);
    expect([...openChunk(nobleBackend, key, frame)!]).toEqual([...pt]);
    const edits: [string, (fr: Uint8Array) => void][] = [
      ['body byte', (fr) => { fr[30]! ^= 1; }], ['tag byte', (fr) => { fr[fr.length - 1]! ^= 1; }],
      ['index', (fr) => { fr[24] = 1; }], ['attempt', (fr) => { fr[20] = 2; }], ['transferId', (fr) => { fr[1]! ^= 1; }], ['type', (fr) => { fr[0] = 2; }]
    ];
    for (const [what, edit] of edits) {
      const bad = frame.slice();
      edit(bad);
      expect(openChunk(node, key, bad), what).toBeNull();
    }
    const other = sealChunk(node, key, { transferId: f.transferId, attempt: 1, index: 1 }, pt);
    const swapped = Uint8Array.from([...frame.subarray(0, 25), ...other.subarray(25)]);
    expect(openChunk(node, key, swapped)).toBeNull();
    expect(openChunk(node, bytes(32, 1), frame)).toBeNull();
    expect(openChunk(node, key, frame.subarray(0, 40))).toBeNull();
  });
});

describe('file final message (PROTOCOL.md 14.6)', () => {
  const id = generateIdentity(node);
  const f = { transferId: bytes(16, 1), manifestHash: bytes(32, 2), size: 200_000, chunkCount: 4, fileSha256: bytes(32, 3) };
  const expectFor = { transferId: f.transferId, manifestHash: f.manifestHash, size: f.size, chunkCount: f.chunkCount, senderIdentityKey: id.publicKey };
  const final = signFinal(node, id.seed, f);

  it('verifies under the manifest sender and returns the file hash; the layout is version ‖ id ‖ manifest hash ‖ size ‖ count ‖ hash ‖ sig', () => {
    expect(final.length).toBe(157);
    expect(final[0]).toBe(1);
    expect(toHexString(final.subarray(17, 49))).toBe(toHexString(f.manifestHash));
    const v = verifyFinal(nobleBackend, final, expectFor);
    expect(v.ok && [...v.fileSha256]).toEqual([...f.fileSha256]);
  });

  it('refuses every bit flip, a wrong length or version, another signer and a final of another transfer, size or count', () => {
    for (let i = 0; i < final.length; i++) {
      const c = final.slice();
      c[i]! ^= 1;
      expect(verifyFinal(node, c, expectFor).ok, `bit flip at ${i}`).toBe(false);
    }
    expect(verifyFinal(node, final.subarray(1), expectFor)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifyFinal(node, Uint8Array.from([...final, 0]), expectFor)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifyFinal(node, final, { ...expectFor, senderIdentityKey: generateIdentity(node).publicKey })).toMatchObject({ reason: 'signature' });
    for (const over of [{ transferId: bytes(16, 9) }, { manifestHash: bytes(32, 9) }, { size: 200_001 }, { chunkCount: 5 }]) {
      expect(verifyFinal(node, final, { ...expectFor, ...over }), JSON.stringify(Object.keys(over))).toMatchObject({ ok: false, reason: 'wrong-transfer' });
    }
  });
});
