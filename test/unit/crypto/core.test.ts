// Unit tests of the pure core: ct-equal, replay window, session derivation symmetry, all-zero DH, envelope layout, backends agree.
import { describe, expect, it } from 'vitest';
import { ctEqual, deriveSessionKeys, EnvelopeRejected, envelopeOverhead, generateEphemeral, generateIdentity, MAX_COUNTER_JUMP, nobleBackend, openEnvelope,
  parseEnvelope, REPLAY_WINDOW_SIZE, ReplayWindow, sealEnvelope, signBundle, verifyBundle, ZeroSharedSecretError, wipe, bundleBytes,
  LABELS, utf8 } from '../../../main/crypto';
import { createNodeBackend, tryCreateNodeBackend } from '../../../main/crypto-native/node-backend';
import { toB64u } from '../../../protocol/encoding';

const node = createNodeBackend();

describe('bytes', () => {
  it('ctEqual compares contents and lengths; wipe zeroes', () => {
    expect(ctEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(ctEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(ctEqual(Uint8Array.of(1), Uint8Array.of(1, 0))).toBe(false);
    const s = Uint8Array.of(5, 6);
    wipe(s, null);
    expect([...s]).toEqual([0, 0]);
    expect([...utf8('é€😀')]).toEqual([...Buffer.from('é€😀')]);
  });
});

describe('replay window', () => {
  it('accepts new and reordered counters once, rejects duplicates, too-old and too-far; check never mutates', () => {
    const w = new ReplayWindow();
    expect(w.check(0)).toBe('replay');
    expect(w.check(5)).toBe('ok');
    expect(w.check(5)).toBe('ok');
    w.commit(5);
    expect(w.check(5)).toBe('replay');
    expect(w.check(3)).toBe('ok');
    w.commit(3);
    expect(w.check(3)).toBe('replay');
    w.commit(5 + REPLAY_WINDOW_SIZE);
    expect(w.check(5)).toBe('replay');
    expect(w.check(6)).toBe('ok');
    expect(w.check(6 + REPLAY_WINDOW_SIZE)).toBe('ok');
    w.commit(5 + REPLAY_WINDOW_SIZE + 3);
    expect(w.check(5 + REPLAY_WINDOW_SIZE + 1)).toBe('ok');
    expect(w.check(5 + REPLAY_WINDOW_SIZE + 3)).toBe('replay');
    expect(w.check(w.highestSeen + MAX_COUNTER_JUMP + 1)).toBe('too-far');
  });
});

describe('sessions', () => {
  for (const b of [nobleBackend, node]) {
    it(`both sides derive mirrored direction keys, bound to the room (${b.name})`, () => {
      const [ia, ib] = [generateIdentity(b), generateIdentity(b)];
      const [ea, eb] = [generateEphemeral(b), generateEphemeral(b)];
      const ka = deriveSessionKeys(b, 'room', { identityKey: ia.publicKey, ephemeral: ea }, { identityKey: ib.publicKey, ephemeralKey: eb.publicKey, keyId: eb.keyId });
      const kb = deriveSessionKeys(b, 'room', { identityKey: ib.publicKey, ephemeral: eb }, { identityKey: ia.publicKey, ephemeralKey: ea.publicKey, keyId: ea.keyId });
      expect(ctEqual(ka.sendKey, kb.recvKey) && ctEqual(ka.recvKey, kb.sendKey)).toBe(true);
      expect(ctEqual(ka.sendKey, ka.recvKey)).toBe(false);
      const other = deriveSessionKeys(b, 'room2', { identityKey: ia.publicKey, ephemeral: ea }, { identityKey: ib.publicKey, ephemeralKey: eb.publicKey, keyId: eb.keyId });
      expect(ctEqual(other.sendKey, ka.sendKey)).toBe(false);
      const swapped = deriveSessionKeys(b, 'room', { identityKey: ia.publicKey, ephemeral: ea }, { identityKey: ia.publicKey, ephemeralKey: eb.publicKey, keyId: eb.keyId });
      expect(ctEqual(swapped.sendKey, ka.sendKey)).toBe(false);
    });

    it(`all-zero shared secrets (low-order points) are rejected (${b.name})`, () => {
      const e = generateEphemeral(b);
      for (const low of [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31))]) {
        expect(() => deriveSessionKeys(b, 'r', { identityKey: new Uint8Array(32), ephemeral: e },
          { identityKey: new Uint8Array(32).fill(1), ephemeralKey: low, keyId: new Uint8Array(16) })).toThrow(ZeroSharedSecretError);
      }
    });
  }

  it('noble and node backends interoperate (sign/verify, DH) and the node backend is available here', () => {
    expect(tryCreateNodeBackend()).not.toBeNull();
    const id = generateIdentity(nobleBackend);
    expect(toB64u(node.ed25519PublicKey(id.seed))).toBe(toB64u(id.publicKey));
    const msg = utf8('hello');
    expect(node.ed25519Verify(nobleBackend.ed25519Sign(msg, id.seed), msg, id.publicKey)).toBe(true);
    expect(nobleBackend.ed25519Verify(node.ed25519Sign(msg, id.seed), msg, id.publicKey)).toBe(true);
    const [x, y] = [generateEphemeral(nobleBackend), generateEphemeral(node)];
    expect(toB64u(node.x25519(x.secretKey, y.publicKey))).toBe(toB64u(nobleBackend.x25519(y.secretKey, x.publicKey)));
  });
});

