// Where an SFU join's time goes: page hooks that timestamp the newcomer's signaling, Janus and media steps, and their reader.
import type { Page } from 'playwright-core';

/** Init script: `window.__joinPhases` gets the first time (performance.now) each step is seen after `__joinPhases.t0`. */
export const JOIN_PHASE_HOOK = `(() => {
  const at = {}; const phases = { t0: null, at };
  Object.defineProperty(window, '__joinPhases', { value: phases });
  const mark = (k) => { if (phases.t0 !== null && at[k] === undefined) at[k] = performance.now() - phases.t0; };
  phases.mark = mark;
  // Main-thread tasks over 50 ms: what holds back the page's handlers for Janus replies and connection events.
  phases.long = [];
  try { new PerformanceObserver((l) => { for (const e of l.getEntries()) if (phases.t0 !== null && e.startTime >= phases.t0) phases.long.push([e.startTime - phases.t0, e.duration]); }).observe({ type: 'longtask' }); } catch {}
  const W = window.WebSocket;
  window.WebSocket = class extends W {
    constructor(u, p) {
      super(u, p);
      const janus = p === 'janus-protocol';
      this.__janus = janus;
      if (janus) mark('Janus socket created');
      if (janus) this.addEventListener('open', () => mark('Janus socket open'));
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string') return;
        if (!janus) { if (e.data.startsWith('43') && e.data.includes('"selfId"')) mark('signaling joined'); return; }
        if (e.data.includes('"videoroom": "joined"') || e.data.includes('"videoroom":"joined"')) mark('Janus publisher joined');
        else if (e.data.includes('"videoroom": "attached"') || e.data.includes('"videoroom":"attached"')) mark('first subscription offered');
        else if (/"configured":\\s*"ok"/.test(e.data) && e.data.includes('"jsep"')) mark('publisher answered');
      });
    }
    send(d) {
      if (this.__janus && typeof d === 'string') {
        const m = /"janus":\\s*"(\\w+)"/.exec(d);
        const req = /"request":\\s*"(\\w+)"/.exec(d);
        if (m && m[1] !== 'keepalive') mark('Janus sent ' + m[1] + (req ? ' ' + req[1] : ''));
      }
      return super.send(d);
    }
  };
  const Wk = window.Worker;
  window.Worker = class extends Wk {
    constructor(...a) {
      super(...a);
      mark('frame worker created');
      this.addEventListener('message', (e) => { if (e.data && e.data.type === 'receive-status' && e.data.decrypted > 0) mark('worker opened a remote frame'); });
    }
  };
  const P = window.RTCPeerConnection;
  // The first offer we make is the publisher's, the first offer we take a subscription's.
  for (const [m, name] of [['createOffer', 'publisher offer created'], ['createAnswer', 'first subscription answer created']]) {
    const f = P.prototype[m];
    P.prototype[m] = function (...a) { return f.apply(this, a).then((d) => { mark(name); return d; }); };
  }
  for (const m of ['setLocalDescription', 'setRemoteDescription']) {
    const f = P.prototype[m];
    P.prototype[m] = function (d, ...a) { return f.call(this, d, ...a).then((r) => { mark(m + ' ' + (d && d.type) + ' done'); return r; }); };
  }
  window.RTCPeerConnection = class extends P {
    constructor(...a) {
      super(...a);
      const kind = () => this.getReceivers().some((r) => r.transform) ? 'subscription' : this.getSenders().some((s) => s.transform) ? 'publisher' : null;
      this.addEventListener('iceconnectionstatechange', () => {
        const k = kind();
        if (k && (this.iceConnectionState === 'checking' || this.iceConnectionState === 'connected')) mark((k === 'subscription' ? 'first ' : '') + k + ' ICE ' + this.iceConnectionState);
      });
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState !== 'connected') return;
        const k = kind();
        if (k === 'subscription') {
          mark('first subscription connected');
          // The page's own view of the first decoded frame: no harness round trip in the figure.
          const t = setInterval(async () => {
            if (this.connectionState !== 'connected') return clearInterval(t);
            let f = 0;
            (await this.getStats()).forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'video') f += r.framesDecoded || 0; });
            if (f > 0) { mark('first frame decoded (page)'); clearInterval(t); }
          }, 20);
        } else if (k === 'publisher') mark('publisher connected');
      });
    }
  };
})();`;

/** Arms the clock: it starts at the next click on the lobby's join button (the user's click, in the page). */
export const startJoinClock = (page: Page) => page.evaluate(`(() => {
  const ph = window.__joinPhases; ph.t0 = null; ph.long.length = 0; for (const k in ph.at) delete ph.at[k];
  const armed = (e) => {
    if (!(e.target instanceof Element) || !e.target.closest('[data-testid="lobby-join"]')) return;
    ph.t0 = e.timeStamp; document.removeEventListener('click', armed, true);
  };
  document.addEventListener('click', armed, true);
})()`);
/** The page's mark for its first decoded remote frame. */
export const FIRST_FRAME = 'first frame decoded (page)';

/** Each step's time from the click, and the main thread's long tasks (ms in tasks over 50 ms) before the first decoded frame. */
export async function joinPhases(page: Page): Promise<Record<string, number>> {
  const { at, long } = await page.evaluate('({ at: { ...window.__joinPhases.at }, long: window.__joinPhases.long.slice() })') as { at: Record<string, number>; long: Array<[number, number]> };
  const end = at[FIRST_FRAME] ?? Infinity;
  const before = long.filter(([t]) => t < end);
  return { ...at, 'main thread in long tasks (over 50 ms) before the first frame, total ms': before.reduce((s, [, d]) => s + d, 0) };
}
