// Shows peer-supplied strings safely: bidi controls and other control characters become visible tags, never effects.
const BIDI_NAMES: Readonly<Record<string, string>> = {
  '\u202A': 'LRE', '\u202B': 'RLE', '\u202C': 'PDF', '\u202D': 'LRO', '\u202E': 'RLO',
  '\u2066': 'LRI', '\u2067': 'RLI', '\u2068': 'FSI', '\u2069': 'PDI',
  '\u200E': 'LRM', '\u200F': 'RLM', '\u061C': 'ALM'
};
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;
// Bidi controls, C0 and C1 controls (tab and newline included: a single-line label has no use for them).
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const UNSAFE = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\u0000-\u001F\u007F-\u009F]/g;

export function hasBidiControls(text: string): boolean {
  return BIDI.test(text);
}

/** The text with each bidi control shown as e.g. "⟨RLO⟩" and each other control character as "⟨U+001B⟩". */
export function safeText(text: string): string {
  return text.replace(UNSAFE, (ch) => `⟨${BIDI_NAMES[ch] ?? `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`}⟩`);
}

/** For multi-line text (chat): keeps newlines, neutralises everything else safeText does. */
export function safeMultilineText(text: string): string {
  return text.split('\n').map(safeText).join('\n');
}
