// The room security code: SHA-256 over every member's identity key and shown name, as digits; it changes only when membership does.
export interface RoomCodeEntry {
  identityKey: string;
  /** The name as shown in the room (normalized, with its fingerprint tag when a namesake is present): lib/shown-names.ts. */
  name: string;
}

export const ROOM_CODE_LABEL = 'veil-room-code-v3';

/**
 * Canonical form (docs/PROTOCOL.md "Room security code"): the line `veil-room-code-v3|<roomId>`, then one
 * `identityKey|name` line per member, sorted by identity key (ASCII order), joined by "\n". Room-key epochs and DTLS
 * certificates are left out on purpose: both are authenticated under the identity key (rotations are signed by it,
 * link bindings are MACed under the session it authenticates), so agreeing on the identity keys covers them, and
 * leaving them out keeps the code stable across hourly rotations and reconnections.
 */
export function canonicalRoomList(roomId: string, entries: readonly RoomCodeEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.identityKey < b.identityKey ? -1 : a.identityKey > b.identityKey ? 1 : 0));
  const lines = sorted.map((e) => `${e.identityKey}|${e.name}`);
  return [`${ROOM_CODE_LABEL}|${roomId}`, ...lines].join('\n');
}

/** 30 digits in six groups of five, each group from 5 bytes of the digest mod 100000. */
export async function roomSecurityCode(roomId: string, entries: readonly RoomCodeEntry[]): Promise<string[]> {
  const data = new TextEncoder().encode(canonicalRoomList(roomId, entries));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  const groups: string[] = [];
  for (let g = 0; g < 6; g++) {
    let n = 0;
    for (let i = 0; i < 5; i++) n = n * 256 + (digest[g * 5 + i] ?? 0);
    groups.push(String(n % 100000).padStart(5, '0'));
  }
  return groups;
}
