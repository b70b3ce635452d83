// Link binding crypto: the known-answer vectors (offer, answer, confirm; written by scripts/link-binding-vectors.py) on every backend, and every transcript field (and the key) changing the MAC.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { linkBindingKey, linkBindingMac, linkTranscript, verifyLinkBindingMac, type LinkTranscript } from '../../../main/crypto';
import { toHex } from '../../../protocol/encoding';
import { sha256 } from '@noble/hashes/sha2.js';
import { allBackends } from './all-backends';
import { hex } from './vectors-dir';

interface VectorCase { role: 'offer' | 'answer' | 'confirm'; roomId: string; senderIdentityKey: string; recipientIdentityKey: string; senderKeyId: string;
  senderEpoch: number; recipientKeyId: string; recipientEpoch: number; senderFingerprint: string; recipientFingerprint: string;
  offerSdp?: string; offerDigest?: string; answerSdp?: string; answerDigest?: string; transcript: string; mac: string }
const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../vectors/veil/link-binding.json');
const vec = JSON.parse(readFileSync(file, 'utf8')) as { directionKey: string; bindKey: string; cases: VectorCase[] };

const toTranscript = (c: VectorCase): LinkTranscript => ({
  role: c.role, roomId: c.roomId, senderIdentityKey: hex(c.senderIdentityKey), recipientIdentityKey: hex(c.recipientIdentityKey),
  senderKeyId: hex(c.senderKeyId), senderEpoch: c.senderEpoch, recipientKeyId: hex(c.recipientKeyId), recipientEpoch: c.recipientEpoch,
  senderFingerprint: c.senderFingerprint, recipientFingerprint: c.recipientFingerprint,
  ...(c.offerDigest ? { offerDigest: hex(c.offerDigest) } : {}),
  ...(c.answerDigest ? { answerDigest: hex(c.answerDigest) } : {})
});
const flip = (b: Uint8Array) => { const o = b.slice(); o[o.length - 1]! ^= 1; return o; };
const withoutDigest = (t: LinkTranscript): LinkTranscript => { const { answerDigest: _a, offerDigest: _o, ...rest } = t; void _a; void _o; return rest; };
const FP2 = 'sha-256 ' + Array.from({ length: 32 }, () => 'AA').join(':');

