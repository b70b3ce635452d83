// Plain-language join failures: what the signaling client, the server's codes and main report, mapped to what to do.
import { SignalingError } from '../net/signaling';
import { VeilError } from './veil';

export type JoinFailureKind =
  | 'unreachable' | 'not-hosting' | 'timeout' | 'not-veil' | 'password-needed' | 'password-wrong' | 'token-expired' | 'token-invalid'
  | 'proof' | 'room-full' | 'rate-limited' | 'version' | 'denied' | 'keychain' | 'other';

/** What the lobby shows: a sentence to act on, and the raw cause for the "Advanced" toggle. */
export interface JoinFailure { kind: JoinFailureKind; message: string; detail: string }

/** The websocket to the server could not open; `probe` says whether anything answered plain HTTP at that origin. */
export class ConnectFailure extends Error {
  constructor(readonly reason: string, readonly probe: 'answers' | 'silent' | 'skipped') {
    super(`connect failed: ${reason} (http probe: ${probe})`);
    this.name = 'ConnectFailure';
  }
}

const MESSAGES: Record<JoinFailureKind, string> = {
  unreachable: 'Nothing answers at this address. The server may be down, or the address, port or host name may be wrong. Check the address or ask whoever runs the server.',
  'not-hosting': 'Nothing is hosting on this computer yet. Paste the invite link you were sent, or choose "Host on this computer" below to start a room others can join.',
  timeout: 'The server did not answer in time. Check your network connection, then try again.',
  'not-veil': 'Something answers at this address, but it is not a Veil server that accepts this app. Check the address and port.',
  'password-needed': 'This room needs a password. Enter the room password and join again.',
  'password-wrong': 'Wrong room password. Check it with whoever invited you.',
  'token-expired': 'Your invitation has expired. Ask for a new one.',
  'token-invalid': 'Your invitation is not valid for this room. Ask for a new one.',
  proof: 'The server could not confirm your join. Check that the server address is exactly the one you were given, and that your clock is right.',
  'room-full': 'This room is full. Try again when someone leaves.',
  'rate-limited': 'Too many failed attempts. Wait a minute, then try again.',
  version: 'This server runs a different version of Veil. Update Veil, or ask whoever runs the server to update it.',
  denied: 'You did not allow this server. Join again and choose Allow to use it.',
  keychain: 'Your system keychain is locked or missing, and Veil keeps your identity there. Unlock it (or log in again), then join.',
  other: 'Could not join the room. Try again; if it keeps failing, open "Advanced" for details.'
};

function fromUnauthorized(reason: string): JoinFailureKind {
  if (reason === 'password-missing') return 'password-needed';
  if (reason === 'password-wrong') return 'password-wrong';
  if (reason === 'token-expired') return 'token-expired';
  if (reason.startsWith('token-')) return 'token-invalid';
  if (reason.startsWith('proof-')) return 'proof';
  return 'other';
}

/** Whether the address names this computer (the first-run prefill, or a host that was stopped). */
function isThisComputer(serverUrl: string | undefined): boolean {
  if (!serverUrl) return false;
  try {
    const host = new URL(serverUrl).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

function kindOf(err: unknown, serverUrl: string | undefined): JoinFailureKind {
  if (err instanceof ConnectFailure) {
    if (err.reason === 'timeout') return 'timeout';
    if (err.probe === 'answers') return 'not-veil';
    return isThisComputer(serverUrl) ? 'not-hosting' : 'unreachable';
  }
  if (err instanceof SignalingError) {
    // The server's message after the code is its reason (e.g. `room:join: unauthorized: password-wrong`).
    const reason = err.message.split(': ').at(-1) ?? '';
    switch (err.code) {
      case 'unauthorized': return fromUnauthorized(reason);
      case 'room-full': return 'room-full';
      case 'rate-limited': return 'rate-limited';
      case 'timeout': return 'timeout';
      // A well-formed server that rejects our request's shape, or answers in a shape we do not know, speaks another version.
      case 'bad-request': case 'bad-response': return 'version';
      default: return 'other';
    }
  }
  if (err instanceof VeilError && err.code === 'denied') return 'denied';
  if (err instanceof VeilError && (err.code === 'keychain-locked' || err.code === 'keychain-unavailable')) return 'keychain';
  return 'other';
}

function detailOf(err: unknown): string {
  if (err instanceof VeilError) return `${err.code}: ${err.message}`;
  if (err instanceof SignalingError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

/** `serverUrl` is the address the join used: nothing listening on this computer gets its own advice. */
export function describeJoinFailure(err: unknown, serverUrl?: string): JoinFailure {
  const kind = kindOf(err, serverUrl);
  return { kind, message: MESSAGES[kind], detail: detailOf(err) };
}

/**
 * After the websocket failed: does anything answer plain HTTP at the server's origin? An opaque (no-cors) answer is
 * enough to tell "nothing listens there" from "something else listens there"; the browser hides which error it was.
 */
export async function probeServer(serverUrl: string, timeoutMs = 4000): Promise<'answers' | 'silent'> {
  const url = new URL('/socket.io/?EIO=4&transport=polling', serverUrl.replace(/^ws/, 'http'));
  try {
    await fetch(url, { mode: 'no-cors', cache: 'no-store', credentials: 'omit', signal: AbortSignal.timeout(timeoutMs) });
    return 'answers';
  } catch {
    return 'silent';
  }
}

/** Why a typed server address cannot be used, in plain words; null when it can. */
export function serverUrlProblem(text: string): string | null {
  const t = text.trim();
  if (!t) return 'Enter the server address, for example https://signal.example.org.';
  if (!/^(https?|wss?):\/\//i.test(t)) return 'The address must start with https:// or http:// (for example https://signal.example.org).';
  let url: URL;
  try {
    url = new URL(t);
  } catch {
    return 'This is not a valid address: check for spaces or typing mistakes in the host name.';
  }
  if (!url.hostname) return 'The address needs a host name, for example https://signal.example.org.';
  if (url.username || url.password) return 'Leave the user name and password out of the address; enter the room password below.';
  if (url.search || url.hash) return 'The address cannot contain "?" or "#" parts.';
  return null;
}
