// Where an SFU join's time goes: page hooks that timestamp the newcomer's signaling, Janus and media steps, and their reader.
import type { Page } from 'playwright-core';

/** Init script: `window.__joinPhases` gets the first time (performance.now) each step is seen after `__joinPhases.t0`. */
export const JOIN_PHASE_HOOK = `(() => {
  const at = {}; const phases = { t0: null, at };
  Object.defineProperty(window, '__joinPhases', { value: phases });
  const mark = (k) => { if (phases.t0 !== null && at[k] === undefined) at[k] = performance.now() - phases.t0; };
  const W = window.WebSocket;
  window.WebSocket = class extends W {
    constructor(u, p) {
      super(u, p);
      const janus = p === 'janus-protocol';
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string') return;
        if (!janus) { if (e.data.startsWith('43') && e.data.includes('"selfId"')) mark('signaling joined'); return; }
        if (e.data.includes('"videoroom": "joined"') || e.data.includes('"videoroom":"joined"')) mark('Janus publisher joined');
        else if (e.data.includes('"videoroom": "attached"') || e.data.includes('"videoroom":"attached"')) mark('first subscription offered');
      });
    }
  };
  const P = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends P {
    constructor(...a) {
      super(...a);
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState !== 'connected') return;
        if (this.getReceivers().some((r) => r.transform)) mark('first subscription connected');
        else if (this.getSenders().some((s) => s.transform)) mark('publisher connected');
      });
    }
  };
})();`;

export const startJoinClock = (page: Page) => page.evaluate('window.__joinPhases.t0 = performance.now(); for (const k in window.__joinPhases.at) delete window.__joinPhases.at[k];');
export const joinPhases = (page: Page) => page.evaluate('({ ...window.__joinPhases.at })') as Promise<Record<string, number>>;
export const JOIN_PHASE_ORDER = ['signaling joined', 'Janus publisher joined', 'first subscription offered', 'first subscription connected', 'publisher connected'];
