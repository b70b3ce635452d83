// Receives a MessagePort main posts to this window (through the preload), matched by the token main returned for it.

const CONNECT_TIMEOUT_MS = 10_000;
/** Ports with tokens we have not asked for yet are kept only this many (main may post before the invoke resolves). */
const MAX_EARLY_PORTS = 4;

/**
 * Calls `request` for a token, then resolves with the port whose window message carries that token in `field`. The
 * listener goes in before the request because main may post the port before the request resolves; only a message from
 * our own window counts. `what` names the port in the timeout error.
 */
export async function receiveMainPort(field: 'veilFilePort' | 'veilMediaKeyPort', request: () => Promise<{ token: string }>, what: string): Promise<MessagePort> {
  const arrived = new Map<string, MessagePort>();
  let wanted: string | null = null;
  let deliver: ((p: MessagePort) => void) | null = null;
  const onMessage = (e: MessageEvent) => {
    const token = (e.data as Record<string, unknown> | null)?.[field];
    const port = e.ports[0];
    if (e.source !== window || typeof token !== 'string' || !port) return;
    if (token === wanted && deliver) deliver(port);
    else if (arrived.size < MAX_EARLY_PORTS) arrived.set(token, port);
  };
  window.addEventListener('message', onMessage);
  try {
    const { token } = await request();
    const early = arrived.get(token);
    if (early) return early;
    return await new Promise<MessagePort>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`main did not deliver the ${what}`)), CONNECT_TIMEOUT_MS);
      wanted = token;
      deliver = (p) => { clearTimeout(timer); resolve(p); };
    });
  } finally {
    window.removeEventListener('message', onMessage);
  }
}
