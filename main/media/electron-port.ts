// Wraps an Electron MessagePortMain as main's end of the frame worker's key port (structured-clone messages, main → worker only).
import type { MessagePortMain } from 'electron';
import type { MediaKeyPortEndpoint } from './key-port';

/** The worker answers only `key-refused` (never key material); main reads nothing from the port, so nothing is listened to. */
export function keyPortEndpoint(port: MessagePortMain): MediaKeyPortEndpoint {
  const closeHandlers: (() => void)[] = [];
  port.on('close', () => { for (const h of closeHandlers) h(); });
  port.start();
  return {
    // postMessage serializes synchronously: the caller may wipe its copy of the key right after.
    post: (message) => port.postMessage(message),
    onClose: (h) => { closeHandlers.push(h); },
    close: () => port.close()
  };
}
