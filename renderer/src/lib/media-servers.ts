// The media servers (Janus) a signaling server names, allowed in main before they are needed: the page's CSP only changes on a reload.
import { MAX_SERVER_SFU_URLS, SERVER_INFO_PATH, serverInfoSchema } from '../../../protocol/sfu';
import { unwrap } from './veil';

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

/**
 * Asks main to allow each media server for this signaling server; true when one of them needs a reload to take
 * effect. A media server main refuses (another host the user said no to) is left out: its rooms then say why.
 */
export async function allowMediaServers(serverUrl: string, sfuUrls: readonly string[]): Promise<boolean> {
  let reloadRequired = false;
  for (const sfuUrl of sfuUrls) {
    try {
      reloadRequired = (await unwrap(window.veil.app.allowSfu(serverUrl, sfuUrl))).reloadRequired || reloadRequired;
    } catch {
      // Refused: nothing was added.
    }
  }
  return reloadRequired;
}
