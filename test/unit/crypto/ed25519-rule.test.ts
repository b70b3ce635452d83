// One Ed25519 acceptance rule on every backend: crafted torsion / encoding / S cases and Wycheproof give identical verdicts.
import { describe, expect, it } from 'vitest';
import { ed25519Verify, nobleBackend, type CryptoBackend } from '../../../main/crypto';
import { createNodeBackend } from '../../../main/crypto-native/node-backend';
import { createSodiumBackend, loadSodium } from '../../../main/crypto-native/sodium-backend';
import { toHex } from '../../../protocol/encoding';
import { craftedCases } from './ed25519-cases';
import { HAVE_VECTORS, hex, loadWycheproof } from './vectors-dir';

const sodium = loadSodium();
if (!sodium) throw new Error('sodium-native does not load here');
const backends: CryptoBackend[] = [nobleBackend, createNodeBackend(), createSodiumBackend(sodium)];

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

  it.skipIf(!HAVE_VECTORS)('Wycheproof ed25519 (151 cases): identical verdicts across backends, equal to the expected result', () => {
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
});
