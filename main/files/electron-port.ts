// Wraps an Electron MessagePortMain as the file-transfer port endpoint (binary frames only).
import type { MessagePortMain } from 'electron';
import type { FilePortEndpoint } from './port';

/** Structured clone hands us a Buffer/Uint8Array or an ArrayBuffer; anything else is not a frame. A view into a larger buffer is copied. */
function asBytes(data: unknown): Uint8Array | null {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (!(data instanceof Uint8Array)) return null;
  const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
  return whole ? data : new Uint8Array(data);
}

export function messagePortEndpoint(port: MessagePortMain): FilePortEndpoint {
  const frameHandlers: ((frame: Uint8Array) => void)[] = [];
  const closeHandlers: (() => void)[] = [];
  port.on('message', (event) => {
    const bytes = asBytes(event.data);
    if (bytes) for (const h of frameHandlers) h(bytes);
  });
  port.on('close', () => { for (const h of closeHandlers) h(); });
  port.start();
  return {
    post: (frame) => port.postMessage(frame),
    onFrame: (h) => { frameHandlers.push(h); },
    onClose: (h) => { closeHandlers.push(h); },
    close: () => port.close()
  };
}
