// Veil's frozen known-answer vectors (test/vectors/veil/): every backend reproduces them byte for byte, and opens/verifies them.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openChunk, openEnvelope, ReplayWindow, verifyBundle, verifyFinal, verifyOffer, verifyRevocation, verifyRotation } from '../../../main/crypto';
import type { WireKeyBundle, WireRevocationNotice, WireRotationNotice } from '../../../protocol/keys';
import { toHex } from '../../../protocol/encoding';
import { computeVeilVectors } from '../../../scripts/veil-vectors';
import { allBackends } from './all-backends';
import { hex, VECTORS_DIR } from './vectors-dir';

const dir = path.join(VECTORS_DIR, 'veil');
const frozen = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.json'))
  .map((f) => [f.slice(0, -5), JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>]));
const str = (file: string, key: string) => String(frozen[file]![key]);
const flip = (b: Uint8Array, i: number) => { const c = b.slice(); c[i]! ^= 1; return c; };

describe('Veil known-answer vectors', () => {
  it('the frozen set holds every category (link-binding and room-code vectors live beside them)', () => {
    for (const name of ['parties', 'key-bundle', 'session', 'envelope', 'rotation', 'revocation', 'safety-number', 'file-manifest', 'file-key', 'file-chunk', 'file-final',
      'ed25519-rule', 'join-proof', 'room-code', 'media-key', 'group-chat']) {
      expect(frozen[name], name).toBeDefined();
    }
  });

  for (const b of allBackends) {
    it(`${b.name} (AEAD ${b.aead?.name ?? 'noble'}): recomputes every vector byte for byte`, () => {
      const computed = JSON.parse(JSON.stringify(computeVeilVectors(b))) as Record<string, unknown>;
      for (const [name, body] of Object.entries(computed)) expect(body, name).toEqual(frozen[name]);
    });

    it(`${b.name}: verifies the frozen signatures and opens the frozen ciphertexts; one flipped bit is refused`, () => {
      const bundle = frozen['key-bundle']!.bundle as WireKeyBundle;
      expect(verifyBundle(b, bundle)).toBe(true);
      expect(verifyBundle(b, { ...bundle, epoch: bundle.epoch + 1 })).toBe(false);
      const rotation = frozen.rotation!.notice as WireRotationNotice;
      expect(verifyRotation(b, rotation)).toBe(true);
      expect(verifyRotation(b, { ...rotation, issuedAt: rotation.issuedAt + 1 })).toBe(false);
      const revocation = frozen.revocation!.notice as WireRevocationNotice;
      expect(verifyRevocation(b, revocation)).toBe(true);
      expect(verifyRevocation(b, { ...revocation, epoch: revocation.epoch + 1 })).toBe(false);

      for (const kind of ['unsigned', 'signed'] as const) {
        const env = hex(str('envelope', kind));
        const open = (bytes: Uint8Array) => {
          const ctx = { recvKey: hex(str('session', 'bobRecvKey')), window: new ReplayWindow(), peerIdentityKey: hex(str('parties', 'aliceIdentityKey')) };
          return openEnvelope(b, bytes, { now: Number(frozen.envelope!.sentAt), freshnessTtlMs: 60_000, maxBytes: 1 << 16,
            requireSignature: kind === 'signed', resolve: () => ctx });
        };
        expect(toHex(open(env).plaintext), kind).toBe(str('envelope', 'plaintext'));
        expect(() => open(flip(env, env.length - 1)), kind).toThrow();
      }

      const offer = hex(str('file-manifest', 'offer'));
      const verified = verifyOffer(b, offer);
      expect(verified.ok).toBe(true);
      if (verified.ok) expect(toHex(verified.manifestBytes)).toBe(str('file-manifest', 'manifest'));
      expect(verifyOffer(b, flip(offer, 10)).ok).toBe(false);
      const fileKey = hex(str('file-key', 'fileKey'));
      for (const i of [0, 1]) {
        const frame = hex(str('file-chunk', `frame${i}`));
        expect(toHex(openChunk(b, fileKey, frame)!)).toBe(str('file-chunk', `chunk${i}Plaintext`));
        expect(openChunk(b, fileKey, flip(frame, 30))).toBeNull();
      }
      const final = hex(str('file-final', 'final'));
      const ff = frozen['file-final']!.fields as Record<string, string | number>;
      const expectFinal = { transferId: hex(ff.transferId), manifestHash: hex(ff.manifestHash), size: Number(ff.size), chunkCount: Number(ff.chunkCount),
        senderIdentityKey: hex(str('parties', 'aliceIdentityKey')) };
      const good = verifyFinal(b, final, expectFinal);
      expect(good.ok && toHex(good.fileSha256)).toBe(String(ff.fileSha256));
      expect(verifyFinal(b, flip(final, 70), expectFinal)).toMatchObject({ ok: false, reason: 'signature' });
      expect(verifyFinal(b, final, { ...expectFinal, senderIdentityKey: hex(str('parties', 'bobIdentityKey')) })).toMatchObject({ ok: false, reason: 'signature' });
      expect(verifyFinal(b, final, { ...expectFinal, manifestHash: flip(expectFinal.manifestHash, 0) })).toMatchObject({ ok: false, reason: 'wrong-transfer' });
    });
  }
});
