// The media servers (Janus) a signaling server names, allowed in main before they are needed: the page's CSP only changes on a reload.
import { MAX_SERVER_SFU_URLS, SERVER_INFO_PATH, serverInfoSchema } from '../../../protocol/sfu';

/** The server's info answer is a few hundred bytes; anything past this is refused unread. */
const MAX_INFO_BYTES = 16 * 1024;

/**
 * The media server addresses the signaling server publishes at `/veil/info`, or [] when it publishes none, is an
 * older server without the route, or answers anything malformed or oversized.
 */
export async function mediaServersOf(serverUrl: string, timeoutMs = 3000): Promise<string[]> {
  try {
    const url = new URL(SERVER_INFO_PATH, serverUrl.replace(/^ws/, 'http'));
    const res = await fetch(url, { cache: 'no-store', credentials: 'omit', redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok || !res.body) return [];
    const text = await readAtMost(res.body, MAX_INFO_BYTES);
    if (text === null) return [];
    const parsed = serverInfoSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.sfuUrls.slice(0, MAX_SERVER_SFU_URLS) : [];
  } catch {
    return [];
  }
}

/** The body as text, or null past `max` bytes (the read stops there: a server cannot make us buffer more). */
async function readAtMost(body: ReadableStream<Uint8Array>, max: number): Promise<string | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) { await reader.cancel(); return null; }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.byteLength; }
  return new TextDecoder('utf-8', { fatal: true }).decode(all);
}

export type MediaServerAnswer = 'usable' | 'after-reload' | 'refused';

/**
 * Media servers main said this page may use now (`${serverUrl} ${sfuUrl}`). The page's CSP is fixed until it reloads, so
 * the answer holds for the page's life. It only saves a round trip: the CSP still decides what the page can reach.
 */
const usableInThisPage = new Set<string>();

/** Main's answer for one media server of `serverUrl` (a refusal, or a failed call, is `refused`). */
export async function allowMediaServer(serverUrl: string, sfuUrl: string): Promise<MediaServerAnswer> {
  const r = await window.veil.app.allowSfu(serverUrl, sfuUrl).catch(() => null);
  if (!r?.ok) return 'refused';
  if (r.value.reloadRequired) return 'after-reload';
  usableInThisPage.add(`${serverUrl} ${sfuUrl}`);
  return 'usable';
}

/** `usable` when main already said so in this page (no round trip), else main's answer. */
export function knownOrAskMediaServer(serverUrl: string, sfuUrl: string): MediaServerAnswer | Promise<MediaServerAnswer> {
  return usableInThisPage.has(`${serverUrl} ${sfuUrl}`) ? 'usable' : allowMediaServer(serverUrl, sfuUrl);
}

/**
 * Asks main to allow each media server for this signaling server; true when one of them needs a reload to take
 * effect. A media server main refuses (another host the user said no to) is left out: its rooms then say why.
 */
export async function allowMediaServers(serverUrl: string, sfuUrls: readonly string[]): Promise<boolean> {
  let reloadRequired = false;
  for (const sfuUrl of sfuUrls) reloadRequired = (await allowMediaServer(serverUrl, sfuUrl)) === 'after-reload' || reloadRequired;
  return reloadRequired;
}
