// The node:crypto ChaCha20-Poly1305 backend against noble: every Wycheproof vector, a randomized differential, fail-closed
// decryption, start-up selection, and services that pick it up by default yet interoperate with a noble-only peer.
import { randomBytes, randomInt } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { aeadOpen, aeadSeal, nobleAead, nobleBackend, openEnvelope, ReplayWindow, sealEnvelope, EnvelopeRejected, type Aead,
  type CryptoBackend } from '../../../main/crypto';
import { createNodeAead, selfTestAead, tryCreateNodeAead } from '../../../main/crypto-native/node-aead';
import { createNodeBackend } from '../../../main/crypto-native/node-backend';
import { createDefaultBackend } from '../../../main/crypto-native/select';
import { toHex } from '../../../protocol/encoding';
import { Clock, partsOf, idOf, joinAll, makePeer, text, untext, type Peer } from '../main/harness';
import { hex, loadWycheproof } from './vectors-dir';

const HAVE_NODE_CHACHA = tryCreateNodeAead() !== null;
const node: Aead | null = HAVE_NODE_CHACHA ? createNodeAead() : null;
const NODE_SKIP = HAVE_NODE_CHACHA ? '' : ' (skipped: this runtime has no node:crypto chacha20-poly1305)';
const withAead = (aead: Aead): CryptoBackend => ({ ...nobleBackend, aead });
const u8 = (n: number) => new Uint8Array(randomBytes(n));

describe.skipIf(!HAVE_NODE_CHACHA)(`node AEAD vs noble on every Wycheproof chacha20_poly1305 vector${NODE_SKIP}`, () => {
  it('325 cases: same verdict and bytes from both, valid ones open to msg, invalid ones (bad tags, bad nonce sizes) never open', () => {
    const { numberOfTests, groups } = loadWycheproof('chacha20_poly1305_test.json');
    const all = groups.flatMap((g) => g.tests);
    expect(all.length).toBe(325);
    expect(numberOfTests).toBe(325);
    const backends = [nobleBackend, withAead(node!)];
    const failures: string[] = [];
    let invalidTagCases = 0;
    for (const t of all) {
      const [key, iv, aad, msg, ct, tag] = [t.key, t.iv, t.aad, t.msg, t.ct, t.tag].map(hex) as Uint8Array[];
      const sealedExpected = new Uint8Array([...ct!, ...tag!]);
      const outcome = backends.map((b) => {
        let opened: string;
        let sealed: string;
        try {
          const o = aeadOpen('chacha20-poly1305', key!, iv!, aad!, sealedExpected, b);
          opened = o === null ? 'null' : toHex(o);
        } catch (err) {
          opened = `threw ${(err as Error).name}`;
        }
        try {
          sealed = toHex(aeadSeal('chacha20-poly1305', key!, iv!, aad!, msg!, b));
        } catch (err) {
          sealed = `threw ${(err as Error).name}`;
        }
        return { opened, sealed };
      });
      const [n, d] = outcome as [{ opened: string; sealed: string }, { opened: string; sealed: string }];
      const where = `tcId ${t.tcId} (${t.result}, ${t.comment})`;
      if (n.opened !== d.opened) failures.push(`${where}: open differs: noble ${n.opened} / node ${d.opened}`);
      if (n.sealed !== d.sealed) failures.push(`${where}: seal differs`);
      if (iv!.length === 12 && t.result === 'invalid') {
        invalidTagCases++;
        if (d.opened !== 'null') failures.push(`${where}: node opened an invalid case: ${d.opened}`);
        // Also straight through the Aead object, bypassing the wrapper.
        if (node!.open(key!, iv!, aad!, sealedExpected) !== null) failures.push(`${where}: node Aead opened an invalid case`);
      }
      if (iv!.length !== 12 && d.opened !== 'threw RangeError') failures.push(`${where}: a ${iv!.length}-byte nonce was not refused`);
      if (t.result === 'valid' && (d.opened !== toHex(msg!) || d.sealed !== toHex(sealedExpected))) failures.push(`${where}: wrong bytes`);
    }
    expect(failures).toEqual([]);
    expect(invalidTagCases).toBeGreaterThan(0);
  });
});

