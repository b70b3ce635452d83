// Wraps an Electron MessagePortMain as main's end of the frame worker's key port (structured-clone messages both ways).
import type { MessagePortMain } from 'electron';
import type { MediaKeyPortEndpoint } from './key-port';

/** The worker answers `key-refused` and reports the frames it sealed (never key material); handlers validate what comes. */
export function keyPortEndpoint(port: MessagePortMain): MediaKeyPortEndpoint {
  const closeHandlers: (() => void)[] = [];
  const messageHandlers: ((data: unknown) => void)[] = [];
  port.on('close', () => { for (const h of closeHandlers) h(); });
  port.on('message', (e) => { for (const h of messageHandlers) h(e.data); });
  port.start();
  return {
    // postMessage serializes synchronously: the caller may wipe its copy of the key right after.
    post: (message) => port.postMessage(message),
    onMessage: (h) => { messageHandlers.push(h); },
    onClose: (h) => { closeHandlers.push(h); },
    close: () => port.close()
  };
}
