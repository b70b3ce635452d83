// The room security code: SHA-256 over every participant's identity key, DTLS fingerprint and key epoch, as digits.
export interface RoomCodeEntry { identityKey: string; fingerprint: string; epoch: number }

/** Canonical form: one `identityKey|FINGERPRINT|epoch` line per participant, sorted, joined by newlines. */
export function canonicalRoomList(roomId: string, entries: RoomCodeEntry[]): string {
  const lines = entries.map((e) => `${e.identityKey}|${e.fingerprint.toUpperCase()}|${e.epoch}`).sort();
  return [`veil-room-code-v1|${roomId}`, ...lines].join('\n');
}

/** 30 digits in six groups of five, each group from 5 bytes of the digest mod 100000. */
export async function roomSecurityCode(roomId: string, entries: RoomCodeEntry[]): Promise<string[]> {
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
