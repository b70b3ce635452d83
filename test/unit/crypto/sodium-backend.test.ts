// The libsodium backend: randomized differential against noble and node:crypto, start-up selection and fallbacks, and a worker thread.
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ed25519 } from '@noble/curves/ed25519.js';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ed25519Verify, hkdfSha256, nobleAead, nobleBackend, ZeroSharedSecretError } from '../../../main/crypto';
import { createNodeBackend } from '../../../main/crypto-native/node-backend';
import { createDefaultBackend } from '../../../main/crypto-native/select';
import { selfTestBackend } from '../../../main/crypto-native/self-test';
import { createSodiumBackend, tryCreateSodiumBackend, type SodiumApi } from '../../../main/crypto-native/sodium-backend';
import { toHex } from '../../../protocol/encoding';
import { allBackends, sodiumApi } from './all-backends';

const u8 = (n: number) => new Uint8Array(randomBytes(n));
const sodium = createSodiumBackend(sodiumApi);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('libsodium backend: randomized differential against noble and node:crypto', () => {
  it('Ed25519: same public keys and signatures from every backend; each verifies every other one; tampering is refused by all', () => {
    for (let i = 0; i < 40; i++) {
      const seed = u8(32);
      const msg = u8(randomInt(0, 600));
      const pubs = allBackends.map((b) => toHex(b.ed25519PublicKey(seed)));
      expect(new Set(pubs).size).toBe(1);
      const sigs = allBackends.map((b) => b.ed25519Sign(msg, seed));
      expect(new Set(sigs.map(toHex)).size).toBe(1);
      const pub = sodium.ed25519PublicKey(seed);
      const bad = sigs[0]!.slice();
      bad[randomInt(0, 64)]! ^= 1 << randomInt(0, 8);
      for (const b of allBackends) {
        expect(ed25519Verify(b, sigs[0]!, msg, pub), b.name).toBe(true);
        expect(ed25519Verify(b, bad, msg, pub), b.name).toBe(false);
        expect(ed25519Verify(b, sigs[0]!, new Uint8Array([...msg, 0]), pub), b.name).toBe(false);
      }
    }
  });

  it('X25519 and HKDF: same outputs everywhere; all-zero results throw ZeroSharedSecretError', () => {
    for (let i = 0; i < 40; i++) {
      const [a, b] = [u8(32), u8(32)];
      const pubB = allBackends.map((x) => toHex(x.x25519PublicKey(b)));
      expect(new Set(pubB).size).toBe(1);
      const shared = allBackends.map((x) => toHex(x.x25519(a, x.x25519PublicKey(b))));
      expect(new Set(shared).size).toBe(1);
      const [ikm, salt, info] = [u8(randomInt(0, 80)), u8(randomInt(0, 40)), u8(randomInt(0, 40))];
      const len = randomInt(1, 200);
      expect(new Set(allBackends.map((x) => toHex(hkdfSha256(ikm, salt, info, len, x)))).size).toBe(1);
    }
    for (const lowOrder of [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31))]) {
      expect(() => sodium.x25519(u8(32), lowOrder)).toThrow(ZeroSharedSecretError);
    }
  });

  it('ChaCha20-Poly1305: sealed by any backend, opened by any other, byte-identical; forgeries refused by all', () => {
    const lengths = [0, 1, 15, 16, 17, 63, 64, 65, 255, 256, 1024, 16 * 1024 + 3, 65536];
    for (let i = 0; i < 60; i++) lengths.push(randomInt(0, 3000));
    const aeads = [nobleAead, ...allBackends.flatMap((b) => (b.aead ? [b.aead] : []))];
    expect(aeads.map((a) => a.name)).toContain('sodium');
    for (const len of lengths) {
      const [key, nonce, aad, pt] = [u8(32), u8(12), u8(randomInt(0, 100)), u8(len)];
      const sealed = sodium.aead!.seal(key, nonce, aad, pt);
      for (const a of aeads) {
        expect(toHex(a.seal(key, nonce, aad, pt)), a.name).toBe(toHex(sealed));
        expect(toHex(a.open(key, nonce, aad, sealed)!), a.name).toBe(toHex(pt));
      }
      const bad = sealed.slice();
      bad[randomInt(0, bad.length)]! ^= 1 << randomInt(0, 8);
      expect(sodium.aead!.open(key, nonce, aad, bad)).toBeNull();
      expect(sodium.aead!.open(key, nonce, new Uint8Array([...aad, 0]), sealed)).toBeNull();
      expect(sodium.aead!.open(key, u8(12), aad, sealed)).toBeNull();
      expect(sodium.aead!.open(key, nonce, aad, sealed.subarray(0, 15))).toBeNull();
    }
  });

  it('forget() wipes the expanded signing key it cached', () => {
    const seed = u8(32);
    const b = createSodiumBackend(sodiumApi);
    const sig = b.ed25519Sign(new Uint8Array(1), seed);
    b.forget!(seed);
    expect(toHex(b.ed25519Sign(new Uint8Array(1), seed))).toBe(toHex(sig));
  });
});

