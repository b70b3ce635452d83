// Hands main's media-key port to the page as a window message, exactly like the file port; the page forwards it unread to the frame worker.
import type { IpcRendererEvent } from 'electron';
import { MEDIA_KEY_PORT_EVENT, MEDIA_KEY_PORT_TOKEN_PATTERN } from '../protocol/ipc-channels';

type On = (channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void) => unknown;
export type PostKeyPortToPage = (data: { veilMediaKeyPort: string }, ports: MessagePort[]) => void;

/** Forwards each `veil:media-key-port` event that carries exactly one port and a well-formed token; drops anything else. */
export function forwardMediaKeyPorts(on: On, post: PostKeyPortToPage): void {
  on(MEDIA_KEY_PORT_EVENT, (event, token) => {
    if (typeof token !== 'string' || !MEDIA_KEY_PORT_TOKEN_PATTERN.test(token) || event.ports.length !== 1) return;
    post({ veilMediaKeyPort: token }, event.ports);
  });
}
