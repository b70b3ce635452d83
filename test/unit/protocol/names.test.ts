// Display-name normalization and look-alike skeletons (protocol/names.ts): the table of hostile inputs and homoglyphs.
import { describe, expect, it } from 'vitest';
import { DisplayNameError, isSameSkeleton, nameSkeleton, normalizeDisplayName } from '../../../protocol/names';

describe('normalizeDisplayName', () => {
  const table: [string, string, string][] = [
    ['plain', 'Alice', 'Alice'],
    ['zero-width space', 'Bob\u200b', 'Bob'],
    ['zero-width joiner and non-joiner inside', 'B\u200do\u200cb', 'Bob'],
    ['BOM and word joiner', '\ufeffBob\u2060', 'Bob'],
    ['right-to-left override', '\u202eecilA', 'ecilA'],
    ['bidi isolates and marks', '\u2066Alice\u2069\u200f', 'Alice'],
    ['soft hyphen', 'Al\u00adice', 'Alice'],
    ['control characters', 'Al\u0000i\u0007ce\u007f', 'Alice'],
    ['Hangul filler and braille blank', 'Bob\u3164\u2800', 'Bob'],
    ['variation selector', 'Bob\ufe0f', 'Bob'],
    ['combining acute composes (NFC part of NFKC)', 'Jose\u0301', 'Jos\u00e9'],
    ['combining mark after a stripped zero-width', 'Jose\u200b\u0301', 'Jos\u00e9'],
    ['stacked combining marks are capped', 'Z\u0301\u0302\u0303\u0304\u0305\u0306', 'Z\u0301\u0302\u0303'.normalize('NFC')],
    ['NFKC fullwidth letters', '\uff21\uff4c\uff49\uff43\uff45', 'Alice'],
    ['NFKC ligature and superscript', '\ufb01ona\u00b2', 'fiona2'],
    ['NFKC mathematical bold', '\ud835\udc00\ud835\udc25\ud835\udc22\ud835\udc1c\ud835\udc1e', 'Alice'],
    ['whitespace collapsed and trimmed', '  Ada \t\n  Lovelace\u00a0\u2003 ', 'Ada Lovelace'],
    ['line and paragraph separators', 'Ada\u2028Lovelace\u2029', 'Ada Lovelace'],
    ['separator look-alikes become a full stop', 'Alice \u00b7 3F9A', 'Alice . 3F9A'],
    ['other scripts pass unchanged', '\u674e\u96f7 \u0639\u0644\u064a', '\u674e\u96f7 \u0639\u0644\u064a']
  ];
  for (const [what, input, expected] of table) {
    it(what, () => expect(normalizeDisplayName(input)).toBe(expected));
  }

  it('is idempotent on every table entry', () => {
    for (const [, input] of table) {
      const once = normalizeDisplayName(input);
      expect(normalizeDisplayName(once)).toBe(once);
    }
  });

  it('rejects names that are empty once invisible characters are removed, with a typed error', () => {
    for (const input of ['', '   ', '\u200b\u200b', '\u202e\u202c', '\u0000\u0001', '\ufeff \u3164']) {
      expect(() => normalizeDisplayName(input)).toThrow(DisplayNameError);
      try { normalizeDisplayName(input); } catch (err) { expect((err as DisplayNameError).code).toBe('empty'); }
    }
  });

  it('rejects names longer than the limit after normalization', () => {
    expect(() => normalizeDisplayName('\ufdfa'.repeat(5))).toThrow(expect.objectContaining({ code: 'too-long' }));
    expect(normalizeDisplayName('a'.repeat(64))).toHaveLength(64);
  });
});

describe('nameSkeleton', () => {
  const alike: [string, string, string][] = [
    ['Cyrillic а', 'Alice', 'Аlicе'],
    ['Cyrillic о and р', 'Bob Popov', 'Bоb Pоpоv'],
    ['Greek ο and Α', 'Alon', 'Αlοn'],
    ['digit 0 for O', 'OTTO', '0TT0'],
    ['digit 1 and capital I for l', 'Lil', 'Li1'],
    ['capital I for l', 'Bill', 'BiII'],
    ['rn for m', 'Sam', 'Sarn'],
    ['vv for w', 'Wendy', 'VVendy'],
    ['case', 'alice', 'ALICE'],
    ['accents', 'Zoe', 'Zoë'],
    ['zero-width and spacing', 'Bob', ' B\u200bo b '],
    ['punctuation', 'Alice', 'Alice.'],
    ['fullwidth', 'Bob', '\uff22\uff4f\uff42']
  ];
  for (const [what, a, b] of alike) {
    it(`look-alike: ${what}`, () => {
      expect(nameSkeleton(a)).toBe(nameSkeleton(b));
      expect(isSameSkeleton(a, b)).toBe(true);
    });
  }

  it('keeps different names apart', () => {
    for (const [a, b] of [['Alice', 'Alicia'], ['Bob', 'Rob'], ['Ann', 'Anna'], ['\u674e\u96f7', '\u674e\u971e'], ['Mark', 'Marc']]) {
      expect(isSameSkeleton(a!, b!)).toBe(false);
    }
  });

  it('never throws: an unusable name still has a skeleton', () => {
    expect(typeof nameSkeleton('\u200b')).toBe('string');
    expect(nameSkeleton('...')).toBe(nameSkeleton('...'));
  });
});