describe('backend selection at start-up: sodium, then node:crypto, then noble', () => {
  it('picks libsodium here, for Ed25519, X25519 and the AEAD', () => {
    const b = createDefaultBackend();
    expect(b.name).toBe('sodium');
    expect(b.aead?.name).toBe('sodium');
  });

  it('falls back to node:crypto when sodium-native cannot load, and to noble when node:crypto is absent or fails the self-test', () => {
    expect(createDefaultBackend({ loadSodium: () => null }).name).toBe('node');
    expect(createDefaultBackend({ loadSodium: () => { throw new Error('dlopen failed'); } }).name).toBe('node');
    const laxNode = { ...createNodeBackend(), ed25519Verify: () => true };
    expect(createDefaultBackend({ loadSodium: () => null, nodeBackend: () => laxNode, nodeAead: () => null }).name).toBe('noble');
    const noble = createDefaultBackend({ loadSodium: () => null, nodeBackend: () => null, nodeAead: () => null });
    expect(noble.name).toBe('noble');
    expect(noble.aead).toBeUndefined();
  });

  it('a libsodium that fails its self-test is not used (wrong signature bytes, an accepted forgery, a lax AEAD, a throwing call)', () => {
    const tamper = (patch: Partial<SodiumApi>) => ({ ...sodiumApi, ...patch }) as SodiumApi;
    const broken: SodiumApi[] = [
      tamper({ crypto_sign_detached: (sig: Uint8Array, m: Uint8Array, sk: Uint8Array) => { sodiumApi.crypto_sign_detached(sig, m, sk); sig[0]! ^= 1; } }),
      tamper({ crypto_sign_verify_detached: () => true }),
      tamper({ crypto_aead_chacha20poly1305_ietf_decrypt: (m: Uint8Array) => m.length }),
      tamper({ crypto_scalarmult: (q: Uint8Array) => { q.fill(0); } }),
      tamper({ crypto_scalarmult_base: () => { throw new Error('boom'); } })
    ];
    for (const api of broken) {
      expect(tryCreateSodiumBackend(() => api)).toBeNull();
      expect(createDefaultBackend({ loadSodium: () => api }).name).toBe('node');
    }
    // A backend that skips the shared pre-check (raw libsodium, raw noble with its cofactored equation) fails too.
    expect(selfTestBackend({ ...sodium, ed25519Verify: (s, m, p) => sodiumApi.crypto_sign_verify_detached(s, m, p) })).toBe(false);
    expect(selfTestBackend({ ...nobleBackend, ed25519Verify: (s, m, p) => ed25519.verify(s, m, p, { zip215: false }) })).toBe(false);
    expect(selfTestBackend(createSodiumBackend(sodiumApi))).toBe(true);
    expect(selfTestBackend(nobleBackend)).toBe(true);
    expect(selfTestBackend(createNodeBackend())).toBe(true);
  });

  it('loads inside a worker_threads worker bundled like the chunk worker, and seals the same bytes as noble there', async () => {
    const dir = path.join(root, 'test-results');
    mkdirSync(dir, { recursive: true });
    const outfile = path.join(mkdtempSync(path.join(dir, 'sodium-worker-')), 'worker.cjs');
    await build({ stdin: { contents: `
      import { parentPort } from 'node:worker_threads';
      import { createDefaultBackend } from '${path.join(root, 'main/crypto-native/select')}';
      const b = createDefaultBackend();
      const sealed = b.aead.seal(new Uint8Array(32).fill(1), new Uint8Array(12).fill(2), new Uint8Array(3), new Uint8Array(100).fill(4));
      parentPort.postMessage({ name: b.name, aead: b.aead.name, sealed });`, resolveDir: root, loader: 'ts' },
    outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error' });
    const w = new Worker(outfile);
    const reply = await new Promise<{ name: string; aead: string; sealed: Uint8Array }>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await w.terminate();
    expect(reply.name).toBe('sodium');
    expect(reply.aead).toBe('sodium');
    expect(toHex(reply.sealed)).toBe(toHex(nobleAead.seal(new Uint8Array(32).fill(1), new Uint8Array(12).fill(2), new Uint8Array(3), new Uint8Array(100).fill(4))));
  });
});
