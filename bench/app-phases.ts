// Where a 2-peer mesh join's time goes: a page hook that timestamps signaling frames, RTCPeerConnection steps and the
// tiles/chat the user sees, a timer around each peer's main IPC (in this process), and the reader that puts both on one axis.
//
// Clock: every mark is a wall-clock Date.now(), in the pages and here alike, so A's page, B's page and both mains share
// one axis; the reader subtracts t0 (taken here just before B's click). 1 ms resolution is plenty for these phases.
import type { Peer } from '../test/e2e/harness/index';

/**
 * Init script (add after the harness' own, then reload): `window.__appPhases.at[name]` gets the first wall-clock time each
 * step is seen after `__appPhases.armed` is set. Observes only: socket.io frames (engine.io v4 text packets), the
 * RTCPeerConnection the app builds (through simple-peer), and the DOM.
 */
export const APP_PHASE_HOOK = `(() => {
  const at = {}; const st = { armed: false, at };
  Object.defineProperty(window, '__appPhases', { value: st });
  const mark = (k) => { if (st.armed && at[k] === undefined) at[k] = Date.now(); };
  const sigType = (d) => { const i = d.indexOf('"signal":'); const m = i < 0 ? null : /"type":"(\\w+)"/.exec(d.slice(i)); return m ? m[1] : '?'; };
  const W = window.WebSocket;
  window.WebSocket = class extends W {
    constructor(u, p) {
      super(u, p);
      this.__sio = String(u).includes('/socket.io/');
      this.__acks = new Map();
      if (!this.__sio) return;
      this.addEventListener('open', () => mark('ws open'));
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string') return;
        const d = e.data;
        if (d.startsWith('40')) return mark('signaling connected');
        let m = /^43(\\d+)/.exec(d);
        if (m) { const ev = this.__acks.get(m[1]); if (ev) mark('ack ' + ev); return; }
        m = /^42\\["([^"]+)"/.exec(d);
        if (m) mark('got ' + m[1] + (m[1] === 'signal:relay' ? ' ' + sigType(d) : ''));
      });
    }
    send(d) {
      if (this.__sio && typeof d === 'string') {
        const m = /^42(\\d*)\\["([^"]+)"/.exec(d);
        if (m) {
          const ev = m[2] + (m[2] === 'signal:relay' ? ' ' + sigType(d) : '');
          if (m[1]) this.__acks.set(m[1], ev);
          mark('sent ' + ev);
        }
      }
      return super.send(d);
    }
  };
  const watchDc = (dc) => dc.addEventListener('open', () => mark(dc.label === 'veil-files' ? 'files channel open' : 'chat channel open'));
  const f = window.fetch;
  window.fetch = (...a) => {
    const info = String(a[0] && a[0].url ? a[0].url : a[0]).includes('/veil/info');
    if (info) mark('server info fetch started');
    const r = f(...a);
    if (info) r.then(() => mark('server info fetched'), () => mark('server info fetched'));
    return r;
  };
  const rt = RTCRtpSender.prototype.replaceTrack;
  RTCRtpSender.prototype.replaceTrack = function (...a) { mark('first replaceTrack (link proven)'); return rt.apply(this, a); };
  // Main-thread tasks over 50 ms after arming: what delays timers and handlers on the page.
  const long = [];
  Object.defineProperty(st, 'long', { value: long, enumerable: false });
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) { const t = performance.timeOrigin + e.startTime; if (st.armed) long.push([t, e.duration]); } })
      .observe({ type: 'longtask' });
  } catch {}
  document.addEventListener('click', (e) => { if (e.target && e.target.closest && e.target.closest('[data-testid="chat-send"]')) mark('chat send clicked'); }, true);
  const md = navigator.mediaDevices;
  if (md && md.getUserMedia) {
    const g = md.getUserMedia.bind(md);
    md.getUserMedia = (c) => { mark('getUserMedia called'); return g(c).then((s) => { mark('getUserMedia resolved'); return s; }); };
  }
  const P = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends P {
    static generateCertificate(...a) { return P.generateCertificate(...a).then((c) => { mark('certificate generated'); return c; }); }
    constructor(...a) {
      super(...a);
      mark('pc created');
      this.addEventListener('icegatheringstatechange', () => { if (this.iceGatheringState === 'complete') mark('ICE gathering complete'); });
      this.addEventListener('iceconnectionstatechange', () => {
        if (this.iceConnectionState === 'connected' || this.iceConnectionState === 'completed') mark('ICE connected');
      });
      this.addEventListener('connectionstatechange', () => { if (this.connectionState === 'connected') mark('DTLS connected'); });
      this.addEventListener('datachannel', (e) => watchDc(e.channel));
    }
    createDataChannel(...a) { const dc = super.createDataChannel(...a); watchDc(dc); return dc; }
    createOffer(...a) { mark('createOffer called'); return super.createOffer(...a); }
    createAnswer(...a) { mark('createAnswer called'); return super.createAnswer(...a); }
    setLocalDescription(...a) { return super.setLocalDescription(...a).then((r) => { mark('local ' + (this.localDescription ? this.localDescription.type : '?') + ' set'); return r; }); }
    setRemoteDescription(...a) { return super.setRemoteDescription(...a).then((r) => { mark('remote ' + (this.remoteDescription ? this.remoteDescription.type : '?') + ' applied'); return r; }); }
    getStats(...a) {
      return super.getStats(...a).then((rep) => {
        if (at['remote certificate in stats'] === undefined) rep.forEach((s) => { if (s.type === 'transport' && typeof s.remoteCertificateId === 'string') mark('remote certificate in stats'); });
        return rep;
      });
    }
  };
  const dom = () => {
    if (!st.armed) return;
    if (document.querySelector('[data-testid="call-view"]')) mark('call view shown');
    if (document.querySelector('[data-testid="tile-peer"]')) mark('peer tile shown');
    if (document.querySelector('[data-testid="tile-peer"][data-conn="connected"]')) mark('tile connected');
    if (document.querySelector('[data-testid="tile-peer"][data-conn="connected"] .badge.lock')) mark('tile connected + lock');
    if (document.querySelector('[data-testid="chat-text"]')) mark('chat text shown');
  };
  const observe = () => new MutationObserver(dom).observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-conn'] });
  if (document.documentElement) observe(); else document.addEventListener('readystatechange', observe, { once: true });
})();`;

