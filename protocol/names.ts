// Display names: one normalized form (invisible and control characters removed, NFKC) and a look-alike skeleton.
import { LIMITS } from './limits';

export type DisplayNameErrorCode = 'empty' | 'too-long';

export class DisplayNameError extends Error {
  constructor(readonly code: DisplayNameErrorCode, message: string) {
    super(message);
    this.name = 'DisplayNameError';
  }
}

/** Whitespace of every kind (including tab, newline, NBSP, em space, line/paragraph separators) becomes one space. */
const WHITESPACE = /\p{White_Space}+/gu;
/**
 * Removed outright: controls (Cc), format characters (Cf: zero-width, bidi overrides/isolates/marks, BOM, soft hyphen,
 * word joiner...), private use, surrogates and unassigned code points, plus characters that draw nothing but are not
 * Cf: Hangul fillers, the braille blank, the combining grapheme joiner, variation selectors, Khmer/Mongolian fillers.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{Variation_Selector}\u115f\u1160\u3164\uffa0\u2800]|\u034f|\u17b4|\u17b5/gu;
/** Middle-dot look-alikes are reserved for the " · TAG" the UI appends to tell namesakes apart; in a name they become ".". */
const SEPARATOR_LOOKALIKES = /[\u00b7\u0387\u2022\u2027\u2219\u22c5\u30fb\uff65\u16eb\u2e31]/gu;
const MARK = /\p{M}/u;
/** More stacked combining marks than this on one base character are dropped (no "zalgo" text that covers other lines). */
const MAX_MARKS_PER_BASE = 3;

function capMarks(decomposed: string): string {
  let out = '';
  let run = 0;
  let hasBase = false;
  for (const ch of decomposed) {
    if (MARK.test(ch)) {
      if (hasBase && run < MAX_MARKS_PER_BASE) out += ch;
      run++;
    } else {
      out += ch;
      run = 0;
      hasBase = ch !== ' ';
    }
  }
  return out;
}

function clean(raw: string): string {
  const decomposed = raw.normalize('NFKD').replace(WHITESPACE, ' ').replace(INVISIBLE, '').replace(SEPARATOR_LOOKALIKES, '.');
  return capMarks(decomposed).replace(/ +/g, ' ').trim().normalize('NFKC');
}

/**
 * The one form a display name is compared, stored and shown in: NFKC, without invisible or control characters,
 * whitespace collapsed to single spaces and trimmed. Idempotent. Throws `DisplayNameError` when nothing visible is
 * left (`empty`) or the result has more than `LIMITS.displayNameMaxLength` code points (`too-long`).
 */
export function normalizeDisplayName(raw: string): string {
  const name = clean(raw);
  if (name.length === 0) throw new DisplayNameError('empty', 'the display name has no visible characters');
  if ([...name].length > LIMITS.displayNameMaxLength) {
    throw new DisplayNameError('too-long', `the display name is longer than ${LIMITS.displayNameMaxLength} characters once normalized`);
  }
  return name;
}

/** Like `normalizeDisplayName`, but never throws: an unusable name is shown as this placeholder. */
export function displayNameOrPlaceholder(raw: string): string {
  try {
    return normalizeDisplayName(raw);
  } catch {
    return 'unnamed';
  }
}

/**
 * Confusables applied before case folding (so capital forms map by their own shape). A small table of the common Latin look-alikes in Cyrillic and Greek, and digits that pass for letters; it is
 * not Unicode's full confusables.txt (UTS #39), which covers far more scripts.
 */
const CONFUSABLES: Record<string, string> = {
  // Cyrillic capitals and small letters that draw as Latin ones.
  А: 'a', В: 'b', С: 'c', Е: 'e', Н: 'h', І: 'l', Ј: 'j', К: 'k', М: 'm', О: 'o', Р: 'p', Ѕ: 's', Т: 't', Х: 'x', У: 'y', Ү: 'y',
  Ӏ: 'l', ӏ: 'l', а: 'a', в: 'b', с: 'c', ԁ: 'd', е: 'e', һ: 'h', і: 'i', ј: 'j', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', ԛ: 'q',
  ѕ: 's', т: 't', у: 'y', ү: 'y', х: 'x', ԝ: 'w', ѡ: 'w',
  // Greek.
  Α: 'a', Β: 'b', Ε: 'e', Ζ: 'z', Η: 'h', Ι: 'l', Κ: 'k', Μ: 'm', Ν: 'n', Ο: 'o', Ρ: 'p', Τ: 't', Υ: 'y', Χ: 'x',
  α: 'a', β: 'b', γ: 'y', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', σ: 'o', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  // Digits and symbols that pass for letters; capital I for small l.
  '0': 'o', '1': 'l', '|': 'l', I: 'l', ǀ: 'l', ı: 'i', ſ: 'f'
};
/** After case folding, "i" (from "I" or "i") joins l, 1, | and I: a capital I and a small l cannot be told apart. */
const FOLDED_CONFUSABLES: Record<string, string> = { i: 'l' };
/** Letter pairs that draw like one letter in most UI fonts (after case folding). */
const MULTI: [RegExp, string][] = [[/rn/g, 'm'], [/vv/g, 'w']];

/**
 * A key for "these two names look alike": the normalized name decomposed, stripped of accents, mapped through
 * the confusables table, case-folded, letter pairs like "rn" read as "m", and everything but letters and digits
 * removed. Equal skeletons = look-alikes. Never throws.
 */
export function nameSkeleton(name: string): string {
  const base = clean(name).normalize('NFD').replace(/\p{M}/gu, '');
  let s = '';
  for (const ch of base) s += CONFUSABLES[ch] ?? ch;
  s = s.toLowerCase();
  let folded = '';
  for (const ch of s) folded += FOLDED_CONFUSABLES[ch] ?? CONFUSABLES[ch] ?? ch;
  for (const [re, to] of MULTI) folded = folded.replace(re, to);
  const letters = folded.replace(/[^\p{L}\p{N}]/gu, '');
  return letters.length > 0 ? letters : folded.replace(/ /g, '');
}

export function isSameSkeleton(a: string, b: string): boolean {
  return nameSkeleton(a) === nameSkeleton(b);
}
