// Where a 6-peer audio-only mesh's time goes: per page, every RTCPeerConnection's steps and every signal frame, on one axis.
// Run: node scripts/build.mjs && npx tsx bench/six-trace.ts   (one round; prints a timeline per peer)
import { Harness } from '../test/e2e/harness/index';

const HOOK = `(() => {
  const ev = []; Object.defineProperty(window, '__six', { value: ev });
  const mark = (k) => ev.push([Date.now(), k]);
  const sigType = (d) => { const i = d.indexOf('"signal":'); const m = i < 0 ? null : /"type":"(\\w+)"/.exec(d.slice(i)); return m ? m[1] : '?'; };
  const W = window.WebSocket;
  window.WebSocket = class extends W {
    constructor(u, p) { super(u, p); if (!String(u).includes('/socket.io/')) return;
      this.addEventListener('message', (e) => { if (typeof e.data !== 'string') return; const m = /^42\\["([^"]+)"/.exec(e.data);
        if (m) mark('got ' + m[1] + (m[1] === 'signal:relay' ? ' ' + sigType(e.data) + ' from ' + (/"from":"([^"]{4})/.exec(e.data) || [])[1] : '')); }); }
    send(d) { if (typeof d === 'string') { const m = /^42\\d*\\["([^"]+)"/.exec(d); if (m) mark('sent ' + m[1] + (m[1] === 'signal:relay' ? ' ' + sigType(d) + ' to ' + (/"to":"([^"]{4})/.exec(d) || [])[1] : '')); } return super.send(d); }
  };
  let n = 0; const P = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends P { constructor(...a) { super(...a); const id = 'pc' + (n++); mark(id + ' created');
    this.addEventListener('icegatheringstatechange', () => mark(id + ' gathering ' + this.iceGatheringState));
    this.addEventListener('connectionstatechange', () => mark(id + ' conn ' + this.connectionState));
    const sld = this.setLocalDescription.bind(this); this.setLocalDescription = (...x) => { mark(id + ' sLD'); return sld(...x); };
    const srd = this.setRemoteDescription.bind(this); this.setRemoteDescription = (...x) => { mark(id + ' sRD ' + (x[0] && x[0].type)); return srd(...x); };
    const co = this.createOffer.bind(this); this.createOffer = (...x) => { mark(id + ' createOffer'); return co(...x); };
  } };
})()`;
const AUDIO_ONLY = `{ const g = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (c) => g({ audio: c.audio, video: false }); }`;

async function main(): Promise<void> {
  const h = await Harness.start();
  try {
    const peers = [];
    for (let i = 0; i < 6; i++) {
      const p = await h.peer(`P${i}`);
      await p.context.addInitScript({ content: HOOK });
      await p.context.addInitScript({ content: AUDIO_ONLY });
      await p.page.reload();
      for (const [el, v] of [['lobby-name', p.name], ['lobby-server', h.signalingUrl], ['lobby-room', 'six-trace']] as const) await p.page.getByTestId(el).fill(v);
      peers.push(p);
    }
    const t0 = Date.now();
    await Promise.all(peers.map((p) => p.page.getByTestId('lobby-join').click()));
    const end = Date.now() + 60_000;
    const times: (number | null)[] = peers.map(() => null);
    while (Date.now() < end && times.some((t) => t === null)) {
      await Promise.all(peers.map(async (p, i) => {
        if (times[i] === null && await p.page.locator('[data-testid="tile-peer"][data-conn="connected"]:has(.badge.lock)').count() === 5) times[i] = Date.now() - t0;
      }));
      await new Promise((r) => setTimeout(r, 25));
    }
    for (const [i, p] of peers.entries()) {
      const ev = await p.page.evaluate('window.__six') as [number, string][];
      console.log(`\n== ${p.name} full at ${times[i]} ms`);
      for (const [t, k] of ev) if (t >= t0) console.log(`${String(t - t0).padStart(6)} ${k}`);
      console.log((await p.tiles()).map((t) => `${t.name}=${t.conn}`).join(' '));
    }
  } finally { await h.close(); }
}
main().catch((e: unknown) => { console.error(e); process.exit(1); });
