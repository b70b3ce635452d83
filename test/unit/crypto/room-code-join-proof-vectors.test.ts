// Frozen room-code (§10a) and join-proof (§15) vectors, and the server's copy of the Ed25519 rule (§1) on every frozen case.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { fromB64u, toHex } from '../../../protocol/encoding';
import { joinProofBytes, type JoinProofFields } from '../../../protocol/join-proof';
import { canonicalRoomList, roomSecurityCode, type RoomCodeEntry } from '../../../renderer/src/lib/room-code';
import { shownNames } from '../../../renderer/src/lib/shown-names';
import { roomCodeDigits } from '../../../scripts/veil-vectors-extra';
import { checkJoinProof, strictEd25519Verify } from '../../../signaling-server/join-proof';
import { allBackends, sodiumApi } from './all-backends';
import { hex, loadWycheproof, VECTORS_DIR } from './vectors-dir';

const load = (name: string) => JSON.parse(readFileSync(path.join(VECTORS_DIR, 'veil', `${name}.json`), 'utf8')) as Record<string, unknown>;
const room = load('room-code') as { roomId: string; announced: { identityKey: string; displayName: string }[]; entries: RoomCodeEntry[];
  canonical: string; canonicalHex: string; sha256: string; code: string[] };
const proof = load('join-proof') as { fields: JoinProofFields; challengeHex: string; signedBytes: string; proof: string };
const flip = (b: Uint8Array, i: number) => { const c = b.slice(); c[i]! ^= 1; return c; };

describe('room security code vector (PROTOCOL.md §10a)', () => {
  it('the renderer builds the frozen canonical bytes and digits, in any member order', async () => {
    expect(canonicalRoomList(room.roomId, room.entries)).toBe(room.canonical);
    expect(toHex(new TextEncoder().encode(room.canonical))).toBe(room.canonicalHex);
    expect(await roomSecurityCode(room.roomId, room.entries)).toEqual(room.code);
    expect(await roomSecurityCode(room.roomId, [...room.entries].reverse())).toEqual(room.code);
  });

  it('the shown names (normalized, namesakes tagged) are the frozen ones', () => {
    const display = (b64: string) => (toHex(fromB64u(b64)!).match(/.{4}/g) ?? []).join(' ');
    const shown = shownNames(room.announced.map((m) => ({ ...m, fingerprint: display(m.identityKey) })));
    for (const e of room.entries) expect(shown.get(e.identityKey)?.label, e.identityKey).toBe(e.name);
    expect(room.announced.some((m) => m.displayName.normalize('NFC') !== m.displayName), 'an NFD name is in the input').toBe(true);
  });

  it('node:crypto, libsodium, noble and WebCrypto give the frozen SHA-256; the digits follow from it', async () => {
    const bytes = hex(room.canonicalHex);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(room.sha256);
    const out = Buffer.alloc(32);
    // libsodium's SHA-256 (not in main's typed subset of sodium-native, which needs none).
    (sodiumApi as unknown as { crypto_hash_sha256(out: Uint8Array, m: Uint8Array): void }).crypto_hash_sha256(out, Buffer.from(bytes));
    expect(out.toString('hex')).toBe(room.sha256);
    expect(toHex(sha256(bytes))).toBe(room.sha256);
    expect(toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', Uint8Array.from(bytes))))).toBe(room.sha256);
    expect(roomCodeDigits(hex(room.sha256))).toEqual(room.code);
  });

  it('every field of every member changes the code', async () => {
    const base = room.entries;
    const variants: [string, RoomCodeEntry[]][] = [
      ['name', base.map((e, i) => (i === 2 ? { ...e, name: 'Zoe' } : e))],
      ['tag', base.map((e, i) => (i === 0 ? { ...e, name: e.name.slice(0, -1) + '0' } : e))],
      ['identity key', base.map((e, i) => (i === 1 ? { ...e, identityKey: e.identityKey.replace(/^./, e.identityKey.startsWith('A') ? 'B' : 'A') } : e))],
      ['member missing', base.slice(1)]
    ];
    for (const [what, v] of variants) expect(await roomSecurityCode(room.roomId, v), what).not.toEqual(room.code);
    expect(await roomSecurityCode('kat-room-2', base), 'room').not.toEqual(room.code);
  });
});

describe('join proof vector (PROTOCOL.md §15)', () => {
  const bytes = hex(proof.signedBytes);
  const sig = fromB64u(proof.proof)!;
  const pub = fromB64u(proof.fields.identityKey)!;

  it('the layout is the frozen bytes (105 + r + o)', () => {
    expect(toHex(joinProofBytes(proof.fields))).toBe(proof.signedBytes);
    expect(bytes.length).toBe(105 + proof.fields.roomId.length + proof.fields.origin.length);
    expect(toHex(fromB64u(proof.fields.challenge)!)).toBe(proof.challengeHex);
  });

  for (const b of allBackends) {
    it(`${b.name}: the frozen proof verifies, one flipped bit of message or signature does not`, () => {
      expect(b.ed25519Verify(sig, bytes, pub)).toBe(true);
      expect(b.ed25519Verify(sig, flip(bytes, 60), pub)).toBe(false);
      expect(b.ed25519Verify(flip(sig, 5), bytes, pub)).toBe(false);
    });
  }

  it('the server accepts it only over its own challenge, origin, room and key id', () => {
    const held = { bytes: Buffer.from(hex(proof.challengeHex)), expiresAt: 10_000 };
    const origins = new Set([proof.fields.origin]);
    const input = { identityKey: proof.fields.identityKey, roomId: proof.fields.roomId, origin: proof.fields.origin, keyId: proof.fields.keyId,
      proof: proof.proof };
    expect(strictEd25519Verify(sig, bytes, pub)).toBe(true);
    expect(checkJoinProof(held, 0, origins, input)).toBeNull();
    expect(checkJoinProof({ ...held, bytes: Buffer.from(flip(held.bytes, 0)) }, 0, origins, input)).toBe('proof-invalid');
    expect(checkJoinProof(held, 0, origins, { ...input, roomId: 'kat-room-2' })).toBe('proof-invalid');
    expect(checkJoinProof(held, 0, new Set(['https://other.example']), input)).toBe('proof-origin');
    expect(checkJoinProof(held, 10_000, origins, input)).toBe('proof-expired');
  });

  it('the server\'s verifier gives the required verdict on every crafted rule case and every Wycheproof case', () => {
    const rule = load('ed25519-rule') as { cases: { name: string; publicKey: string; message: string; signature: string; valid: boolean }[] };
    const wrong = rule.cases.filter((c) => strictEd25519Verify(hex(c.signature), hex(c.message), hex(c.publicKey)) !== c.valid).map((c) => c.name);
    expect(rule.cases.length).toBe(32);
    const { groups } = loadWycheproof('ed25519_test.json');
    let n = 0;
    for (const g of groups) {
      const pk = hex((g as unknown as { publicKey: { pk: string } }).publicKey.pk);
      for (const t of g.tests) {
        n++;
        if (strictEd25519Verify(hex(t.sig), hex(t.msg), pk) !== (t.result === 'valid')) wrong.push(`tcId ${t.tcId}`);
      }
    }
    expect(n).toBe(151);
    expect(wrong).toEqual([]);
  });
});
