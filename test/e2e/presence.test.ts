// Presence in a real call (Chromium, fake media): who speaks (WebAudio on received audio), announced mute / camera state, presenter layout.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, type Peer } from './harness/index';
import { waitUntil } from './harness/peer';
import { e2eNotReadyReason } from './harness/ready';

const notReady = await e2eNotReadyReason();

/** Attributes of the tile `viewer` shows for `name`. */
async function tileOf(viewer: Peer, name: string): Promise<Record<string, string>> {
  return viewer.page.locator(`[data-testid="tile-peer"][data-name="${name}"]`).evaluate((el) => ({
    speaking: el.getAttribute('data-speaking') ?? '', mic: el.getAttribute('data-mic') ?? '', cam: el.getAttribute('data-cam') ?? '',
    avatar: el.querySelector('[data-testid="tile-avatar"]') ? 'yes' : 'no'
  }));
}

describe.skipIf(notReady !== null)(`presence in the call${notReady ? ` (skipped: ${notReady})` : ''}`, () => {
  let h: Harness;
  let a: Peer, b: Peer;
  beforeAll(async () => {
    h = await Harness.start();
    [a, b] = [await h.peer('Mia'), await h.peer('Noa')];
    for (const p of [a, b]) await p.join('e2e-presence');
    await Promise.all([a, b].map((p) => p.waitConnected(1)));
  });
  afterAll(async () => { await h?.close(); });

  it('a 1:1 shows the other person large and ourselves as an overlay', async () => {
    expect(await b.page.getByTestId('call-view').getAttribute('data-layout')).toBe('one-to-one');
    expect(await b.page.locator('.self-pip [data-testid="tile-self"]').count()).toBe(1);
  });

  it('highlights the speaker from the audio actually received (the fake microphone beeps)', async () => {
    await waitUntil(async () => (await tileOf(b, 'Mia')).speaking === 'yes', 30_000, 'Noa sees Mia speaking');
  });

  it('shows the mute and camera state Mia announces, with her initials instead of video', async () => {
    await waitUntil(async () => (await tileOf(b, 'Mia')).mic === 'on', 15_000, 'Mia announced her state');
    await a.page.getByTestId('toggle-mute').click();
    await a.page.getByTestId('toggle-camera').click();
    await waitUntil(async () => { const t = await tileOf(b, 'Mia'); return t.mic === 'off' && t.cam === 'off'; }, 15_000, 'Mia muted, camera off');
    expect((await tileOf(b, 'Mia')).avatar).toBe('yes');
    // Muted audio is silence: the highlight goes away without any claim being trusted for it.
    await waitUntil(async () => (await tileOf(b, 'Mia')).speaking === 'no', 15_000, 'Mia no longer speaking');
    await a.page.getByTestId('toggle-mute').click();
    await a.page.getByTestId('toggle-camera').click();
    await waitUntil(async () => { const t = await tileOf(b, 'Mia'); return t.mic === 'on' && t.cam === 'on' && t.avatar === 'no'; }, 15_000, 'Mia back');
  });

  it('a shared screen puts the viewer in the presenter layout and tells the sharer', async () => {
    await a.page.getByTestId('toggle-share').click();
    await a.page.locator('[data-testid="picker-source"][data-source-id="window:1:0"]').click();
    await a.page.getByTestId('sharing-bar').waitFor();
    await waitUntil(async () => (await b.page.getByTestId('call-view').getAttribute('data-layout')) === 'presenter', 15_000, 'presenter layout');
    expect(await b.page.locator('.presenter-main [data-testid="tile-presenting"]').textContent()).toBe('Mia is presenting');
    expect(await b.page.locator('.presenter-main video').evaluate((v) => getComputedStyle(v).objectFit)).toBe('contain');
    await a.page.getByTestId('sharing-stop').click();
    await waitUntil(async () => (await b.page.getByTestId('call-view').getAttribute('data-layout')) === 'one-to-one', 15_000, 'back to 1:1');
  });

  it('tells "not a Veil server" from "nothing is hosting" in the lobby (the browser hides websocket errors)', async () => {
    const o = await h.peer('Ola');
    await o.submitJoin('nowhere', h.web.origin);
    await o.page.getByTestId('lobby-error').filter({ hasText: 'not a Veil server' }).waitFor({ timeout: 30_000 });
    const closedPort = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => resolve(port));
      });
    });
    await o.submitJoin('nowhere', `http://127.0.0.1:${closedPort}`);
    // Nothing listening on this computer (the first-run address) points to an invite link or hosting.
    await o.page.getByTestId('lobby-error').filter({ hasText: 'Nothing is hosting on this computer yet' }).waitFor({ timeout: 30_000 });
    // Neither failed attempt became a recent room.
    expect(await o.page.getByTestId('recent-room').count()).toBe(0);
  });

  it('Enter sends a chat line; the other side counts it unread while on another tab', async () => {
    await b.page.getByTestId('tab-files').click();
    await a.page.getByTestId('tab-chat').click();
    await a.page.getByTestId('chat-input').fill('hello with enter');
    await a.page.getByTestId('chat-input').press('Enter');
    await b.page.getByTestId('chat-unread').filter({ hasText: '1' }).waitFor();
    expect(await b.page.title()).toMatch(/^\(1\) Veil/);
    await b.page.getByTestId('tab-chat').click();
    await b.waitForMessage('hello with enter');
    expect(await b.page.getByTestId('chat-unread').count()).toBe(0);
  });
});
