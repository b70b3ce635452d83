// The binary port between the renderer and main for file chunks: an Electron MessagePortMain, or a WebSocket in tests.

/** Main's end of one renderer port. Frames are the `protocol/file-frames.ts` port requests and replies. */
export interface FilePortEndpoint {
  /** Sends one binary frame (a port reply) to the renderer. */
  post(frame: Uint8Array): void;
  /**
   * Every binary frame (a port request) the renderer sends; anything that is not bytes is dropped by the endpoint.
   * Each frame must span its whole ArrayBuffer and belong to nobody else (copy it if not): main hands the buffer on
   * to the chunk worker without copying, which detaches it.
   */
  onFrame(handler: (frame: Uint8Array) => void): void;
  onClose(handler: () => void): void;
  close(): void;
}

/**
 * Opens a port to the app window. `token` is what `files:connect` returns; the renderer side receives its end as a
 * window `message` event with data `{ veilFilePort: token }` and the port in `event.ports[0]`. Resolves with main's end.
 */
export type FilePortOpener = (token: string) => Promise<FilePortEndpoint>;
