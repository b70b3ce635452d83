// Plain words for what main, the peers and the browser report as codes: error codes, audit events, settings problems.
import { safeText } from './safe-text';

/** Error codes (main's IPC codes, the server's, the browser's) as a short phrase a person understands. */
const CODE_WORDS: Record<string, string> = {
  'bad-arguments': 'a value was not accepted',
  'bad-sender': 'refused by the app',
  internal: 'an internal error',
  'keychain-locked': 'the system keychain is locked',
  'keychain-unavailable': 'the system keychain is not available',
  'identity-missing': 'your identity is not set up',
  'no-room-key': 'no key for this room yet',
  'no-session': 'no secure session with this person yet',
  'bad-signature': 'its signature did not check out',
  replay: 'a repeated copy was refused',
  stale: 'it arrived too late',
  expired: 'it expired',
  revoked: 'the key it used was withdrawn',
  malformed: 'it was damaged or not understood',
  'wrong-recipient': 'it was meant for someone else',
  'unknown-key': 'it used a key we do not know',
  'decrypt-failed': 'it could not be decrypted',
  'old-epoch': 'it used an old key',
  'not-found': 'not found',
  'too-large': 'larger than the largest file size set in Settings',
  'key-changed': "this person's identity key changed and you have not accepted it",
  'hash-mismatch': 'the file did not match what was sent',
  'bad-state': 'not possible right now',
  'out-of-order': 'parts arrived out of order',
  'over-quota': 'too many waiting',
  denied: 'not allowed',
  timeout: 'no answer in time',
  'rate-limited': 'too many attempts, wait a little',
  unauthorized: 'not allowed by the server',
  ERR_DATA_CHANNEL: 'the connection dropped',
  ERR_CONNECTION_FAILURE: 'the connection failed',
  ERR_ICE_CONNECTION_FAILURE: 'no network path to this person',
  ERR_WEBRTC_SUPPORT: 'calls are not supported here'
};

/**
 * A reason as shown by default: a known code (alone or leading `code: message`) becomes its phrase; anything else
 * keeps its text but loses code-like prefixes and tokens (the raw text stays available in the title / Advanced).
 */
export function plainReason(raw: string): string {
  const text = raw.trim();
  const head = /^([A-Za-z_][A-Za-z0-9_-]*)(?::\s*|$)/.exec(text);
  const known = head?.[1] ? CODE_WORDS[head[1]] : undefined;
  if (known) return known;
  const token = /\b(ERR_[A-Z_]+)\b/.exec(text);
  if (token?.[1]) return CODE_WORDS[token[1]] ?? 'the connection failed';
  if (text.startsWith('blocked: identity key changed')) return CODE_WORDS['key-changed']!;
  if (text.startsWith('refused:')) return `refused for your safety (${safeText(text.slice('refused:'.length).trim())})`;
  return safeText(text);
}

/** What an audit event means, in a sentence fragment; unknown types read as the type with dashes as spaces. */
const AUDIT_WORDS: Record<string, string> = {
  'identity-created': 'Your identity key was created',
  'join-proof-signed': 'You proved your identity to join a room',
  'link-bound': 'A connection was bound to your key',
  'link-verified': "A person's connection was checked",
  'room-key-created': 'A room key was created',
  'room-key-rotated': 'Your room key was replaced on schedule',
  'room-key-revoked': 'You withdrew a room key',
  'peer-key-rotated': 'Someone replaced their room key',
  'peer-key-revoked': 'Someone withdrew a room key',
  'room-left': 'You left a room',
  'room-too-large': 'A room was refused: too many people',
  'session-opened': 'A secure session with someone started',
  'session-closed': 'A secure session ended',
  'session-rekey-failed': 'A secure session could not switch keys',
  'settings-changed': 'Settings were changed',
  'over-quota': 'Too many waiting offers were refused',
  'file-offered': 'You offered a file',
  'file-offer-received': 'You were offered a file',
  'file-offer-rejected': 'A file offer was refused',
  'file-offer-expired': 'A file offer expired unanswered',
  'file-accepted': 'A file was accepted',
  'file-resumed': 'A file transfer resumed',
  'file-verified': 'A received file was verified',
  'file-saved': 'A received file was saved',
  'file-failed': 'A file transfer failed',
  'contact-new': 'A new person was remembered',
  'contact-change-accepted': "You accepted someone's new key",
  'contact-distinct': 'You marked someone as a different person',
  revoke: 'A key was withdrawn',
  rotate: 'A key was replaced'
};

export function auditLabel(type: string): string {
  return AUDIT_WORDS[type] ?? (type.charAt(0).toUpperCase() + type.slice(1)).replace(/-/g, ' ');
}

/** What an SFU tile says about a member's frames (`name` is already isolated for display). */
export function sfuFeedWords(state: 'connecting' | 'waiting-key' | 'decrypting' | 'cannot-decrypt' | 'unproven' | 'forged', name: string): string {
  if (state === 'waiting-key') return `waiting for ${name}'s key`;
  if (state === 'forged') return `this video is not from ${name}: someone who holds ${name}'s key sent it, so it is not shown`;
  if (state === 'unproven') return `can't confirm this video is from ${name}, so it is not shown`;
  if (state === 'cannot-decrypt') return `can't decrypt ${name}'s video`;
  if (state === 'connecting') return `connecting to ${name}'s video`;
  return '';
}
