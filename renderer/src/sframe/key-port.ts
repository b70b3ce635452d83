// Page side of the media-key port: asks main for it, matches its token, and hands it unread to a new frame worker as its first message.
import { unwrap } from '../lib/veil';
import { frameWorkerUrl } from './worker-url';

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Asks main for the call's key port (`media:startCall` first). The listener goes in before the invoke because main may
 * post the port before the invoke resolves; only a message from our own window carrying our token counts. The page
 * never reads from or writes to the port: it only transfers it.
 */
export async function openMediaKeyPort(): Promise<MessagePort> {
  const arrived = new Map<string, MessagePort>();
  let wanted: string | null = null;
  let deliver: ((p: MessagePort) => void) | null = null;
  const onMessage = (e: MessageEvent) => {
    const token = (e.data as { veilMediaKeyPort?: unknown } | null)?.veilMediaKeyPort;
    const port = e.ports[0];
    if (e.source !== window || typeof token !== 'string' || !port) return;
    if (token === wanted && deliver) deliver(port);
    else if (arrived.size < 4) arrived.set(token, port);
  };
  window.addEventListener('message', onMessage);
  try {
    const { token } = await unwrap(window.veil.media.keyPort());
    const early = arrived.get(token);
    if (early) return early;
    return await new Promise<MessagePort>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('main did not deliver the media key port')), CONNECT_TIMEOUT_MS);
      wanted = token;
      deliver = (p) => { clearTimeout(timer); resolve(p); };
    });
  } finally {
    window.removeEventListener('message', onMessage);
  }
}

/** A frame worker whose only keys are main's: the key port is transferred to it before anything else. */
export async function createKeyedFrameWorker(url: URL | string = frameWorkerUrl()): Promise<Worker> {
  const port = await openMediaKeyPort();
  const worker = new Worker(url, { type: 'module' });
  worker.postMessage({ type: 'key-port', port }, [port]);
  return worker;
}
