// Room activity beside the chat log: join and leave notices, the unread count in the window title, desktop notifications.
import { safeText } from '../lib/safe-text';
import { loadPrefs } from '../lib/storage';
import type { AppState, AppStore } from '../store';
import { newId } from './chat';
import { shownNameOf } from './names';

/** Notification text never carries the message: the OS keeps notifications in its own history. */
export function notifyNewMessage(from: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    new Notification(`Veil: message from ${safeText(from)}`, { body: 'New end-to-end encrypted message', tag: 'veil-chat' });
  } catch {
    // Notifications are a convenience; a platform that refuses them changes nothing else.
  }
}

export function titleFor(roomId: string, unread: number): string {
  return `${unread > 0 ? `(${unread}) ` : ''}Veil${roomId ? ` — ${roomId}` : ''}`;
}

/**
 * Watches the store: a peer whose session opened "joined", one removed "left" (as chat notices); new messages from
 * others raise a desktop notification while the window is unfocused (a preference, off by default). Returns the unsubscribe.
 */
export function watchActivity(store: AppStore, focused: () => boolean = () => document.hasFocus()): () => void {
  const joined = new Map<string, string>();
  for (const p of Object.values(store.getState().peers)) if (p.sessionOpen) joined.set(p.identityKey, shownNameOf(store.getState(), p.identityKey, p.displayName).label);
  let seenMessages = store.getState().messages.length;
  let lastId = store.getState().messages.at(-1)?.id;
  const notice = (s: AppState, text: string) => s.addMessage({ id: newId(), from: 'system', fromName: '', text, at: Date.now(), kind: 'notice' });
  return store.subscribe((s, prev) => {
    if (s.peers !== prev.peers) {
      for (const p of Object.values(s.peers)) {
        if (p.sessionOpen && !joined.has(p.identityKey)) {
          const name = shownNameOf(s, p.identityKey, p.displayName).label;
          joined.set(p.identityKey, name);
          notice(s, `${name} joined`);
        }
      }
      for (const [key, name] of [...joined]) {
        if (!s.peers[key]) { joined.delete(key); notice(s, `${name} left`); }
      }
    }
    if (s.messages !== prev.messages) {
      const start = s.messages.findIndex((m) => m.id === lastId) + 1;
      const fresh = lastId === undefined ? s.messages.slice(seenMessages) : s.messages.slice(start);
      seenMessages = s.messages.length;
      lastId = s.messages.at(-1)?.id;
      const fromOthers = fresh.filter((m) => m.from !== 'me' && m.from !== 'system' && (m.kind ?? 'message') === 'message');
      const last = fromOthers.at(-1);
      if (last && !focused() && loadPrefs().desktopNotifications) notifyNewMessage(last.fromName);
    }
  });
}
