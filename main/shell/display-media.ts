// Screen sharing: grants getDisplayMedia exactly the source the user picked in the app's picker, once, soon after.
import { DISPLAY_CHOICE_TTL_MS, DISPLAY_SOURCE_LIMITS, displaySourceIdSchema, type DisplaySourceInfo } from '../../protocol/ipc-media';
import { isAppUrl } from './origin';

export interface DisplayMediaRequest { securityOrigin: string; frameUrl: string | undefined; videoRequested: boolean; userGesture: boolean }
export interface CaptureSource { id: string; name: string }
/** What the user picked in the app's picker, and until when it may be used. */
export interface DisplayChoice { id: string; expiresAt: number }

/**
 * Picks what to share. Electron calls this for getDisplayMedia; returning null denies. Only the app's top frame
 * may capture, only in response to a click, only the source the user chose (unexpired), and never system audio.
 */
export function chooseDisplaySource(request: DisplayMediaRequest, sources: readonly CaptureSource[],
  chosen: DisplayChoice | null, now: number): CaptureSource | null {
  if (!isAppUrl(request.frameUrl) || !isAppUrl(request.securityOrigin)) return null;
  if (!request.videoRequested || !request.userGesture) return null;
  if (!chosen || now >= chosen.expiresAt) return null;
  return sources.find((s) => s.id === chosen.id) ?? null;
}

/** Holds the user's last pick; `take` hands it out once, so a later getDisplayMedia needs a new pick. */
export class DisplayChoiceSlot {
  private choice: DisplayChoice | null = null;
  constructor(private readonly ttlMs = DISPLAY_CHOICE_TTL_MS) {}
  set(id: string, now: number): void { this.choice = { id, expiresAt: now + this.ttlMs }; }
  take(): DisplayChoice | null {
    const c = this.choice;
    this.choice = null;
    return c;
  }
}

/** The part of Electron's DesktopCapturerSource the picker needs. */
export interface CapturerSourceLike { id: string; name: string; thumbnail?: { toDataURL(): string } | undefined }

const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/=]+$/;

/** What the renderer may see of the sources: bounded count, names and thumbnails; only screen/window ids. */
export function toSourceInfo(sources: readonly CapturerSourceLike[]): DisplaySourceInfo[] {
  const out: DisplaySourceInfo[] = [];
  for (const s of sources) {
    if (out.length >= DISPLAY_SOURCE_LIMITS.maxSources) break;
    if (!displaySourceIdSchema.safeParse(s.id).success) continue;
    let thumbnail = '';
    try {
      const url = s.thumbnail?.toDataURL() ?? '';
      if (url.length <= DISPLAY_SOURCE_LIMITS.maxThumbnailChars && PNG_DATA_URL.test(url)) thumbnail = url;
    } catch {
      thumbnail = '';
    }
    out.push({ id: s.id, kind: s.id.startsWith('screen:') ? 'screen' : 'window', name: String(s.name).slice(0, DISPLAY_SOURCE_LIMITS.maxNameLength), thumbnail });
  }
  return out;
}
