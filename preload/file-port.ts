// Hands main's file-transfer MessagePort to the page as a window message: a port, never ipcRenderer itself.
import type { IpcRendererEvent } from 'electron';
import { FILE_PORT_EVENT, FILE_PORT_TOKEN_PATTERN } from '../protocol/ipc-channels';

type On = (channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void) => unknown;
export type PostToPage = (data: { veilFilePort: string } | { veilMediaKeyPort: string }, ports: MessagePort[]) => void;

/** Forwards each `veil:file-port` event that carries exactly one port and a well-formed token; drops anything else. */
export function forwardFilePorts(on: On, post: PostToPage): void {
  on(FILE_PORT_EVENT, (event, token) => {
    if (typeof token !== 'string' || !FILE_PORT_TOKEN_PATTERN.test(token) || event.ports.length !== 1) return;
    post({ veilFilePort: token }, event.ports);
  });
}

/** Posts to our own window with the page's exact origin as the target (`*` only where the page's origin is opaque). */
export function postToOwnWindow(ownWindow: () => Pick<Window, 'postMessage' | 'location'>): PostToPage {
  return (data, ports) => {
    // Looked up per message: the window exists only once the page does, after the preload has run.
    const win = ownWindow();
    const origin = win.location.origin;
    win.postMessage(data, origin && origin !== 'null' ? origin : '*', ports);
  };
}
