// One Ed25519 acceptance rule on every backend: crafted torsion / encoding / S cases and Wycheproof give identical verdicts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ED25519_SMALL_ORDER_ENCODINGS, ed25519Verify, Ed25519PublicKeyCache, isCanonicalPointEncoding, signatureEncodingOk,
  type CryptoBackend } from '../../../main/crypto';
import { toHex } from '../../../protocol/encoding';
import { allBackends } from './all-backends';
import { craftedCases, torsionPoints } from './ed25519-cases';
import { hex, loadWycheproof, VECTORS_DIR } from './vectors-dir';

const backends: CryptoBackend[] = allBackends;

describe('Ed25519: one acceptance rule', () => {
  const cases = craftedCases();

  it(`crafted edge cases (${cases.length}): every backend returns the rule's verdict`, () => {
    const failures: string[] = [];
    for (const c of cases) {
      for (const b of backends) {
        const got = ed25519Verify(b, c.sig, c.msg, c.pub);
        if (got !== c.valid) failures.push(`${c.name}: ${b.name} returned ${got}, rule says ${c.valid} (sig ${toHex(c.sig).slice(0, 16)}…)`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('Wycheproof ed25519 (151 cases): identical verdicts across backends, equal to the expected result', () => {
    const { groups } = loadWycheproof('ed25519_test.json');
    const failures: string[] = [];
    let n = 0;
    for (const g of groups) {
      const pk = hex((g as unknown as { publicKey: { pk: string } }).publicKey.pk);
      for (const t of g.tests) {
        n++;
        const verdicts = backends.map((b) => ed25519Verify(b, hex(t.sig), hex(t.msg), pk));
        const want = t.result === 'valid';
        if (verdicts.some((v) => v !== want)) failures.push(`tcId ${t.tcId}: ${backends.map((b, i) => `${b.name}=${verdicts[i]}`).join(' ')}`);
      }
    }
    expect(n).toBe(151);
    expect(failures).toEqual([]);
  });

  it('the frozen test/vectors/veil/ed25519-rule.json cases: every backend gives the recorded verdict', () => {
    const file = JSON.parse(readFileSync(path.join(VECTORS_DIR, 'veil/ed25519-rule.json'), 'utf8')) as
      { cases: { name: string; publicKey: string; message: string; signature: string; valid: boolean }[] };
    expect(file.cases.length).toBe(cases.length);
    const failures = file.cases.flatMap((c) => backends.filter((b) => ed25519Verify(b, hex(c.signature), hex(c.message), hex(c.publicKey)) !== c.valid)
      .map((b) => `${c.name}: ${b.name}`));
    expect(failures).toEqual([]);
  });

  it('the small-order list is exactly the canonical encodings of the 8-torsion subgroup', () => {
    const fromNoble = torsionPoints().map((p) => toHex(p.toBytes())).sort();
    expect([...ED25519_SMALL_ORDER_ENCODINGS].sort()).toEqual(fromNoble);
    expect(new Set(fromNoble).size).toBe(8);
    for (const e of ED25519_SMALL_ORDER_ENCODINGS) expect(isCanonicalPointEncoding(hex(e))).toBe(true);
  });

  it('the pre-check alone: S < L, R canonical and not small order; keys canonical, torsion-free, cached and bounded', () => {
    const good = cases[0]!;
    expect(signatureEncodingOk(good.sig)).toBe(true);
    expect(signatureEncodingOk(good.sig.subarray(0, 63))).toBe(false);
    const keys = new Ed25519PublicKeyCache(4);
    expect(keys.get(good.pub)).not.toBeNull();
    expect(keys.get(good.pub)).toBe(keys.get(good.pub));
    for (const p of torsionPoints()) expect(keys.get(p.toBytes())).toBeNull();
    const mixed = cases.find((c) => c.name.startsWith('mixed-order A'))!;
    expect(keys.get(mixed.pub)).toBeNull();
    expect(keys.get(new Uint8Array(31))).toBeNull();
    // Bounded: after more distinct keys than the limit, the first is decoded again (a new point object).
    const first = keys.get(good.pub);
    for (const p of torsionPoints()) keys.get(p.toBytes());
    expect(keys.get(good.pub)).not.toBe(first);
  });
});
