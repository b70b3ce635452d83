// Shown names from the store: every room member (ourselves included) through shownNames, memoized per state change.
import { shownNames, type NamedMember, type ShownName } from '../lib/shown-names';
import { useApp, type AppState } from '../store';

let memo: { peers: AppState['peers']; me: string | undefined; myFp: string | undefined; myName: string; names: Map<string, ShownName> } | null = null;

export function roomMembers(s: AppState): NamedMember[] {
  const members: NamedMember[] = Object.values(s.peers).map((p) => ({ identityKey: p.identityKey, displayName: p.displayName || 'unnamed',
    fingerprint: p.fingerprint }));
  if (s.identity) members.push({ identityKey: s.identity.identityKey, displayName: s.displayName || 'unnamed', fingerprint: s.identity.fingerprint });
  return members;
}

export function shownNamesOf(s: AppState): Map<string, ShownName> {
  const me = s.identity?.identityKey;
  const myFp = s.identity?.fingerprint;
  if (memo && memo.peers === s.peers && memo.me === me && memo.myFp === myFp && memo.myName === s.displayName) return memo.names;
  const names = shownNames(roomMembers(s));
  memo = { peers: s.peers, me, myFp, myName: s.displayName, names };
  return names;
}

const fallback = (name: string): ShownName => ({ name, tag: null, label: name, lookalike: false });

/** The shown name of a member (or of ourselves, by our identity key); `fallbackName` when not in the room. */
export function shownNameOf(s: AppState, identityKey: string | undefined, fallbackName = 'a participant'): ShownName {
  return (identityKey ? shownNamesOf(s).get(identityKey) : undefined) ?? fallback(fallbackName);
}

export function useShownName(identityKey: string | undefined, fallbackName = 'a participant'): ShownName {
  // Select the memoized map (a stable reference); a fresh fallback object from a selector would re-render forever.
  const names = useApp(shownNamesOf);
  return (identityKey ? names.get(identityKey) : undefined) ?? fallback(fallbackName);
}
