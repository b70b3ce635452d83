// App bench on loopback: join → first decrypted message (2 peers), and a 6-peer mesh fully connected with sessions open.
// Run: node scripts/build.mjs renderer && npm run bench:app   (real Chromium, real signaling server, real main services)
import os from 'node:os';
import { Harness, type Peer } from '../test/e2e/harness/index';

async function until(check: () => Promise<boolean>, timeout: number, poll = 10): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, poll));
  }
}

async function connected(p: Peer): Promise<number> {
  return p.page.locator('[data-testid="tile-peer"][data-conn="connected"]:has(.badge.lock)').count();
}

async function joinToFirstMessage(h: Harness, round: number): Promise<number> {
  const room = `bench-two-${round}`;
  const a = await h.peer(`A${round}`);
  const b = await h.peer(`B${round}`);
  await a.join(room);
  for (const [el, v] of [['lobby-name', b.name], ['lobby-server', h.signalingUrl], ['lobby-room', room]] as const) await b.page.getByTestId(el).fill(v);
  const text = `bench message ${round}`;
  const t0 = performance.now();
  await b.page.getByTestId('lobby-join').click();
  await until(async () => (await connected(a)) === 1, 30_000);
  await a.page.getByTestId('chat-input').fill(text);
  await a.page.getByTestId('chat-send').click();
  await until(async () => (await b.page.locator('[data-testid="chat-text"]', { hasText: text }).count()) > 0, 30_000);
  const ms = performance.now() - t0;
  await a.close();
  await b.close();
  return ms;
}

// Audio-only variant: the same app, with getUserMedia asked for no camera (separates signaling/crypto/ICE from
// the cost of 30 fake-video encoders and decoders on this machine's cores).
const AUDIO_ONLY = `{ const g = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (c) => g({ audio: c.audio, video: false }); }`;

async function sixPeerMesh(h: Harness, audioOnly = false): Promise<number> {
  const peers: Peer[] = [];
  for (let i = 0; i < 6; i++) {
    const p = await h.peer(`P${i}`);
    if (audioOnly) {
      await p.context.addInitScript({ content: AUDIO_ONLY });
      await p.page.reload();
    }
    peers.push(p);
  }
  for (const p of peers) {
    for (const [el, v] of [['lobby-name', p.name], ['lobby-server', h.signalingUrl], ['lobby-room', 'bench-six']] as const) await p.page.getByTestId(el).fill(v);
  }
  const t0 = performance.now();
  await Promise.all(peers.map((p) => p.page.getByTestId('lobby-join').click()));
  // Clicks are concurrent: every peer joins at the same moment, as in a scheduled meeting.
  await until(async () => (await Promise.all(peers.map(connected))).every((n) => n === 5), 60_000, 25);
  const ms = performance.now() - t0;
  for (const p of peers) await p.close();
  return ms;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const h = await Harness.start();
  try {
    const two: number[] = [];
    for (let i = 0; i < 5; i++) two.push(await joinToFirstMessage(h, i));
    const six: number[] = [];
    for (let i = 0; i < 2; i++) six.push(await sixPeerMesh(h));
    const sixAudio: number[] = [];
    for (let i = 0; i < 2; i++) sixAudio.push(await sixPeerMesh(h, true));
    const rows = [
      ['join → first decrypted message, 2 peers', two, 1000],
      ['6-peer mesh fully connected, sessions open (audio+video)', six, 5000],
      ['6-peer mesh fully connected, sessions open (audio only)', sixAudio, 5000]
    ] as const;
    console.log(`loopback, ${os.cpus().length} cores, 1-min load average at the end ${os.loadavg()[0]!.toFixed(1)}`);
    console.log('| scenario | runs | median ms | max ms | target ms | ok |');
    console.log('|---|---|---|---|---|---|');
    for (const [name, xs, target] of rows) {
      const m = median(xs);
      console.log(`| ${name} | ${xs.length} | ${m.toFixed(0)} | ${Math.max(...xs).toFixed(0)} | ≤ ${target} | ${m <= target ? 'yes' : 'NO'} |`);
    }
  } finally {
    await h.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
