// Fuzz: ≥100,000 random and mutated envelopes through openEnvelope — no crash, none accepted, no state change.
import { describe, expect, it } from 'vitest';
import { EnvelopeRejected, nobleBackend, openEnvelope, ReplayWindow, sealEnvelope, HEADER_BYTES, type EnvelopeHeader } from '../../../main/crypto';
import { LIMITS } from '../../../protocol/limits';
import { createNodeBackend } from '../../../main/crypto-native/node-backend';

/** Deterministic xorshift PRNG so any failure reproduces. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('envelope fuzz', () => {
  it('100,000 random and 20,000 mutated envelopes: none accepted, no crash, window untouched', () => {
    const rand = rng(0xbeef);
    // The native backend keeps signature checks of mutated signed envelopes fast; noble seals the originals.
    const b = createNodeBackend();
    const seed = new Uint8Array(32).fill(3);
    const pub = b.ed25519PublicKey(seed);
    const sendKey = new Uint8Array(32).fill(9);
    const senderKeyId = new Uint8Array(16).fill(1);
    const recipientKeyId = new Uint8Array(16).fill(2);
    const now = 1_800_000_000_000;
    const window = new ReplayWindow();
    const ctx = { recvKey: sendKey, window, peerIdentityKey: pub };
    const resolve = (h: EnvelopeHeader) => {
      if (h.recipientKeyId.some((x, i) => x !== recipientKeyId[i])) throw new EnvelopeRejected('wrong-recipient', 'no');
      if (h.senderKeyId.some((x, i) => x !== senderKeyId[i])) throw new EnvelopeRejected('unknown-key', 'no');
      return ctx;
    };
    const opts = { now, freshnessTtlMs: LIMITS.freshnessTtlMs, maxBytes: LIMITS.maxEnvelopeBytes, requireSignature: false, resolve };
    const valid = [true, false].map((signed) => sealEnvelope(nobleBackend, { sendKey, counter: 5, sentAt: now, senderKeyId, recipientKeyId,
      ...(signed ? { signingSeed: seed } : {}) }, new Uint8Array(40).fill(7)));
    const reasons = new Map<string, number>();
    let accepted = 0;
    const tryOpen = (bytes: Uint8Array) => {
      try {
        openEnvelope(b, bytes, opts);
        accepted++;
      } catch (err) {
        if (!(err instanceof EnvelopeRejected)) throw err;
        reasons.set(err.reason, (reasons.get(err.reason) ?? 0) + 1);
      }
    };
    for (let i = 0; i < 100_000; i++) {
      const len = Math.floor(rand() * 200);
      const bytes = new Uint8Array(len);
      for (let j = 0; j < len; j++) bytes[j] = Math.floor(rand() * 256);
      // A fifth start with a valid version byte so the parser goes deeper.
      if (i % 5 === 0 && len > 0) bytes[0] = 1;
      if (i % 10 === 0 && len > 1) bytes[1] = 0;
      tryOpen(bytes);
    }
    for (let i = 0; i < 20_000; i++) {
      const base = valid[i & 1]!;
      const m = base.slice(0, rand() < 0.1 ? Math.floor(rand() * base.length) : base.length);
      const flips = 1 + Math.floor(rand() * 4);
      for (let f = 0; f < flips && m.length > 0; f++) m[Math.floor(rand() * m.length)]! ^= 1 + Math.floor(rand() * 255);
      if (m.length === base.length && m.every((x, k) => x === base[k])) continue;
      tryOpen(m);
    }
    expect(accepted).toBe(0);
    expect(window.highestSeen).toBe(0);
    expect(reasons.get('malformed')).toBeGreaterThan(90_000);
    // The untouched envelopes still open, proving the fuzz harness could accept something.
    for (const v of valid) expect(openEnvelope(b, v, opts).plaintext.length).toBe(40);
    expect(HEADER_BYTES).toBe(50);
  });
});
