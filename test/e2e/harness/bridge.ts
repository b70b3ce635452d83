// Builds the page side of window.veil: preload/api.ts and preload/file-port.ts bundled to an IIFE, plus DataChannel send instrumentation.
import { build } from 'esbuild';
import { REPO_ROOT } from './paths';

const root = REPO_ROOT;
let cached: string | null = null;

/**
 * Returns the init script every page gets before its own code runs. playwright-core 1.65 bindings already
 * round-trip Uint8Array in both directions (checked at harness start by `checkBinaryRoundTrip`), so arguments
 * and results pass through unchanged; nothing else is added to the page.
 */
export async function veilInitScript(filePortUrl: string, keyPortUrl = ''): Promise<string> {
  return (await initScriptTemplate()).replace('__VEIL_FILE_PORT_URL__', JSON.stringify(filePortUrl))
    .replace('__VEIL_KEY_PORT_URL__', JSON.stringify(keyPortUrl));
}

async function initScriptTemplate(): Promise<string> {
  if (cached) return cached;
  const out = await build({
    stdin: {
      contents: [
        "import { buildVeilApi } from './preload/api';",
        "import { forwardFilePorts, postToOwnWindow } from './preload/file-port';",
        "import { forwardMediaKeyPorts } from './preload/media-key-port';",
        "import { FILE_PORT_EVENT, MEDIA_KEY_PORT_EVENT } from './protocol/ipc-channels';",
        'globalThis.__veilBuild = buildVeilApi;',
        'globalThis.__veilFilePorts = { forwardFilePorts, postToOwnWindow, FILE_PORT_EVENT, forwardMediaKeyPorts, MEDIA_KEY_PORT_EVENT };'
      ].join('\n'),
      resolveDir: root, sourcefile: 'harness-bridge.ts', loader: 'ts'
    },
    bundle: true, format: 'iife', platform: 'browser', target: 'chrome130', write: false, logLevel: 'silent'
  });
  const bundle = out.outputFiles[0]!.text;
  cached = `${bundle}
(() => {
  const invoke = globalThis.__veilInvoke;
  const filePortUrl = __VEIL_FILE_PORT_URL__;
  // The preload's own port forwarding (preload/file-port.ts: token check, one port, the page's exact origin) fed by a
  // stand-in for main's webContents.postMessage: a WebSocket bridged to a real MessageChannel (see file-ports.ts).
  const { forwardFilePorts, postToOwnWindow, FILE_PORT_EVENT, forwardMediaKeyPorts, MEDIA_KEY_PORT_EVENT } = globalThis.__veilFilePorts;
  delete globalThis.__veilFilePorts;
  const mainListeners = new Map();
  forwardFilePorts((channel, listener) => mainListeners.set(channel, listener), postToOwnWindow(() => window));
  forwardMediaKeyPorts((channel, listener) => mainListeners.set(channel, listener), postToOwnWindow(() => window));
  const keyPortUrl = __VEIL_KEY_PORT_URL__;
  // Main's key messages arrive as JSON (key-ports.ts) and are posted as the structured clones Electron would deliver.
  const attachKeyPort = (token) => {
    if (!keyPortUrl) return;
    const ws = new WebSocket(keyPortUrl + '?token=' + encodeURIComponent(token));
    const { port1, port2 } = new MessageChannel();
    ws.onmessage = (e) => {
      if (typeof e.data !== 'string') return;
      const m = JSON.parse(e.data);
      if (Array.isArray(m.baseKey)) m.baseKey = new Uint8Array(m.baseKey);
      if (Array.isArray(m.tags)) m.tags = new Uint8Array(m.tags);
      port1.postMessage(m);
    };
    // The worker's messages back to main (refusals, the frames it sealed), byte fields as arrays.
    port1.onmessage = (e) => {
      const d = e.data;
      if (ws.readyState !== 1 || !d || typeof d !== 'object') return;
      ws.send(JSON.stringify(d.tags instanceof Uint8Array ? { ...d, tags: [...d.tags] } : d));
    };
    ws.onclose = () => port1.close();
    mainListeners.get(MEDIA_KEY_PORT_EVENT)?.({ ports: [port2] }, token);
  };
  const attachFilePort = (token) => {
    const ws = new WebSocket(filePortUrl + '?token=' + encodeURIComponent(token));
    ws.binaryType = 'arraybuffer';
    const { port1, port2 } = new MessageChannel();
    const queued = [];
    port1.onmessage = (e) => {
      const d = e.data;
      const buf = d instanceof ArrayBuffer ? d : ArrayBuffer.isView(d) ? d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) : null;
      if (!buf) return;
      if (ws.readyState === 1) ws.send(buf); else queued.push(buf);
    };
    ws.onopen = () => { for (const b of queued.splice(0)) ws.send(b); };
    ws.onmessage = (e) => { if (e.data instanceof ArrayBuffer) port1.postMessage(e.data, [e.data]); };
    ws.onclose = () => port1.close();
    mainListeners.get(FILE_PORT_EVENT)?.({ ports: [port2] }, token);
  };
  const api = globalThis.__veilBuild(async (channel, ...args) => {
    const res = await invoke(channel, args);
    if (channel === 'files:connect' && res && res.ok) attachFilePort(res.value.token);
    if (channel === 'media:keyPort' && res && res.ok) attachKeyPort(res.value.token);
    return res;
  });
  delete globalThis.__veilBuild;
  Object.defineProperty(window, 'veil', { value: api, writable: false, configurable: false, enumerable: true });
  // Test instrumentation: keep every RTCPeerConnection so tests can read getStats().
  const pcs = [];
  Object.defineProperty(window, '__veilPcs', { value: pcs });
  const OrigPc = window.RTCPeerConnection;
  // ... and every data channel the page creates (the file tests tamper with and inject into 'veil-files').
  const channels = [];
  Object.defineProperty(window, '__veilChannels', { value: channels });
  class TrackedPc extends OrigPc {
    constructor(...a) { super(...a); pcs.push(this); }
    createDataChannel(...a) { const dc = super.createDataChannel(...a); channels.push(dc); return dc; }
  }
  window.RTCPeerConnection = TrackedPc;
  // Test instrumentation: record every payload the page puts on a data channel.
  // Bounded: full copies of the first 32 MiB sent, then only a count (a 200 MB transfer must not be duplicated here).
  const sent = [];
  let sentBytes = 0;
  let sentCount = 0;
  Object.defineProperty(window, '__veilSent', { value: sent });
  Object.defineProperty(window, '__veilSentCount', { get: () => sentCount });
  const orig = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (data) {
    sentCount++;
    if (sentBytes < 32 * 1024 * 1024) try {
      let bytes;
      if (typeof data === 'string') bytes = new TextEncoder().encode(data);
      else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data.slice(0));
      else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
      if (bytes && sent.length < 5000 && sentBytes + bytes.length <= 32 * 1024 * 1024) { sent.push(bytes); sentBytes += bytes.length; }
    } catch {}
    return orig.call(this, data);
  };
})();`;
  return cached;
}

// Page-side helpers are strings so no bundler helper (e.g. esbuild's __name) leaks into the page.

/** An expression: true when the page can read `needle` (UTF-8) inside anything it sent on a data channel. */
export const sentContainsExpr = (needle: string): string => `(() => {
  const n = new TextEncoder().encode(${JSON.stringify(needle)});
  return window.__veilSent.some((h) => {
    outer: for (let i = 0; i + n.length <= h.length; i++) {
      for (let j = 0; j < n.length; j++) if (h[i + j] !== n[j]) continue outer;
      return true;
    }
    return false;
  });
})()`;

/** An expression: per connected peer connection, frames of remote video decoded so far. */
export const decodedFramesExpr = `(async () => {
  const out = [];
  for (const pc of window.__veilPcs) {
    if (pc.connectionState !== 'connected') continue;
    let frames = 0;
    (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded || 0; });
    out.push(frames);
  }
  return out;
})()`;

/** An expression: number of payloads sent on data channels so far. */
export const sentCountExpr = 'window.__veilSentCount';