describe('bundles and envelopes', () => {
  it('bundle signature covers every field; byte layout starts with the label', () => {
    const id = generateIdentity(nobleBackend);
    const e = generateEphemeral(nobleBackend);
    const u = { v: 1 as const, identityKey: toB64u(id.publicKey), roomId: 'r', keyId: toB64u(e.keyId), epoch: 7, ephemeralKey: toB64u(e.publicKey),
      createdAt: 1000, expiresAt: 2000 };
    const s = signBundle(nobleBackend, id.seed, u);
    expect(verifyBundle(node, s)).toBe(true);
    for (const patch of [{ epoch: 8 }, { roomId: 's' }, { createdAt: 1001 }, { expiresAt: 2001 }, { keyId: toB64u(new Uint8Array(16)) },
      { ephemeralKey: toB64u(new Uint8Array(32).fill(1)) }]) expect(verifyBundle(nobleBackend, { ...s, ...patch })).toBe(false);
    const bytes = bundleBytes(u);
    expect(Buffer.from(bytes.subarray(0, LABELS.bundle.length)).toString()).toBe(LABELS.bundle);
    expect(bytes.length).toBe(LABELS.bundle.length + 4 + 32 + 2 + 16 + 4 + 32 + 8 + 8);
  });

  it('envelope layout: 50-byte header, overhead 66 unsigned / 130 signed, and a failed open leaves the window untouched', () => {
    const seed = new Uint8Array(32).fill(4);
    const key = new Uint8Array(32).fill(8);
    const ids = { senderKeyId: new Uint8Array(16).fill(1), recipientKeyId: new Uint8Array(16).fill(2) };
    const env = sealEnvelope(nobleBackend, { sendKey: key, counter: 1, sentAt: 10, ...ids, signingSeed: seed }, new Uint8Array(200));
    expect(env.length - 200).toBe(envelopeOverhead(true));
    expect(envelopeOverhead(false)).toBe(66);
    const p = parseEnvelope(env, 1 << 20);
    expect(p.header).toMatchObject({ version: 1, signed: true, counter: 1, sentAt: 10 });
    const w = new ReplayWindow();
    const ctx = { recvKey: new Uint8Array(32).fill(9), window: w, peerIdentityKey: nobleBackend.ed25519PublicKey(seed) };
    const opts = { now: 10, freshnessTtlMs: 1000, maxBytes: 1 << 20, requireSignature: true, resolve: () => ctx };
    expect(() => openEnvelope(nobleBackend, env, opts)).toThrow(/authentication/);
    expect(w.highestSeen).toBe(0);
    ctx.recvKey = key;
    const r = openEnvelope(nobleBackend, env, opts);
    expect(w.highestSeen).toBe(0);
    r.commit();
    expect(w.highestSeen).toBe(1);
    const unsigned = sealEnvelope(nobleBackend, { sendKey: key, counter: 2, sentAt: 10, ...ids }, new Uint8Array(1));
    expect(() => openEnvelope(nobleBackend, unsigned, opts)).toThrow(/unsigned/);
  });
});

