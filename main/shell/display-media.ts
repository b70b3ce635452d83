// Screen sharing: answers getDisplayMedia only for the app's own frame, after a user gesture, with a screen source.
import { isAppUrl } from './origin';

export interface DisplayMediaRequest { securityOrigin: string; frameUrl: string | undefined; videoRequested: boolean; userGesture: boolean }
export interface CaptureSource { id: string; name: string }

/**
 * Picks what to share. Electron calls this for getDisplayMedia; returning null denies. Only the app's
 * top frame may capture, only in response to a click, and system audio is never captured.
 */
export function chooseDisplaySource(request: DisplayMediaRequest, sources: readonly CaptureSource[]): CaptureSource | null {
  if (!isAppUrl(request.frameUrl) || !isAppUrl(request.securityOrigin)) return null;
  if (!request.videoRequested || !request.userGesture) return null;
  // Screens come before windows in desktopCapturer's list; the first screen is the primary display.
  return sources.find((s) => s.id.startsWith('screen:')) ?? null;
}