describe.skipIf(!HAVE_NODE_CHACHA)(`node AEAD: randomized differential against noble${NODE_SKIP}`, () => {
  it('random keys, nonces, AAD and plaintexts of many lengths (incl. 0): sealed by one, opened by the other', () => {
    const lengths = [0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 200, 255, 256, 257, 1023, 1024, 4096, 16 * 1024 + 3, 65536];
    for (let i = 0; i < 200; i++) lengths.push(randomInt(0, 3000));
    const pairs: [Aead, Aead][] = [[nobleAead, node!], [node!, nobleAead]];
    for (const len of lengths) {
      for (const [enc, dec] of pairs) {
        const key = u8(32);
        const nonce = u8(12);
        const aad = u8(randomInt(0, 100));
        const pt = u8(len);
        const sealed = enc.seal(key, nonce, aad, pt);
        expect(sealed.length).toBe(len + 16);
        expect(toHex(sealed)).toBe(toHex(dec.seal(key, nonce, aad, pt)));
        const opened = dec.open(key, nonce, aad, sealed);
        expect(opened).toBeInstanceOf(Uint8Array);
        expect(toHex(opened!)).toBe(toHex(pt));
        // Any flipped bit, a wrong AAD, key or nonce: both refuse, neither throws.
        const bad = sealed.slice();
        bad[randomInt(0, bad.length)]! ^= 1 << randomInt(0, 8);
        expect(dec.open(key, nonce, aad, bad)).toBeNull();
        expect(enc.open(key, nonce, aad, bad)).toBeNull();
        expect(dec.open(key, nonce, new Uint8Array([...aad, 0]), sealed)).toBeNull();
        expect(dec.open(u8(32), nonce, aad, sealed)).toBeNull();
        expect(dec.open(key, u8(12), aad, sealed)).toBeNull();
      }
    }
  });

  it('fails closed: a bad tag yields null (the typed decrypt-failed rejection), never plaintext; short input is null', () => {
    const key = u8(32);
    const nonce = u8(12);
    const sealed = node!.seal(key, nonce, new Uint8Array(0), text('attack at dawn'));
    const bad = sealed.slice();
    bad[bad.length - 1]! ^= 0x80;
    expect(node!.open(key, nonce, new Uint8Array(0), bad)).toBeNull();
    expect(node!.open(key, nonce, new Uint8Array(0), sealed.subarray(0, 15))).toBeNull();
    expect(aeadOpen('chacha20-poly1305', key, nonce, new Uint8Array(0), bad, withAead(node!))).toBeNull();
    // Through the envelope: the same EnvelopeRejected('decrypt-failed') as noble.
    for (const backend of [nobleBackend, withAead(node!)]) {
      const ids = { senderKeyId: u8(16), recipientKeyId: u8(16) };
      const env = sealEnvelope(backend, { sendKey: key, counter: 1, sentAt: 1000, ...ids }, text('hi'));
      env[env.length - 3]! ^= 1;
      const ctx = { recvKey: key, window: new ReplayWindow(), peerIdentityKey: u8(32) };
      let err: unknown;
      try {
        openEnvelope(backend, env, { now: 1000, freshnessTtlMs: 1000, maxBytes: 1 << 16, requireSignature: false, resolve: () => ctx });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EnvelopeRejected);
      expect((err as EnvelopeRejected).reason).toBe('decrypt-failed');
      expect(ctx.window.highestSeen).toBe(0);
    }
  });
});

describe('AEAD backend selection', () => {
  it('falls back to noble when getCiphers() lacks chacha20-poly1305 (Electron/BoringSSL) or throws', () => {
    expect(tryCreateNodeAead(() => ['aes-256-gcm'])).toBeNull();
    expect(tryCreateNodeAead(() => { throw new Error('no'); })).toBeNull();
  });

  it('the self-test rejects an AEAD that differs from noble or opens forgeries', () => {
    expect(selfTestAead(nobleAead)).toBe(true);
    const wrongBytes: Aead = { ...nobleAead, name: 'bad', seal: (k, n, a, p) => { const s = nobleAead.seal(k, n, a, p); s[0]! ^= 1; return s; } };
    const opensAnything: Aead = { ...nobleAead, name: 'bad', open: (k, n, a, s) => nobleAead.open(k, n, a, s) ?? s.subarray(0, s.length - 16) };
    const throws: Aead = { ...nobleAead, name: 'bad', open: () => { throw new Error('boom'); } };
    for (const bad of [wrongBytes, opensAnything, throws]) expect(selfTestAead(bad)).toBe(false);
  });

  it.skipIf(!HAVE_NODE_CHACHA)(`without libsodium, createDefaultBackend uses the node AEAD on top of the node asymmetric backend${NODE_SKIP}`, () => {
    const b = createDefaultBackend({ loadSodium: () => null });
    expect(b.name).toBe('node');
    expect(b.aead?.name).toBe('node');
    expect(createNodeBackend().aead).toBeUndefined();
  });
});

describe('services and the AEAD backend', () => {
  let peers: Peer[] = [];
  afterEach(async () => {
    for (const p of peers) await p.services.dispose();
    peers = [];
  });

  it.skipIf(process.env.VEIL_TEST_AEAD === 'noble')('createMainServices picks the libsodium backend (and its AEAD) by default', async () => {
    const a = await makePeer('alice', { clock: new Clock() });
    peers.push(a);
    expect(partsOf(a.services).backend.name).toBe('sodium');
    expect(partsOf(a.services).backend.aead?.name).toBe('sodium');
  });

  it('a default peer and a noble-only peer (what Electron gets) interoperate, signed and unsigned, both ways', async () => {
    const clock = new Clock();
    const a = await makePeer('alice', { clock });
    const b = await makePeer('bob', { clock, backend: nobleBackend });
    peers.push(a, b);
    expect(partsOf(b.services).backend.aead).toBeUndefined();
    await joinAll('r', [a, b]);
    for (const signMessages of [true, false]) {
      for (const p of [a, b]) p.services.updateSettings({ signMessages });
      for (const [from, to] of [[a, b], [b, a]] as const) {
        for (const msg of ['', 'x', 'hello '.repeat(500)]) {
          const env = await from.call('message:seal', 'r', await idOf(to), text(msg));
          expect(untext((await to.call('message:open', 'r', await idOf(from), env)).plaintext)).toBe(msg);
        }
      }
    }
  });
});
