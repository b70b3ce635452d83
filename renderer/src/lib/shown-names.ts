// Names as shown in a room: normalized, namesakes told apart by an identity-fingerprint tag, look-alikes marked.
import { displayNameOrPlaceholder, nameSkeleton } from '../../../protocol/names';

export interface NamedMember { identityKey: string; displayName: string; fingerprint: string }
export interface ShownName {
  /** The normalized name. */
  name: string;
  /** Upper-case hex from the identity fingerprint, only when another member's name looks the same. */
  tag: string | null;
  /** `name · TAG`, or just the name: what the UI shows and the room code covers. */
  label: string;
  /** Another member's name has the same skeleton but is spelled differently (homoglyphs, case, accents...). */
  lookalike: boolean;
}

/** The separator between a name and its tag; normalized names never contain it (protocol/names.ts). */
export const TAG_SEPARATOR = ' · ';
const TAG_STEP = 4;

function hexOf(fingerprint: string): string {
  return fingerprint.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
}

/** The shortest tag length (a multiple of 4 hex digits) at which the group's tags are all different. */
function tagLength(group: NamedMember[]): number {
  const hexes = group.map((m) => hexOf(m.fingerprint));
  const longest = Math.max(...hexes.map((h) => h.length));
  for (let n = TAG_STEP; n < longest; n += TAG_STEP) {
    if (new Set(hexes.map((h) => h.slice(0, n))).size === hexes.length) return n;
  }
  return longest;
}

/**
 * Everyone's shown name, from every member of the room including ourselves: a function of the set only, so every
 * member who was told the same names computes the same labels (and the same room code).
 */
export function shownNames(members: NamedMember[]): Map<string, ShownName> {
  const groups = new Map<string, NamedMember[]>();
  const normalized = new Map<string, string>();
  for (const m of members) {
    const name = displayNameOrPlaceholder(m.displayName);
    normalized.set(m.identityKey, name);
    const skeleton = nameSkeleton(name);
    groups.set(skeleton, [...(groups.get(skeleton) ?? []), m]);
  }
  const out = new Map<string, ShownName>();
  for (const group of groups.values()) {
    const length = group.length > 1 ? tagLength(group) : 0;
    const spellings = new Set(group.map((m) => normalized.get(m.identityKey)));
    for (const m of group) {
      const name = normalized.get(m.identityKey)!;
      const tag = length > 0 ? hexOf(m.fingerprint).slice(0, length) : null;
      out.set(m.identityKey, { name, tag, label: tag ? `${name}${TAG_SEPARATOR}${tag}` : name, lookalike: spellings.size > 1 });
    }
  }
  return out;
}

/** Wraps a name in Unicode isolates (FSI … PDI) for plain-text places (alerts, warnings), like <bdi> does in markup. */
export function isolate(name: string): string {
  return `\u2068${name}\u2069`;
}
