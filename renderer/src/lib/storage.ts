// Small typed localStorage helpers: lobby preferences, recent rooms and renderer-side preferences (notifications, speaker).
export function load<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? fallback : (JSON.parse(raw) as T);
  } catch {
    return fallback;
  }
}

export function save(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: preferences are a convenience, never required.
  }
}

export interface RecentRoom { roomId: string; serverUrl: string; at: number }

export function rememberRoom(list: RecentRoom[], room: RecentRoom, max = 6): RecentRoom[] {
  const rest = list.filter((r) => !(r.roomId === room.roomId && r.serverUrl === room.serverUrl));
  return [room, ...rest].slice(0, max);
}

/** Renderer-only preferences (main holds the security settings). `sfuVideoFeeds`: videos an SFU call receives at once, 0 = all. */
export interface Prefs { desktopNotifications: boolean; speakerId: string; sfuVideoFeeds: number }
export const SFU_VIDEO_FEED_CHOICES = [1, 2, 4, 9, 16, 0] as const;
const PREFS_DEFAULTS: Prefs = { desktopNotifications: false, speakerId: '', sfuVideoFeeds: 4 };

export function loadPrefs(): Prefs {
  const raw = load<Partial<Prefs>>('veil.prefs', {});
  return {
    desktopNotifications: typeof raw.desktopNotifications === 'boolean' ? raw.desktopNotifications : PREFS_DEFAULTS.desktopNotifications,
    speakerId: typeof raw.speakerId === 'string' ? raw.speakerId.slice(0, 256) : PREFS_DEFAULTS.speakerId,
    sfuVideoFeeds: (SFU_VIDEO_FEED_CHOICES as readonly unknown[]).includes(raw.sfuVideoFeeds) ? raw.sfuVideoFeeds! : PREFS_DEFAULTS.sfuVideoFeeds
  };
}

export function savePrefs(patch: Partial<Prefs>): Prefs {
  const next = { ...loadPrefs(), ...patch };
  save('veil.prefs', next);
  return next;
}