describe('open check order', () => {
  it('version, recipient, signature, freshness, replay, AEAD: the earliest failing check names the rejection', () => {
    const b = createNodeBackend();
    const seed = new Uint8Array(32).fill(4);
    const key = new Uint8Array(32).fill(8);
    const ids = { senderKeyId: new Uint8Array(16).fill(1), recipientKeyId: new Uint8Array(16).fill(2) };
    const window = new ReplayWindow();
    const ctx = { recvKey: key, window, peerIdentityKey: b.ed25519PublicKey(seed) };
    const opts = (now: number) => ({ now, freshnessTtlMs: 1000, maxBytes: 1 << 20, requireSignature: false,
      resolve: (h: { recipientKeyId: Uint8Array }) => {
        if (h.recipientKeyId[0] !== 2) throw new EnvelopeRejected('wrong-recipient', 'not me');
        return ctx;
      } });
    const reason = (env: Uint8Array, now = 10) => {
      try {
        openEnvelope(b, env, opts(now)).commit();
        return 'ok';
      } catch (err) {
        return (err as EnvelopeRejected).reason;
      }
    };
    const env = sealEnvelope(b, { sendKey: key, counter: 1, sentAt: 10, ...ids, signingSeed: seed }, new Uint8Array(20));
    const mutate = (f: (e: Uint8Array) => void) => { const e = env.slice(); f(e); return e; };
    const badVersionAndRecipient = mutate((e) => { e[0] = 9; e[18] = 0; });
    const badRecipientAndSig = mutate((e) => { e[18] = 0; e[e.length - 1]! ^= 1; });
    const badSig = mutate((e) => { e[e.length - 1]! ^= 1; });
    expect(reason(badVersionAndRecipient)).toBe('malformed');
    expect(reason(badRecipientAndSig)).toBe('wrong-recipient');
    expect(reason(badSig, 10_000)).toBe('signature');
    expect(reason(env)).toBe('ok');
    expect(reason(env, 10_000)).toBe('stale');
    expect(reason(env)).toBe('replay');
    const unsigned = sealEnvelope(b, { sendKey: key, counter: 1, sentAt: 10, ...ids }, new Uint8Array(20));
    const tampered = unsigned.slice();
    tampered[tampered.length - 1]! ^= 1;
    expect(reason(tampered)).toBe('replay');
    const fresh = sealEnvelope(b, { sendKey: key, counter: 2, sentAt: 10, ...ids }, new Uint8Array(20));
    const tampered2 = fresh.slice();
    tampered2[tampered2.length - 1]! ^= 1;
    expect(reason(tampered2)).toBe('decrypt-failed');
    expect(window.highestSeen).toBe(1);
  });
});

describe('native Ed25519 strictness beyond Wycheproof', () => {
  it('rejects the small-order-key forgery (A = identity, R = identity, S = 0) that raw OpenSSL accepts, like noble zip215: false', async () => {
    const { createPublicKey, verify } = await import('node:crypto');
    const A = new Uint8Array(32);
    A[0] = 1;
    const sig = new Uint8Array(64);
    sig[0] = 1;
    const msg = Uint8Array.of(1, 2, 3);
    const ko = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), A]), format: 'der', type: 'spki' });
    const rawOpenSsl = verify(null, msg, ko, sig);
    expect(nobleBackend.ed25519Verify(sig, msg, A)).toBe(false);
    expect(node.ed25519Verify(sig, msg, A)).toBe(false);
    // Documents why the wrapper exists: if OpenSSL ever starts rejecting this, the test still passes.
    expect(typeof rawOpenSsl).toBe('boolean');
    // Non-canonical S (S + L) and negative-zero R are rejected before OpenSSL is asked.
    const id = generateIdentity(node);
    const good = node.ed25519Sign(msg, id.seed);
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(good[i]!);
    s += L;
    const bad = good.slice();
    for (let i = 32; i < 64; i++) { bad[i] = Number(s & 0xffn); s >>= 8n; }
    expect(node.ed25519Verify(good, msg, id.publicKey)).toBe(true);
    expect(node.ed25519Verify(bad, msg, id.publicKey)).toBe(false);
    expect(nobleBackend.ed25519Verify(bad, msg, id.publicKey)).toBe(false);
  });
});
