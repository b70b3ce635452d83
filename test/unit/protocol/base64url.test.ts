// Base64url fields on every wire accept exactly one spelling per value: the canonical one.
import { describe, expect, it } from 'vitest';
import { b64uBytes } from '../../../protocol/keys';

const spell = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

describe('b64uBytes', () => {
  for (const n of [16, 32, 64]) {
    it(`accepts the canonical spelling and refuses every other spelling of ${n} bytes`, () => {
      const schema = b64uBytes(n);
      const value = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);
      const canonical = spell(value);
      expect(schema.safeParse(canonical).success).toBe(true);
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      let aliases = 0;
      for (const last of alphabet) {
        const candidate = canonical.slice(0, -1) + last;
        if (candidate === canonical) continue;
        // Accepted exactly when it is the canonical spelling of what it decodes to.
        const decoded = Buffer.from(candidate, 'base64url');
        if (decoded.equals(Buffer.from(value))) aliases++;
        expect(schema.safeParse(candidate).success).toBe(spell(decoded) === candidate);
      }
      expect(aliases).toBe(n % 3 === 0 ? 0 : n % 3 === 1 ? 15 : 3);
    });
  }
  it('refuses a wrong length and characters outside the alphabet', () => {
    const schema = b64uBytes(32);
    expect(schema.safeParse('A'.repeat(42)).success).toBe(false);
    expect(schema.safeParse(`${'A'.repeat(42)}+`).success).toBe(false);
  });
});
