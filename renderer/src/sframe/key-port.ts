// Page side of the media-key port: asks main for it, matches its token, and hands it unread to a new frame worker as its first message.
import { receiveMainPort } from '../lib/main-port';
import { unwrap } from '../lib/veil';
import { frameWorkerUrl } from './worker-url';

/**
 * Asks main for the call's key port (`media:startCall` first). The page never reads from or writes to the port: it only
 * transfers it.
 */
export function openMediaKeyPort(): Promise<MessagePort> {
  return receiveMainPort('veilMediaKeyPort', () => unwrap(window.veil.media.keyPort()), 'media key port');
}

/** A frame worker whose only keys are main's: the key port is transferred to it before anything else. */
export async function createKeyedFrameWorker(url: URL | string = frameWorkerUrl()): Promise<Worker> {
  const port = await openMediaKeyPort();
  const worker = new Worker(url, { type: 'module' });
  worker.postMessage({ type: 'key-port', port }, [port]);
  return worker;
}
