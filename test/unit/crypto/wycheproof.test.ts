// Every Wycheproof case for X25519, Ed25519, (X)ChaCha20-Poly1305 and HKDF-SHA-256, through our wrappers and every backend.
import { describe, expect, it } from 'vitest';
import { aeadOpen, aeadSeal, ed25519Verify, hkdfSha256, nobleBackend, x25519Shared, ZeroSharedSecretError, type AeadAlgorithm,
  type CryptoBackend } from '../../../main/crypto';
import { allBackends } from './all-backends';
import { toHex } from '../../../protocol/encoding';
import { hex, loadWycheproof, type WycheproofCase } from './vectors-dir';

const backends: CryptoBackend[] = allBackends;

/** Runs every case, collecting failures so one test reports all offending tcIds. */
function runAll(cases: WycheproofCase[], check: (t: WycheproofCase) => string | null): string[] {
  const failures: string[] = [];
  for (const t of cases) {
    let problem: string | null;
    try {
      problem = check(t);
    } catch (err) {
      problem = `threw ${(err as Error).message}`;
    }
    if (problem) failures.push(`tcId ${t.tcId} (${t.result}, ${t.comment}): ${problem}`);
  }
  return failures;
}

const cases = (file: string, expected: number) => {
  const { numberOfTests, groups } = loadWycheproof(file);
  const all = groups.flatMap((g) => g.tests.map((t) => ({ ...t, group: g })));
  expect(all.length).toBe(expected);
  expect(numberOfTests).toBe(expected);
  return all;
};

describe('Wycheproof', () => {
  for (const backend of backends) {
    it(`x25519: 518 cases via ${backend.name} (acceptable: computed unless the result is all zero, which we reject)`, () => {
      const failures = runAll(cases('x25519_test.json', 518), (t) => {
        const expectedShared = String(t.shared);
        const zero = /^0+$/.test(expectedShared);
        let got: Uint8Array;
        try {
          got = x25519Shared(backend, hex(t.private), hex(t.public));
        } catch (err) {
          if (err instanceof ZeroSharedSecretError && zero) return null;
          return `rejected: ${(err as Error).message}`;
        }
        if (zero) return 'accepted an all-zero shared secret';
        if (t.result === 'invalid') return 'accepted an invalid case';
        return toHex(got) === expectedShared ? null : `shared ${toHex(got)} != ${expectedShared}`;
      });
      expect(failures).toEqual([]);
    });

    it(`ed25519: 151 cases via ${backend.name} (the one acceptance rule)`, () => {
      const failures = runAll(cases('ed25519_test.json', 151), (t) => {
        const pk = hex((t as unknown as { group: { publicKey: { pk: string } } }).group.publicKey.pk);
        const ok = ed25519Verify(backend, hex(t.sig), hex(t.msg), pk);
        const want = t.result === 'valid';
        return ok === want ? null : `verify returned ${ok}`;
      });
      expect(failures).toEqual([]);
    });
  }

  const aead = (file: string, n: number, alg: AeadAlgorithm, backend: CryptoBackend) => it(`${alg}: ${n} cases (seal and open) via ${backend.aead?.name ?? 'noble'} AEAD`, () => {
    const failures = runAll(cases(file, n), (t) => {
      const [key, iv, aad, msg, ct, tag] = [t.key, t.iv, t.aad, t.msg, t.ct, t.tag].map(hex) as Uint8Array[];
      const sealedExpected = new Uint8Array([...ct!, ...tag!]);
      let opened: Uint8Array | null;
      try {
        opened = aeadOpen(alg, key!, iv!, aad!, sealedExpected, backend);
      } catch (err) {
        return t.result === 'invalid' ? null : `open threw ${(err as Error).message}`;
      }
      if (t.result === 'invalid') return opened === null ? null : 'opened an invalid case';
      if (!opened || toHex(opened) !== toHex(msg!)) return 'did not open to msg';
      const sealed = aeadSeal(alg, key!, iv!, aad!, msg!, backend);
      return toHex(sealed) === toHex(sealedExpected) ? null : 'seal mismatch';
    });
    expect(failures).toEqual([]);
  });
  for (const backend of backends) aead('chacha20_poly1305_test.json', 325, 'chacha20-poly1305', backend);
  aead('xchacha20_poly1305_test.json', 315, 'xchacha20-poly1305', nobleBackend);

  for (const backend of backends) {
    it(`hkdf-sha256: 86 cases via ${backend.name}`, () => {
      const failures = runAll(cases('hkdf_sha256_test.json', 86), (t) => {
        let okm: Uint8Array;
        try {
          okm = hkdfSha256(hex(t.ikm), hex(t.salt), hex(t.info), Number(t.size), backend);
        } catch (err) {
          return t.result === 'invalid' ? null : `threw ${(err as Error).message}`;
        }
        if (t.result === 'invalid') return 'accepted an invalid case';
        return toHex(okm) === t.okm ? null : 'okm mismatch';
      });
      expect(failures).toEqual([]);
    });
  }
});
