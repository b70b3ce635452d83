// Size and time limits shared by main, renderer and server, so every boundary enforces the same numbers.
export const LIMITS = {
  /** Room ids: short, printable, case-sensitive. */
  roomIdMaxLength: 64,
  displayNameMaxLength: 64,
  /** Largest chat plaintext main will seal (bytes). */
  maxPlaintextBytes: 64 * 1024,
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
  rotationGraceMs: 30 * 1000
} as const;

export const ROOM_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
