// Invite links (veil://join?server=…&room=…): strict parsing of the untrusted URL, finding it in a launch's argv, and the inbox that hands it to the page.
import type { Invite } from '../../protocol/ipc-invite';
import { ROOM_ID_PATTERN } from '../../protocol/limits';
import { APP_SCHEME } from './origin';
import { signalingOrigin } from './server-allowlist';

/** Longer links are refused before parsing: any web page or local program can hand the OS one. */
export const MAX_INVITE_URL_LENGTH = 2048;
export const INVITE_HOST = 'join';

export type InviteRejection =
  | 'too-long' | 'not-a-url' | 'wrong-scheme' | 'wrong-target' | 'has-credentials' | 'has-fragment'
  | 'unknown-parameter' | 'repeated-parameter' | 'bad-server' | 'bad-room';

export type InviteParse = { ok: true; invite: Invite } | { ok: false; reason: InviteRejection };

const ALLOWED_PARAMETERS = new Set(['server', 'room']);
const reject = (reason: InviteRejection): InviteParse => ({ ok: false, reason });

/** The server parameter must be a bare http(s)/ws(s) origin (a trailing slash at most): no path, query or fragment to smuggle. */
function serverOriginOf(value: string): string | null {
  const origin = signalingOrigin(value);
  if (!origin) return null;
  const parsed = new URL(value);
  if ((parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search !== '' || parsed.hash !== '') return null;
  return origin;
}

/** Parses `veil://join?server=<origin>&room=<room id>`; anything else is refused with its reason and yields nothing. */
export function parseInviteUrl(raw: unknown): InviteParse {
  if (typeof raw !== 'string') return reject('not-a-url');
  if (raw.length > MAX_INVITE_URL_LENGTH) return reject('too-long');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return reject('not-a-url');
  }
  if (url.protocol !== `${APP_SCHEME}:`) return reject('wrong-scheme');
  if (url.hostname !== INVITE_HOST || url.port !== '' || (url.pathname !== '' && url.pathname !== '/')) return reject('wrong-target');
  if (url.username !== '' || url.password !== '') return reject('has-credentials');
  if (url.hash !== '') return reject('has-fragment');
  const seen = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    if (!ALLOWED_PARAMETERS.has(key)) return reject('unknown-parameter');
    if (seen.has(key)) return reject('repeated-parameter');
    seen.set(key, value);
  }
  const server = serverOriginOf(seen.get('server') ?? '');
  if (!server) return reject('bad-server');
  const room = seen.get('room') ?? '';
  if (!ROOM_ID_PATTERN.test(room)) return reject('bad-room');
  return { ok: true, invite: { server, room } };
}

/**
 * The invite link among a launch's arguments (Windows and Linux pass the URL as an argument; Chromium adds its own
 * switches around it). Only arguments that start with our scheme count; the last one wins, as the OS appends it.
 */
export function findInviteArgument(argv: readonly string[]): string | null {
  const prefix = `${APP_SCHEME}:`;
  for (let i = argv.length - 1; i >= 0; i--) {
    const arg = argv[i];
    if (typeof arg === 'string' && arg.slice(0, prefix.length).toLowerCase() === prefix) return arg;
  }
  return null;
}

export type InviteOutcome = { accepted: true; invite: Invite } | { accepted: false; reason: InviteRejection };

/**
 * Holds at most one invite (the newest) until the page takes it. A refused link changes nothing: the pending invite,
 * if any, stays; listeners hear only about accepted ones.
 */
export class InviteInbox {
  private pending: Invite | null = null;
  private readonly listeners: Array<(invite: Invite) => void> = [];

  offer(rawUrl: unknown): InviteOutcome {
    const parsed = parseInviteUrl(rawUrl);
    if (!parsed.ok) return { accepted: false, reason: parsed.reason };
    this.pending = parsed.invite;
    for (const listener of this.listeners) listener(parsed.invite);
    return { accepted: true, invite: parsed.invite };
  }

  /** From a (first or second) instance's argv; null when it carried no link at all. */
  offerArgv(argv: readonly string[]): InviteOutcome | null {
    const arg = findInviteArgument(argv);
    return arg === null ? null : this.offer(arg);
  }

  take(): Invite | null {
    const invite = this.pending;
    this.pending = null;
    return invite;
  }

  onInvite(listener: (invite: Invite) => void): void { this.listeners.push(listener); }
}
