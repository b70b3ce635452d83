// Navigation policy: the window never leaves the app; https links open in the system browser; popups are denied.
import { isAppUrl } from './origin';

export type NavigationDecision = { allow: false; openExternally: string | null } | { allow: true };

/** Only plain https URLs without credentials may be handed to the system browser. */
export function externalUrlToOpen(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return null;
    return parsed.toString();
  } catch {
    return null;
  }
}

/** `will-navigate` / `will-redirect`: in-app URLs only (a reload of our own page). */
export function decideNavigation(url: string): NavigationDecision {
  if (isAppUrl(url)) return { allow: true };
  return { allow: false, openExternally: externalUrlToOpen(url) };
}

/** `setWindowOpenHandler`: always deny a new window; https goes to the system browser instead. */
export function decideWindowOpen(url: string): { action: 'deny'; openExternally: string | null } {
  return { action: 'deny', openExternally: externalUrlToOpen(url) };
}
