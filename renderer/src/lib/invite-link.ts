// Invite links in the page: building `veil://join?server=…&room=…`, reading one (or an address plus a room) pasted into the lobby, and where an address reaches.
import { ROOM_ID_PATTERN } from '../../../protocol/limits';

/** Same bound as main's parser: a longer paste is not an invite. */
const MAX_INVITE_LENGTH = 2048;
const ORIGIN_PATTERN = /^https?:\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(:[0-9]{1,5})?$/;

export interface InviteFill { server: string; room: string }

/** The http(s) origin of a bare server address (ws → http, wss → https; no credentials, path, query or fragment), or null. */
export function bareServerOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  const scheme = ({ 'http:': 'http:', 'https:': 'https:', 'ws:': 'http:', 'wss:': 'https:' } as Record<string, string>)[url.protocol];
  if (!scheme || url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) return null;
  const origin = `${scheme}//${url.host}`;
  return ORIGIN_PATTERN.test(origin) ? origin : null;
}

/** The link main accepts (main/shell/invite.ts): only a server origin and a room, never a password or token. */
export function buildInviteLink(server: string, room: string): string | null {
  const origin = bareServerOrigin(server);
  if (!origin || !ROOM_ID_PATTERN.test(room)) return null;
  return `veil://join?${new URLSearchParams({ server: origin, room }).toString()}`;
}

/** A `veil://join` link, checked like main checks it (exactly one server and one room, nothing else). */
function fromVeilLink(text: string): InviteFill | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'veil:' || url.hostname !== 'join' || url.port || (url.pathname !== '' && url.pathname !== '/')) return null;
  if (url.username || url.password || url.hash) return null;
  const seen = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    if ((key !== 'server' && key !== 'room') || seen.has(key)) return null;
    seen.set(key, value);
  }
  const server = bareServerOrigin(seen.get('server') ?? '');
  const room = seen.get('room') ?? '';
  return server && ROOM_ID_PATTERN.test(room) ? { server, room } : null;
}

/**
 * What a paste into the server field fills in: a `veil://join` link, or a server address followed by a room name
 * (separated by spaces or a line break). Anything else is null and the paste goes in as typed.
 */
export function parsePastedInvite(raw: string): InviteFill | null {
  const text = raw.trim();
  if (!text || text.length > MAX_INVITE_LENGTH) return null;
  if (/^veil:/i.test(text)) return fromVeilLink(text);
  const parts = text.split(/\s+/);
  if (parts.length !== 2) return null;
  const server = bareServerOrigin(parts[0]!);
  const room = parts[1]!;
  return server && ROOM_ID_PATTERN.test(room) ? { server, room } : null;
}

export type AddressReach = 'this-computer' | 'local-network' | 'internet';

/** Who can use an address: loopback is this computer only, private ranges the same Wi-Fi or office, anything else the internet. */
export function addressReach(url: string): AddressReach {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return 'internet';
  }
  if (host === 'localhost' || host === '::1' || /^127\./.test(host)) return 'this-computer';
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(host);
  if (v4) {
    const a = Number(v4[1]);
    const b = Number(v4[2]);
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127)) {
      return 'local-network';
    }
    return 'internet';
  }
  if (/^f[cd][0-9a-f]{2}:/.test(host) || /^fe[89ab][0-9a-f]:/.test(host) || host.endsWith('.local')) return 'local-network';
  return 'internet';
}

export const REACH_WORDS: Record<AddressReach, string> = {
  'this-computer': 'This computer only',
  'local-network': 'People on the same Wi-Fi or office network',
  internet: 'People over the internet (if your router lets them in)'
};
