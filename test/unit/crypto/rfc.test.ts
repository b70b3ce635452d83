// RFC 7748, 8032, 8439, 5869 and XChaCha known-answer vectors, read from test/vectors/rfc-vectors.md, through our wrappers and every backend.
import { describe, expect, it } from 'vitest';
import { aeadOpen, aeadSeal, ed25519Verify, hkdfSha256, nobleBackend, x25519Shared, type CryptoBackend } from '../../../main/crypto';
import { allBackends } from './all-backends';
import { toHex } from '../../../protocol/encoding';
import { hex, rfcText } from './vectors-dir';

/** Pulls `label: \`hex\`` values out of one section of the markdown, in order. */
function section(n: number): string {
  const text = rfcText();
  const start = text.indexOf(`## ${n}.`);
  const end = text.indexOf('\n## ', start + 3);
  if (start < 0) throw new Error(`section ${n} missing`);
  return text.slice(start, end < 0 ? undefined : end);
}
function field(sec: string, label: string, from = 0): string {
  const i = sec.indexOf(label, from);
  if (i < 0) throw new Error(`${label} missing`);
  const m = /`([0-9a-f]*)`/.exec(sec.slice(i));
  if (!m) throw new Error(`${label} has no hex`);
  return m[1]!;
}

const backends: CryptoBackend[] = allBackends;

describe('RFC vectors', () => {
  for (const b of backends) {
    it(`RFC 7748 5.2 vectors 1-2 and iterations 1 and 1,000 via ${b.name} (1,000,000 skipped: ~13 min)`, () => {
      const s = section(1);
      for (const v of ['Vector 1', 'Vector 2']) {
        const at = s.indexOf(v);
        expect(toHex(x25519Shared(b, hex(field(s, 'scalar k', at)), hex(field(s, 'input u', at)))), v).toBe(field(s, 'output', at));
      }
      let k = hex(field(s, 'start k = u = '));
      let u = k;
      for (let i = 1; i <= 1000; i++) {
        const next = x25519Shared(b, k, u);
        u = k;
        k = next;
        if (i === 1) expect(toHex(k)).toBe(field(s, 'after 1 iteration'));
      }
      expect(toHex(k)).toBe(field(s, 'after 1,000 iterations'));
    });

    it(`RFC 7748 6.1 Diffie-Hellman via ${b.name}`, () => {
      const s = section(2);
      const a = hex(field(s, 'Alice private'));
      const bob = hex(field(s, 'Bob private'));
      expect(toHex(b.x25519PublicKey(a))).toBe(field(s, 'Alice public'));
      expect(toHex(b.x25519PublicKey(bob))).toBe(field(s, 'Bob public'));
      expect(toHex(x25519Shared(b, a, hex(field(s, 'Bob public'))))).toBe(field(s, 'shared secret K'));
      expect(toHex(x25519Shared(b, bob, hex(field(s, 'Alice public'))))).toBe(field(s, 'shared secret K'));
    });

    it(`RFC 8032 7.1 TEST 1-3 via ${b.name}`, () => {
      const s = section(3);
      for (const t of ['TEST 1 (', 'TEST 2 (', 'TEST 3 (']) {
        const at = s.indexOf(t);
        const sk = hex(field(s, 'secret key', at));
        const pk = field(s, 'public key', at);
        const msg = hex(field(s, '* message', at));
        const sig = field(s, 'signature', at);
        expect(toHex(b.ed25519PublicKey(sk)), t).toBe(pk);
        expect(toHex(b.ed25519Sign(msg, sk)), t).toBe(sig);
        expect(ed25519Verify(b, hex(sig), msg, hex(pk)), t).toBe(true);
        const bad = hex(sig);
        bad[0]! ^= 1;
        expect(ed25519Verify(b, bad, msg, hex(pk)), t).toBe(false);
      }
    });
  }

  it('RFC 8439 2.8.2 ChaCha20-Poly1305 (every backend\'s AEAD) and the XChaCha20-Poly1305 draft vector', () => {
    for (const [n, alg, nonceLabel, b] of [...backends.map((b) => [4, 'chacha20-poly1305', 'nonce (12 bytes)', b] as const),
      [6, 'xchacha20-poly1305', 'nonce/IV', nobleBackend] as const]) {
      const s = section(n);
      const pt = hex(field(section(4), 'plaintext'));
      const key = hex(field(s, 'key:'));
      const nonce = hex(n === 4 ? field(s, nonceLabel).slice(0) : field(s, nonceLabel));
      const nonceHex = n === 4 ? (/= `([0-9a-f]{24})`/.exec(s)?.[1] ?? '') : toHex(nonce);
      const aad = hex(field(s, 'AAD'));
      const expected = field(s, 'ciphertext') + field(s, 'tag');
      const sealed = aeadSeal(alg, key, hex(nonceHex), aad, pt, b);
      expect(toHex(sealed), alg).toBe(expected);
      expect(toHex(aeadOpen(alg, key, hex(nonceHex), aad, sealed, b)!), alg).toBe(toHex(pt));
      sealed[sealed.length - 1]! ^= 1;
      expect(aeadOpen(alg, key, hex(nonceHex), aad, sealed, b), alg).toBeNull();
    }
  });

  it('RFC 5869 A.1 HKDF-SHA-256', () => {
    const s = section(5);
    for (const b of backends) {
      const okm = hkdfSha256(hex(field(s, 'IKM')), hex(field(s, 'salt')), hex(field(s, 'info')), 42, b);
      expect(toHex(okm), b.name).toBe(field(s, 'OKM'));
    }
    const okm = hkdfSha256(hex(field(s, 'IKM')), hex(field(s, 'salt')), hex(field(s, 'info')), 42);
    expect(toHex(okm)).toBe(field(s, 'OKM'));
  });
});
