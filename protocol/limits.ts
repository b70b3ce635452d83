// Size and time limits shared by main, renderer and server, so every boundary enforces the same numbers.
export const LIMITS = {
  /** Room ids: short, printable, case-sensitive. */
  roomIdMaxLength: 64,
  displayNameMaxLength: 64,
  /** Largest chat plaintext main will seal (bytes). */
  maxPlaintextBytes: 64 * 1024,
  /** Longest chat line (UTF-16 code units); at 4 bytes per character it still fits one envelope. */
  maxChatChars: 16_000,
  /** Largest envelope main will try to open (bytes): plaintext plus header, tag and signature. */
  maxEnvelopeBytes: 64 * 1024 + 512,
  /** Largest SDP the server relays (characters). */
  maxSdpLength: 16 * 1024,
  maxIceCandidateLength: 1024,
  /** Default and maximum lifetime of an ephemeral room key. */
  keyMaxAgeMs: 24 * 60 * 60 * 1000,
  /** Messages older than this (by their header timestamp) are rejected as stale. */
  freshnessTtlMs: 5 * 60 * 1000,
  /** Previous room key still opens in-flight messages this long after a rotation. */
  rotationGraceMs: 30 * 1000,
  /** Peers main holds per room (a 50-person SFU room fits); `session:open` refuses a new one beyond it (`room-too-large`). */
  maxRoomMembers: 64,
  /** Rooms main holds keys for at once; `keys:create` refuses another (`too-many-rooms`). */
  maxRooms: 8,
  /** Keys remembered per peer (keyId → epoch, expiresAt), so a revocation of any of them can be checked in any order. */
  seenKeysPerPeer: 32
} as const;

export const ROOM_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