/** Median round trip of a cheap IPC call (settings:get) as the page sees it: the harness' binding hop plus main. */
export const ipcHopExpr = `(async () => {
  const xs = [];
  for (let i = 0; i < 15; i++) { const t = performance.now(); await window.veil.settings.get(); xs.push(performance.now() - t); }
  return xs.sort((x, y) => x - y)[7];
})()`;

export const armPhases = (page: Peer['page']) => page.evaluate('window.__appPhases.armed = true; for (const k in window.__appPhases.at) delete window.__appPhases.at[k];');
export const pagePhases = (page: Peer['page']) => page.evaluate('({ ...window.__appPhases.at })') as Promise<Record<string, number>>;
/** The page's long tasks since arming: [wall-clock start, duration ms]. */
export const pageLongTasks = (page: Peer['page']) => page.evaluate('window.__appPhases.long.slice()') as Promise<[number, number][]>;

export interface IpcCall { channel: string; start: number; end: number; note?: string }

/**
 * Times every IPC call of this peer's page in its main (wall clock, here, so the page↔test-process hop of the harness'
 * binding is outside it). `marker` tags message:seal / message:open calls whose plaintext carries it.
 */
export function timeIpc(peer: Peer, marker: () => string): IpcCall[] {
  const log: IpcCall[] = [];
  const inner = peer.services.dispatch;
  const dec = new TextDecoder();
  const carries = (b: unknown) => b instanceof Uint8Array && marker() !== '' && dec.decode(b).includes(marker());
  peer.services.dispatch = async (url, channel, args) => {
    const start = Date.now();
    const res = await inner(url, channel, args);
    const call: IpcCall = { channel: String(channel), start, end: Date.now() };
    if (channel === 'message:seal' && carries(args[2])) call.note = 'marker';
    if (channel === 'message:open' && res.ok && carries((res.value as { plaintext?: unknown }).plaintext)) call.note = 'marker';
    log.push(call);
    return res;
  };
  return log;
}