describe('link binding', () => {
  it('matches the vectors (bind key, transcript bytes, MAC) and the SDP digests they bind', () => {
    const key = hex(vec.directionKey);
    expect(toHex(linkBindingKey(key))).toBe(vec.bindKey);
    expect(vec.cases.map((c) => c.role)).toEqual(['offer', 'answer', 'confirm']);
    const confirm = vec.cases[2]!;
    expect(toHex(sha256(new TextEncoder().encode(confirm.answerSdp!)))).toBe(confirm.answerDigest);
    const answer = vec.cases[1]!;
    expect(toHex(sha256(new TextEncoder().encode(answer.offerSdp!)))).toBe(answer.offerDigest);
    for (const c of vec.cases) {
      const t = toTranscript(c);
      expect(toHex(linkTranscript(t))).toBe(c.transcript);
      expect(toHex(linkBindingMac(key, t))).toBe(c.mac);
      expect(verifyLinkBindingMac(key, t, hex(c.mac))).toBe(true);
    }
  });

  it('the second implementation (scripts/link-binding-vectors.py, Python stdlib) writes exactly this file', () => {
    const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../scripts/link-binding-vectors.py');
    const run = spawnSync('python3', [script, '--check'], { encoding: 'utf8' });
    expect(run.error, 'python3 runs').toBeUndefined();
    expect({ status: run.status, stderr: run.stderr.trim() }).toEqual({ status: 0, stderr: '' });
  });

  for (const b of allBackends) {
    it(`${b.name}: derives the vectors' bind key and MACs, and verifies them`, () => {
      const key = hex(vec.directionKey);
      expect(toHex(linkBindingKey(key, b))).toBe(vec.bindKey);
      for (const c of vec.cases) {
        expect(toHex(linkBindingMac(key, toTranscript(c), b)), c.role).toBe(c.mac);
        expect(verifyLinkBindingMac(key, toTranscript(c), hex(c.mac), b), c.role).toBe(true);
        expect(verifyLinkBindingMac(key, toTranscript(c), flip(hex(c.mac)), b), c.role).toBe(false);
      }
    });
  }

  it('every field, the key and the MAC itself break verification', () => {
    const key = hex(vec.directionKey);
    const answer = vec.cases[1]!;
    const t = toTranscript(answer);
    const mac = hex(answer.mac);
    const variants: [string, LinkTranscript][] = [
      ['role', { ...withoutDigest(t), role: 'offer', recipientFingerprint: '' }],
      ['as a confirm over the same digest', { ...withoutDigest(t), role: 'confirm', answerDigest: t.offerDigest! }],
      ['digest of another offer', { ...t, offerDigest: sha256(new TextEncoder().encode(`${answer.offerSdp!}a=ice-ufrag:Zz\r\n`)) }],
      ['offer digest bit flipped', { ...t, offerDigest: flip(t.offerDigest!) }],
      ['room', { ...t, roomId: 'room-2' }],
      ['sender identity', { ...t, senderIdentityKey: flip(t.senderIdentityKey) }],
      ['recipient identity', { ...t, recipientIdentityKey: flip(t.recipientIdentityKey) }],
      ['swapped identities', { ...t, senderIdentityKey: t.recipientIdentityKey, recipientIdentityKey: t.senderIdentityKey }],
      ['sender keyId', { ...t, senderKeyId: flip(t.senderKeyId) }],
      ['sender epoch', { ...t, senderEpoch: t.senderEpoch + 1 }],
      ['recipient keyId', { ...t, recipientKeyId: flip(t.recipientKeyId) }],
      ['recipient epoch', { ...t, recipientEpoch: t.recipientEpoch - 1 }],
      ['sender fingerprint', { ...t, senderFingerprint: FP2 }],
      ['recipient fingerprint', { ...t, recipientFingerprint: FP2 }],
      ['swapped fingerprints', { ...t, senderFingerprint: t.recipientFingerprint, recipientFingerprint: t.senderFingerprint }]
    ];
    for (const [what, v] of variants) expect(verifyLinkBindingMac(key, v, mac), what).toBe(false);
    expect(verifyLinkBindingMac(flip(key), t, mac), 'other key').toBe(false);
    expect(verifyLinkBindingMac(key, t, flip(mac)), 'tampered mac').toBe(false);
    expect(verifyLinkBindingMac(key, t, mac.slice(0, 31)), 'short mac').toBe(false);
    expect(verifyLinkBindingMac(key, t, mac)).toBe(true);
  });

  it('a confirm binds role 3, both fingerprints and the answer digest: each of them breaks it', () => {
    const key = hex(vec.directionKey);
    const confirm = vec.cases[2]!;
    const t = toTranscript(confirm);
    const mac = hex(confirm.mac);
    const otherAnswer = sha256(new TextEncoder().encode(`${confirm.answerSdp!}a=ice-ufrag:Zz\r\n`));
    const variants: [string, LinkTranscript][] = [
      ['digest of another answer', { ...t, answerDigest: otherAnswer }],
      ['digest bit flipped', { ...t, answerDigest: flip(t.answerDigest!) }],
      ['as an answer over the same digest', { ...withoutDigest(t), role: 'answer', offerDigest: t.answerDigest! }],
      ['room', { ...t, roomId: 'room-2' }],
      ['sender identity', { ...t, senderIdentityKey: flip(t.senderIdentityKey) }],
      ['recipient identity', { ...t, recipientIdentityKey: flip(t.recipientIdentityKey) }],
      ['sender keyId', { ...t, senderKeyId: flip(t.senderKeyId) }],
      ['sender epoch', { ...t, senderEpoch: t.senderEpoch + 1 }],
      ['recipient keyId', { ...t, recipientKeyId: flip(t.recipientKeyId) }],
      ['recipient epoch', { ...t, recipientEpoch: t.recipientEpoch + 1 }],
      ['sender fingerprint', { ...t, senderFingerprint: FP2 }],
      ['recipient fingerprint', { ...t, recipientFingerprint: FP2 }],
      ['swapped fingerprints', { ...t, senderFingerprint: t.recipientFingerprint, recipientFingerprint: t.senderFingerprint }]
    ];
    for (const [what, v] of variants) expect(verifyLinkBindingMac(key, v, mac), what).toBe(false);
    expect(verifyLinkBindingMac(flip(key), t, mac), 'other key').toBe(false);
    // The answer's own MAC is not a confirm, and the confirm's MAC is not the answer's.
    expect(verifyLinkBindingMac(key, t, hex(vec.cases[1]!.mac)), 'answer mac as confirm').toBe(false);
    expect(verifyLinkBindingMac(key, t, mac)).toBe(true);
    expect(() => linkTranscript(withoutDigest(t))).toThrow(RangeError);
    expect(() => linkTranscript({ ...t, answerDigest: t.answerDigest!.slice(1) })).toThrow(RangeError);
    expect(() => linkTranscript({ ...t, recipientFingerprint: '' })).toThrow(RangeError);
    expect(() => linkTranscript({ ...toTranscript(vec.cases[1]!), answerDigest: t.answerDigest! })).toThrow(RangeError);
    expect(() => linkTranscript({ ...t, offerDigest: t.answerDigest! })).toThrow(RangeError);
    const answerT = toTranscript(vec.cases[1]!);
    expect(() => linkTranscript(withoutDigest(answerT))).toThrow(RangeError);
    expect(() => linkTranscript({ ...answerT, offerDigest: answerT.offerDigest!.slice(1) })).toThrow(RangeError);
  });

  it('the bind key differs from the session key, and bad shapes are refused', () => {
    const key = hex(vec.directionKey);
    expect(toHex(linkBindingKey(key))).not.toBe(vec.directionKey);
    const t = toTranscript(vec.cases[0]!);
    expect(() => linkTranscript({ ...t, recipientFingerprint: FP2 })).toThrow(RangeError);
    expect(() => linkTranscript({ ...t, role: 'answer' })).toThrow(RangeError);
    expect(() => linkTranscript({ ...t, offerDigest: new Uint8Array(32) })).toThrow(RangeError);
    expect(() => linkTranscript({ ...t, senderKeyId: t.senderKeyId.slice(1) })).toThrow(RangeError);
    expect(() => linkBindingKey(key.slice(1))).toThrow(RangeError);
    expect(verifyLinkBindingMac(key, { ...t, recipientFingerprint: FP2 }, hex(vec.cases[0]!.mac))).toBe(false);
  });
});
