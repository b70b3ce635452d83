// Client address through trusted proxies, join-proof origins, and the server's strict Ed25519 rule matching main's.
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../../../main/crypto';
import { ed25519Verify } from '../../../main/crypto/primitives';
import { clientAddress, defaultOrigins } from '../../../signaling-server/addresses';
import { strictEd25519Verify } from '../../../signaling-server/join-proof';

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const leToBig = (b: Uint8Array) => b.reduceRight((v, x) => (v << 8n) | BigInt(x), 0n);
const bigToLe = (v: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));

describe('clientAddress', () => {
  it('counts trusted hops from the right and never trusts entries further left', () => {
    expect(clientAddress('10.0.0.1', '1.1.1.1, 2.2.2.2', 0)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', '1.1.1.1, 2.2.2.2', 1)).toBe('2.2.2.2');
    expect(clientAddress('10.0.0.1', '1.1.1.1, 2.2.2.2, 3.3.3.3', 2)).toBe('2.2.2.2');
    expect(clientAddress('10.0.0.1', ['1.1.1.1', '2.2.2.2'], 1)).toBe('2.2.2.2');
    expect(clientAddress('10.0.0.1', '2.2.2.2', 3)).toBe('2.2.2.2');
    expect(clientAddress('10.0.0.1', ' , ', 1)).toBe('10.0.0.1');
    expect(clientAddress('', undefined, 1)).toBe('unknown');
  });
});

describe('defaultOrigins', () => {
  it('derives the names of the listening address, or takes the configured list as is', () => {
    expect(defaultOrigins({ host: '127.0.0.1', port: 8443, tls: false, configured: [] }).sort())
      .toEqual(['http://127.0.0.1:8443', 'http://localhost:8443']);
    expect(defaultOrigins({ host: 'veil.example.org', port: 443, tls: true, configured: [] })).toEqual(['https://veil.example.org']);
    expect(defaultOrigins({ host: '::1', port: 80, tls: false, configured: [], publicUrl: 'https://public.example:9000/x' }).sort())
      .toEqual(['http://[::1]', 'http://localhost', 'https://public.example:9000']);
    const any = defaultOrigins({ host: '0.0.0.0', port: 8443, tls: false, configured: [] });
    expect(any).toContain('http://127.0.0.1:8443');
    expect(defaultOrigins({ host: '0.0.0.0', port: 1, tls: false, configured: ['https://only.example'] })).toEqual(['https://only.example']);
  });
});

describe('strictEd25519Verify', () => {
  const secret = ed25519.utils.randomSecretKey();
  const pub = ed25519.getPublicKey(secret);
  const msg = new TextEncoder().encode('veil join proof test');
  const sig = ed25519.sign(msg, secret);
  const main = (s: Uint8Array, m: Uint8Array, p: Uint8Array) => ed25519Verify(nobleBackend, s, m, p);

  it('accepts what main accepts and refuses what main refuses', () => {
    const malleated = Uint8Array.from(sig);
    malleated.set(bigToLe(leToBig(sig.subarray(32)) + L), 32); // S + L: same point equation, non-canonical S
    const identity = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0));
    const forgery = new Uint8Array(64);
    forgery.set(identity, 0); // R = identity, S = 0: verifies under the small-order key A = identity with cofactorless checks
    const flipped = Uint8Array.from(sig);
    flipped[5]! ^= 1;
    const cases: Array<[string, Uint8Array, Uint8Array, Uint8Array, boolean]> = [
      ['valid', sig, msg, pub, true],
      ['non-canonical S', malleated, msg, pub, false],
      ['small-order key forgery', forgery, msg, identity, false],
      ['flipped bit', flipped, msg, pub, false],
      ['other message', sig, new TextEncoder().encode('other'), pub, false],
      ['short signature', sig.subarray(0, 63), msg, pub, false]
    ];
    for (const [name, s, m, p, expected] of cases) {
      expect(strictEd25519Verify(s, m, p), name).toBe(expected);
      expect(main(s, m, p), `main: ${name}`).toBe(expected);
    }
  });
});

describe('strictEd25519Verify: the torsion cases of main\'s acceptance rule (docs/PROTOCOL.md §1)', () => {
  const P = ed25519.Point;
  const mod = (x: bigint) => ((x % L) + L) % L;
  const order2 = P.fromBytes(Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0xec : i === 31 ? 0x7f : 0xff)), false); // (0, −1)
  const msg = new TextEncoder().encode('mixed-order key');

  /** A signature OpenSSL's cofactorless equation accepts under A = [a]B + T (T of order 2): k must be even. */
  function mixedOrderCase(): { sig: Uint8Array; pub: Uint8Array } {
    const a = mod(leToBig(randomBytes(32)));
    const pub = P.BASE.multiply(a).add(order2).toBytes();
    for (;;) {
      const r = mod(leToBig(randomBytes(32))) || 1n;
      const R = P.BASE.multiply(r).toBytes();
      const k = mod(leToBig(sha512(Uint8Array.from([...R, ...pub, ...msg]))));
      if (k % 2n !== 0n) continue;
      return { sig: Uint8Array.from([...R, ...bigToLe(mod(r + k * a))]), pub };
    }
  }

  it('refuses a key with a torsion component even when the cofactorless equation holds', () => {
    const { sig, pub } = mixedOrderCase();
    const spki = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pub]), format: 'der', type: 'spki' });
    expect(verify(null, msg, spki, sig)).toBe(true); // raw OpenSSL accepts it: the case is real
    expect(strictEd25519Verify(sig, msg, pub)).toBe(false);
  });

  it('refuses a small-order R even when the cofactorless equation holds', () => {
    const a = mod(leToBig(randomBytes(32))) || 1n;
    const pub = P.BASE.multiply(a).toBytes();
    const R = P.ZERO.toBytes(); // the identity, 01 00 … 00
    const k = mod(leToBig(sha512(Uint8Array.from([...R, ...pub, ...msg]))));
    const sig = Uint8Array.from([...R, ...bigToLe(mod(k * a))]);
    const spki = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pub]), format: 'der', type: 'spki' });
    expect(verify(null, msg, spki, sig)).toBe(true);
    expect(strictEd25519Verify(sig, msg, pub)).toBe(false);
  });
});