export interface JoinTrace {
  t0: number; a: Record<string, number>; b: Record<string, number>; ipcA: IpcCall[]; ipcB: IpcCall[]; chatClick: number; end: number;
  longA: [number, number][]; longB: [number, number][];
}

/**
 * One run's phases, ms after t0. The offerer is whichever side has the smaller socket id (mesh.ts `isInitiator`), so
 * offer/answer phases are named by role; everything else is B (the joiner) unless it says A.
 */
export function phasesOf(tr: JoinTrace): { phases: Record<string, number>; bOffered: boolean; longTasks: Record<string, number> } {
  const rel = (t: number | undefined) => (t === undefined ? undefined : t - tr.t0);
  const bOffered = tr.b['sent signal:relay offer'] !== undefined;
  const [off, ans] = bOffered ? [tr.b, tr.a] : [tr.a, tr.b];
  const first = (log: IpcCall[], ch: string, field: 'start' | 'end', note?: string) =>
    log.find((c) => c.channel === ch && c.start >= tr.t0 && (note === undefined || c.note === note))?.[field];
  const both = (k: string) => {
    const xs = [tr.a[k], tr.b[k]].filter((x): x is number => x !== undefined);
    return xs.length === 2 ? Math.max(...xs) : undefined;
  };
  const ipcOff = bOffered ? tr.ipcB : tr.ipcA;
  const ipcAns = bOffered ? tr.ipcA : tr.ipcB;
  const raw: [string, number | undefined][] = [
    ['B: join handler runs (first IPC, app:allowServer, reaches main)', tr.ipcB.find((c) => c.start >= tr.t0)?.start],
    ['B: server info fetched (/veil/info, media servers for the CSP)', tr.b['server info fetched']],
    ['B: Room.start runs (getUserMedia called)', tr.b['getUserMedia called']],
    ['B: camera/mic stream ready (getUserMedia resolves)', tr.b['getUserMedia resolved']],
    ['B: DTLS certificate generated', tr.b['certificate generated']],
    ['B: keys:create returns in main', first(tr.ipcB, 'keys:create', 'end')],
    ['B: signaling WebSocket open', tr.b['ws open']],
    ['B: signaling connected (socket.io connect)', tr.b['signaling connected']],
    ['B: keys:get returns in main (join)', first(tr.ipcB, 'keys:get', 'end')],
    ['B: room:challenge acked', tr.b['ack room:challenge']],
    ['B: join proof signed (identity:proveJoin returns in main)', first(tr.ipcB, 'identity:proveJoin', 'end')],
    ['B: key bundle published (room:join sent, bundle inside)', tr.b['sent room:join']],
    ['B: room joined (join ack, selfId)', tr.b['ack room:join']],
    ['A: B\'s bundle arrives (room:joined)', tr.a['got room:joined']],
    ['A: B\'s bundle checked, session open (session:open returns)', first(tr.ipcA, 'session:open', 'end')],
    ['B: A\'s bundle checked, session open (session:open returns)', first(tr.ipcB, 'session:open', 'end')],
    ['A: B\'s tile shown (store has the open session)', tr.a['peer tile shown']],
    ['B: A\'s tile shown (store has the open session)', tr.b['peer tile shown']],
    ['offerer: link made (RTCPeerConnection created)', off['pc created']],
    ['offerer: createOffer called', off['createOffer called']],
    ['offerer: local offer set (setLocalDescription resolves)', off['local offer set']],
    ['offerer: ICE gathering complete', off['ICE gathering complete']],
    ['offerer: offer bound (link:bind returns in main)', first(ipcOff, 'link:bind', 'end')],
    ['offerer: offer sent (signal:relay)', off['sent signal:relay offer']],
    ['answerer: offer received (signal:relay)', ans['got signal:relay offer']],
    ['answerer: offer verified (link:verify returns in main)', first(ipcAns, 'link:verify', 'end')],
    ['answerer: offer applied (setRemoteDescription)', ans['remote offer applied']],
    ['answerer: local answer set (setLocalDescription resolves)', ans['local answer set']],
    ['answerer: ICE gathering complete', ans['ICE gathering complete']],
    ['answerer: answer sent', ans['sent signal:relay answer']],
    ['offerer: answer received', off['got signal:relay answer']],
    ['offerer: answer applied (verified, setRemoteDescription)', off['remote answer applied']],
    ['offerer: confirm sent', off['sent signal:relay confirm']],
    ['answerer: confirm received', ans['got signal:relay confirm']],
    ['ICE connected, both sides', both('ICE connected')],
    ['DTLS connected (connectionState), both sides', both('DTLS connected')],
    ['live certificate readable, both sides (getStats)', both('remote certificate in stats')],
    ['chat data channel open, both sides', both('chat channel open')],
    ['answerer: confirm verified (link:verify returns in main)', ipcAns.filter((c) => c.channel === 'link:verify' && c.start >= tr.t0)[1]?.end],
    ['offerer: live-certificate check done (tracks attached: first replaceTrack)', off['first replaceTrack (link proven)']],
    ['answerer: confirm + live check done (tracks attached: first replaceTrack)', ans['first replaceTrack (link proven)']],
    ['offerer: link authenticated in code (media-state message:seal starts)', ipcOff.find((c) => c.channel === 'message:seal' && c.start >= tr.t0)?.start],
    ['answerer: link authenticated in code (media-state message:seal starts)', ipcAns.find((c) => c.channel === 'message:seal' && c.start >= tr.t0)?.start],
    ['offerer: tile connected + lock (DOM)', off['tile connected + lock']],
    ['answerer: tile connected + lock (DOM)', ans['tile connected + lock']],
    ['A: link authenticated (tile connected + lock)', tr.a['tile connected + lock']],
    ['A: bench clicks send (in the page, on the lock badge)', tr.chatClick],
    ['A: send click reaches the page', tr.a['chat send clicked']],
    ['A: first chat sealed (message:seal returns)', first(tr.ipcA, 'message:seal', 'end', 'marker')],
    ['B: first chat opened (message:open returns)', first(tr.ipcB, 'message:open', 'end', 'marker')],
    ['B: first chat shown (chat-text in the DOM)', tr.b['chat text shown']]
  ];
  const phases: Record<string, number> = {};
  for (const [k, v] of raw) { const r = rel(v); if (r !== undefined) phases[k] = r; }
  // Long tasks (ms of main thread in tasks over 50 ms) from the click to each side's link authenticated in code.
  const busy = (long: [number, number][], until: number | undefined) =>
    until === undefined ? undefined : long.filter(([t]) => t >= tr.t0 && t < until).reduce((x, [, d]) => x + d, 0);
  const longTasks: Record<string, number> = {};
  const offAuth = ipcOff.find((c) => c.channel === 'message:seal' && c.start >= tr.t0)?.start;
  const ansAuth = ipcAns.find((c) => c.channel === 'message:seal' && c.start >= tr.t0)?.start;
  const lo = busy(bOffered ? tr.longB : tr.longA, offAuth);
  const la = busy(bOffered ? tr.longA : tr.longB, ansAuth);
  if (lo !== undefined) longTasks['offerer page'] = lo;
  if (la !== undefined) longTasks['answerer page'] = la;
  const lb = busy(tr.longB, offAuth !== undefined && ansAuth !== undefined ? Math.max(offAuth, ansAuth) : undefined);
  if (lb !== undefined) longTasks['B page (joiner)'] = lb;
  return { phases, bOffered, longTasks };
}

/** Per main IPC channel: median duration in main and calls per run, for the calls after t0 and before the end. */
export function ipcCosts(traces: JoinTrace[], side: 'A' | 'B'): { channel: string; median: number; perRun: number }[] {
  const by = new Map<string, number[]>();
  for (const tr of traces) {
    for (const c of side === 'A' ? tr.ipcA : tr.ipcB) {
      if (c.start < tr.t0 || c.start > tr.end) continue;
      by.set(c.channel, [...(by.get(c.channel) ?? []), c.end - c.start]);
    }
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return [...by].map(([channel, xs]) => ({ channel, median: med(xs), perRun: xs.length / traces.length }));
}
